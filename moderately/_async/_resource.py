"""Resource models and the mixins that give them operations, each wrapped in hooks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable
from functools import cache, partial
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar

from pydantic import TypeAdapter, ValidationError

from .._errors import InvalidArgumentError
from .._execution import SupportsTerminal
from .._hooks import HookContext, Operation, Outcome, Replace, default_hook
from .._models import RequestModel, TrackedModel, bind_all
from .._pages import PageEnvelope
from .._parsing import response_mismatch
from .._request import Query, item_path, require_id
from .._response import Response
from ._hooked import only_default_hooks, run_hooked
from ._pagination import AsyncPage, AsyncPageRequest, paginate
from ._polling import WaitSettings, wait_until_terminal

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._client import AsyncModeratelyAI

E = TypeVar("E", bound=SupportsTerminal)


class AsyncResource(TrackedModel):
    """A platform object bound to the client that loaded it."""

    if TYPE_CHECKING:
        _client: AsyncModeratelyAI | None
    _path: ClassVar[str] = ""
    """Collection path, e.g. ``/agents``."""
    _id_field: ClassVar[str] = ""
    """Name of the field holding the object's id."""

    @property
    def id(self) -> str:
        """The object's platform id."""
        return str(getattr(self, self._id_field))

    @property
    def client(self) -> AsyncModeratelyAI:
        """The client this object was loaded through; its operations use it."""
        client: AsyncModeratelyAI | None = getattr(self, "_client", None)
        if client is None:
            raise InvalidArgumentError(
                f"This {type(self).__name__} is not attached to a client; load it through the "
                "client (for example client.agents.retrieve(...)) to call its operations."
            )
        return client

    def _bind(self, client: AsyncModeratelyAI, request_id: str | None) -> Self:
        self._set_origin(client, request_id)
        return self

    @classmethod
    def _item_path(cls, resource_id: str) -> str:
        return item_path(cls._path, resource_id, cls._id_field)

    @classmethod
    def _parse(cls, client: AsyncModeratelyAI, response: Response) -> Self:
        try:
            obj = cls.model_validate_json(response.content)
        except ValidationError as exc:
            raise response_mismatch(cls.__name__, response, exc) from exc
        return obj._bind(client, response.request_id)

    def _absorb(self, response: Response) -> None:
        """Take the fields of a fresh server copy into this instance (after save or refresh)."""
        if response.content.strip():
            self._adopt(self._parse(self.client, response))
        else:
            object.__setattr__(self, "_request_id", response.request_id)
            self._mark_clean()


@cache
def _envelope(cls: type[AsyncResource]) -> TypeAdapter[PageEnvelope[Any]]:
    return TypeAdapter(PageEnvelope[cls])  # type: ignore[valid-type]


