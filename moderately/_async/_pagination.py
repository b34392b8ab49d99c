"""Pages of a list, which fetch the next page on demand and iterate over every item."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

from .._pages import PageMeta

T = TypeVar("T")

AsyncPageFetcher = Callable[[int], Awaitable["AsyncPage[T]"]]


class AsyncPage(Generic[T]):
    """One page of results, with the platform's pagination metadata.

    ``page.items`` holds this page only; iterating the page (``async for``) yields every item
    from this page to the last, fetching each further page only when it is reached.
    """

    __slots__ = ("_fetch", "_meta", "items")

    def __init__(self, items: list[T], meta: PageMeta, fetch: AsyncPageFetcher[T]) -> None:
        self.items = items
        self._meta = meta
        self._fetch = fetch

    @property
    def page(self) -> int:
        """Page number, from 1."""
        return self._meta.page

    @property
    def page_size(self) -> int:
        """Items per page, as the platform applied it."""
        return self._meta.page_size

    @property
    def total_items(self) -> int:
        """Items across all pages when this page was fetched."""
        return self._meta.total_items

    @property
    def total_pages(self) -> int:
        """Pages in all when this page was fetched."""
        return self._meta.total_pages

    @property
    def has_next_page(self) -> bool:
        """Whether a page follows this one."""
        return self._meta.has_next_page

    @property
    def has_previous_page(self) -> bool:
        """Whether a page comes before this one."""
        return self._meta.has_previous_page

    async def get_next_page(self) -> AsyncPage[T] | None:
        """Fetch the page after this one, or return None on the last page."""
        if not self._meta.has_next_page:
            return None
        return await self._fetch(self._meta.page + 1)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """Yield this page, then each following page as it is fetched."""
        page: AsyncPage[T] | None = self
        while page is not None:
            yield page
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(page={self.page}, items={len(self.items)}, "
            f"total_items={self.total_items}, has_next_page={self.has_next_page})"
        )


# unasync: async-only begin
AsyncPageWalker = Callable[[int], AsyncGenerator[AsyncPage[T], None]]


class AsyncPageRequest(Generic[T]):
    """A list call not yet sent: ``await`` it for the first page, ``async for`` for all items."""

    __slots__ = ("_fetch", "_first", "_walk")

    def __init__(
        self, fetch: AsyncPageFetcher[T], first: int, walk: AsyncPageWalker[T] | None = None
    ) -> None:
        self._fetch = fetch
        self._first = first
        self._walk = walk

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._fetch(self._first).__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        if self._walk is not None:
            # The collection's own walk, which may read a page ahead (see
            # AsyncSearchable._walk_pages); it is closed with this iterator.
            pages = self._walk(self._first)
            try:
                async for each in pages:
                    for item in each.items:
                        yield item
            finally:
                await pages.aclose()
            return
        # Walks the pages here instead of ``async for item in page``: every item then passes
        # through one async generator, not two (about 1 us per item, 10 ms per 10,000).
        page: AsyncPage[T] | None = await self._fetch(self._first)
        while page is not None:
            for item in page.items:
                yield item
            page = await page.get_next_page()


def paginate(
    fetch: AsyncPageFetcher[T], first: int, walk: AsyncPageWalker[T] | None = None
) -> AsyncPageRequest[T]:
    """Defer the first fetch until the caller awaits or iterates (through ``walk`` if given)."""
    return AsyncPageRequest(fetch, first, walk)


# unasync: async-only end
# unasync: sync-only begin
# def paginate(fetch: PageFetcher[T], first: int) -> Page[T]:
#     """Fetch the first page now; iterating it walks the rest."""
#     return fetch(first)
# unasync: sync-only end