class AsyncSearchable(AsyncResource):
    """Lists the collection, one page per request, with the platform's filters."""

    @classmethod
    @default_hook
    async def before_search(cls, ctx: HookContext[Self]) -> Replace[AsyncPage[Self]] | None:
        """Runs before each page is fetched; return ``Replace(page)`` to skip the request."""
        return None

    @classmethod
    @default_hook
    async def after_search(
        cls, ctx: HookContext[Self], outcome: Outcome[AsyncPage[Self]]
    ) -> Replace[AsyncPage[Self]] | None:
        """Runs after each page is fetched (or fails); return ``Replace(page)`` to change it."""
        return None

    @classmethod
    def search(
        cls,
        client: AsyncModeratelyAI,
        query: Query | None = None,
        *,
        page: int = 1,
        path: str | None = None,
    ) -> AsyncPageRequest[Self]:
        """List the collection with ``query`` (wire names), starting at page ``page``.

        ``path`` lists another route answering pages of this model (for example the history
        of one entity) instead of the collection path.
        """
        query, path = dict(query or {}), path or cls._path
        fetch = partial(cls._search_page, client, query, path)
        # unasync: async-only begin
        return paginate(fetch, page, walk=partial(cls._walk_pages, client, query, path))
        # unasync: async-only end
        # unasync: sync-only begin
        # return paginate(fetch, page)
        # unasync: sync-only end

    @classmethod
    async def _search_page(
        cls, client: AsyncModeratelyAI, query: dict[str, Any], path: str, number: int
    ) -> AsyncPage[Self]:
        ctx = HookContext(Operation.SEARCH, cls, {**query, "page": number}, client=client)
        return await run_hooked(
            ctx, cls.before_search, cls.after_search, partial(cls._fetch_page, query, path)
        )

    @classmethod
    async def _fetch_page(
        cls, query: dict[str, Any], path: str, ctx: HookContext[Self]
    ) -> AsyncPage[Self]:
        client: AsyncModeratelyAI = ctx.client
        response = await client._request("GET", path, params=ctx.params)
        return cls._page_of(client, query, path, response)

    @classmethod
    def _page_of(
        cls, client: AsyncModeratelyAI, query: dict[str, Any], path: str, response: Response
    ) -> AsyncPage[Self]:
        """The page ``response`` holds, its items validated and bound to ``client``."""
        try:
            envelope = _envelope(cls).validate_json(response.content)
        except ValidationError as exc:
            raise response_mismatch(f"a page of {cls.__name__}", response, exc) from exc
        items: list[Self] = envelope.items
        bind_all(items, client, response.request_id)
        return AsyncPage(items, envelope.pagination, partial(cls._search_page, client, query, path))

    # unasync: async-only begin
    @classmethod
    async def _walk_pages(
        cls, client: AsyncModeratelyAI, query: dict[str, Any], path: str, first: int
    ) -> AsyncGenerator[AsyncPage[Self], None]:
        """Every page from ``first`` on, for ``async for`` over all items, reading one ahead.

        From the second page on, the request for page n+1 goes out as soon as page n's bytes
        have arrived (page n-1 told how many pages there are), so the platform answers it
        while this client validates page n and the caller goes through its items; a loop that
        stops within the first page sends nothing more. With a hook to run, pages are fetched
        one at a time through the hooks instead: a before-hook may change or replace a request,
        which must not have been sent before it ran.
        """
        if not only_default_hooks(client, cls.before_search, cls.after_search):
            async for each in (await cls._search_page(client, query, path, first)).iter_pages():
                yield each
            return
        number, pages = first, None
        ahead: asyncio.Task[Response] | None = _request_page(client, path, query, first)
        try:
            while ahead is not None:
                response = await ahead
                ahead = None
                if pages is not None and number < pages:
                    ahead = _request_page(client, path, query, number + 1)
                    # One turn of the loop puts the request on the wire before the CPU-bound
                    # validation below, which would otherwise hold it back until it is done.
                    await asyncio.sleep(0)
                page = cls._page_of(client, query, path, response)
                pages = page.total_pages
                if not page.has_next_page and ahead is not None:
                    ahead.cancel()  # the list shrank since the last page was counted
                    ahead = None
                yield page
                if not page.has_next_page:
                    return
                if ahead is None:
                    ahead = _request_page(client, path, query, number + 1)
                number += 1
        finally:
            if ahead is not None:
                ahead.cancel()

    # unasync: async-only end


# unasync: async-only begin
def _request_page(
    client: AsyncModeratelyAI, path: str, query: dict[str, Any], number: int
) -> asyncio.Task[Response]:
    """Send the request for page ``number`` as a task of its own (a read-ahead)."""
    task = asyncio.ensure_future(client._request("GET", path, params={**query, "page": number}))
    # A read-ahead the caller never waits for (the loop stopped early) may still fail: its
    # error is taken here, so that it is not reported as an exception nobody retrieved.
    task.add_done_callback(_take_outcome)
    return task


def _take_outcome(task: asyncio.Task[Response]) -> None:
    if not task.cancelled():
        task.exception()


# unasync: async-only end


class AsyncGettable(AsyncResource):
    """Retrieves one object by id."""

    @classmethod
    @default_hook
    async def before_get(cls, ctx: HookContext[Self]) -> Replace[Self] | None:
        """Runs before the request; return ``Replace(obj)`` to skip it."""
        return None

    @classmethod
    @default_hook
    async def after_get(
        cls, ctx: HookContext[Self], outcome: Outcome[Self]
    ) -> Replace[Self] | None:
        """Runs after the request (or its failure); return ``Replace(obj)`` to change it."""
        return None

    @classmethod
    async def get(cls, client: AsyncModeratelyAI, resource_id: str) -> Self:
        """Retrieve the object with id ``resource_id``."""
        if only_default_hooks(client, cls.before_get, cls.after_get):
            # No hook would run: skip building the context and going through the runner, the
            # larger part of a retrieve's own cost when many calls are in flight.
            return await cls._get_by_id(client, resource_id)
        require_id(resource_id, cls._id_field)
        ctx = HookContext(Operation.GET, cls, {cls._id_field: resource_id}, client=client)
        return await run_hooked(ctx, cls.before_get, cls.after_get, cls._get_action)

    @classmethod
    def _get_action(cls, ctx: HookContext[Self]) -> Awaitable[Self]:
        return cls._get_by_id(ctx.client, ctx.params[cls._id_field])

    @classmethod
    async def _get_by_id(cls, client: AsyncModeratelyAI, resource_id: str) -> Self:
        path = cls._item_path(resource_id)
        return cls._parse(client, await client._request("GET", path))

    async def refresh(self) -> Self:
        """Reload this object's fields from the platform, in place; returns ``self``."""
        response = await self.client._request("GET", self._item_path(self.id))
        self._absorb(response)
        return self


class AsyncCreateHooks(AsyncResource):
    """The ``create`` hooks, for resources that create in their own way (uploads, say)."""

    @classmethod
    @default_hook
    async def before_create(cls, ctx: HookContext[Self]) -> Replace[Self] | None:
        """Runs before the request; may edit ``ctx.params`` or return ``Replace(obj)``."""
        return None

    @classmethod
    @default_hook
    async def after_create(
        cls, ctx: HookContext[Self], outcome: Outcome[Self]
    ) -> Replace[Self] | None:
        """Runs after the request (or its failure); return ``Replace(obj)`` to change it."""
        return None


class AsyncCreatable(AsyncCreateHooks):
    """Creates objects in the collection."""

    _create_model: ClassVar[type[RequestModel]] = RequestModel

    @classmethod
    async def create(cls, client: AsyncModeratelyAI, **fields: Any) -> Self:
        """Create an object from ``fields`` (Python names), checked before sending."""
        cls._create_model.check(**fields)
        ctx = HookContext(Operation.CREATE, cls, fields, client=client)
        return await run_hooked(ctx, cls.before_create, cls.after_create, cls._create_action)

    @classmethod
    async def _create_action(cls, ctx: HookContext[Self]) -> Self:
        body = cls._create_model.check(**ctx.params).wire()
        return cls._parse(ctx.client, await ctx.client._request("POST", cls._path, json=body))


class AsyncSavable(AsyncResource):
    """Sends changed fields back to the platform (PATCH of only what changed)."""

    _update_model: ClassVar[type[RequestModel]] = RequestModel

    @classmethod
    @default_hook
    async def before_save(cls, ctx: HookContext[Self]) -> Replace[Self] | None:
        """Runs before the update; ``ctx.params`` holds the changes (Python names)."""
        return None

    @classmethod
    @default_hook
    async def after_save(
        cls, ctx: HookContext[Self], outcome: Outcome[Self]
    ) -> Replace[Self] | None:
        """Runs after the update (or its failure); return ``Replace(obj)`` to change it."""
        return None

    async def save(self) -> Self:
        """Send the fields assigned since loading; a no-op (no request) when none changed."""
        changes = {name: getattr(self, name) for name in sorted(self.changed_fields)}
        if changes:
            self._update_model.check(**changes)
        ctx = HookContext(Operation.SAVE, type(self), changes, instance=self, client=self.client)
        return await run_hooked(ctx, self.before_save, self.after_save, self._save_action)

    async def _save_action(self, ctx: HookContext[Self]) -> Self:
        if not ctx.params:
            return self
        body = self._update_model.check(**ctx.params).wire()
        response = await self.client._request("PATCH", self._item_path(self.id), json=body)
        self._absorb(response)
        return self

    @classmethod
    async def update(cls, client: AsyncModeratelyAI, resource_id: str, **changes: Any) -> Self:
        """Update the object with id ``resource_id`` without loading it first."""
        require_id(resource_id, cls._id_field)
        cls._update_model.check(**changes)
        ctx = HookContext(Operation.SAVE, cls, changes, client=client)
        return await run_hooked(
            ctx, cls.before_save, cls.after_save, partial(cls._update_action, resource_id)
        )

    @classmethod
    async def _update_action(cls, resource_id: str, ctx: HookContext[Self]) -> Self:
        client: AsyncModeratelyAI = ctx.client
        path = cls._item_path(resource_id)
        body = cls._update_model.check(**ctx.params).wire()
        response = await client._request("PATCH", path, json=body)
        if not response.content.strip():
            # Some routes answer an update with no body; read the object back instead.
            return cls._parse(client, await client._request("GET", path))
        return cls._parse(client, response)


class AsyncDeletable(AsyncResource):
    """Deletes objects."""

    @classmethod
    @default_hook
    async def before_delete(cls, ctx: HookContext[Self]) -> Replace[None] | None:
        """Runs before the request; return ``Replace(None)`` to skip it."""
        return None

    @classmethod
    @default_hook
    async def after_delete(
        cls, ctx: HookContext[Self], outcome: Outcome[None]
    ) -> Replace[None] | None:
        """Runs after the request (or its failure); return ``Replace(None)`` to swallow an error."""
        return None

    async def delete(self) -> None:
        """Delete this object on the platform."""
        ctx = HookContext(
            Operation.DELETE,
            type(self),
            {self._id_field: self.id},
            instance=self,
            client=self.client,
        )
        await run_hooked(ctx, self.before_delete, self.after_delete, self._delete_action)

    @classmethod
    async def delete_by_id(cls, client: AsyncModeratelyAI, resource_id: str) -> None:
        """Delete the object with id ``resource_id``."""
        require_id(resource_id, cls._id_field)
        ctx = HookContext(Operation.DELETE, cls, {cls._id_field: resource_id}, client=client)
        await run_hooked(ctx, cls.before_delete, cls.after_delete, cls._delete_action)

    @classmethod
    async def _delete_action(cls, ctx: HookContext[Self]) -> None:
        await ctx.client._request("DELETE", cls._item_path(ctx.params[cls._id_field]))


class AsyncRunnable(AsyncResource, Generic[E]):
    """Starts executions and waits for them to finish.

    A resource supplies ``_start_execution`` (one request that creates the execution) and
    ``_poll_execution`` (one request that reads it again); ``start``, ``poll`` and ``run`` add
    hooks, polling with back-off, a timeout and progress callbacks.
    """

    async def _start_execution(self, params: dict[str, Any]) -> E:
        raise NotImplementedError(f"{type(self).__name__} does not define how to start a run")

    async def _poll_execution(self, execution: E) -> E:
        raise NotImplementedError(f"{type(self).__name__} does not define how to poll a run")

    @default_hook
    async def before_run(self, ctx: HookContext[Any]) -> Replace[E] | None:
        """Runs before an execution starts; return ``Replace(execution)`` to skip it."""
        return None

    @default_hook
    async def after_run(self, ctx: HookContext[Any], outcome: Outcome[E]) -> Replace[E] | None:
        """Runs when ``start`` or ``run`` returns (or fails); may replace the execution."""
        return None

    async def start(self, **params: Any) -> E:
        """Start an execution and return it at once, without waiting."""
        ctx = HookContext(Operation.RUN, type(self), params, instance=self, client=self.client)
        return await run_hooked(ctx, self.before_run, self.after_run, self._start_action)

    async def _start_action(self, ctx: HookContext[Any]) -> E:
        return await self._start_execution(ctx.params)

    async def poll(self, execution: E) -> E:
        """Read the execution's current state once."""
        return await self._poll_execution(execution)

    async def run(
        self,
        *,
        timeout: float | None = 600.0,
        poll_interval: float = 0.5,
        max_poll_interval: float = 5.0,
        on_progress: Callable[[E], object] | None = None,
        **params: Any,
    ) -> E:
        """Start an execution and wait until it is terminal; raise WaitTimeoutError past timeout."""
        waiting = WaitSettings(timeout, poll_interval, max_poll_interval, on_progress)
        ctx = HookContext(Operation.RUN, type(self), params, instance=self, client=self.client)
        return await run_hooked(
            ctx, self.before_run, self.after_run, partial(self._run_action, waiting)
        )

    async def _run_action(self, waiting: WaitSettings[E], ctx: HookContext[Any]) -> E:
        execution = await self._start_execution(ctx.params)
        return await wait_until_terminal(
            self._poll_execution,
            execution,
            timeout=waiting.timeout,
            poll_interval=waiting.poll_interval,
            max_poll_interval=waiting.max_poll_interval,
            on_progress=waiting.on_progress,
        )
