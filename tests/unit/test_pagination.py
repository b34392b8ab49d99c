"""Pages: one page when awaited, every item when iterated, next pages fetched only when reached."""

from __future__ import annotations

from typing import Any

import pytest
from aioresponses import CallbackResult, aioresponses
from unit_support import TEAM, agent_json, any_url, count, page_json, sent
from yarl import URL

from moderately import Agent, AsyncAgent, AsyncModeratelyAI, AsyncPage, ModeratelyAI, Page

PAGES = 3
PER_PAGE = 2


def serve_pages(api: aioresponses, *, total_pages: int = PAGES) -> None:
    """Answer GET /agents with page ``page`` of ``total_pages``, two agents per page."""

    def answer(seen: URL, **_: Any) -> CallbackResult:
        number = int(seen.query["page"])
        items = [agent_json(f"ag-{number}-{i}") for i in range(PER_PAGE)] if total_pages else []
        body = page_json(items, page=number, total_pages=total_pages, page_size=PER_PAGE)
        return CallbackResult(payload=body, headers={"X-Request-Id": f"r-page-{number}"})

    api.get(any_url("/agents"), callback=answer, repeat=True)


def pages_requested(api: aioresponses) -> list[str]:
    return [u.query["page"] for m, u, _ in sent(api) if m == "GET"]


ALL_IDS = [f"ag-{p}-{i}" for p in range(1, PAGES + 1) for i in range(PER_PAGE)]


# --- async -------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_await_gives_one_page(api: aioresponses, client: AsyncModeratelyAI) -> None:
    serve_pages(api)
    page = await client.agents.list(page_size=PER_PAGE)
    assert isinstance(page, AsyncPage)
    assert [a.agent_id for a in page.items] == ["ag-1-0", "ag-1-1"]
    assert all(isinstance(a, AsyncAgent) for a in page.items)
    assert page.page == 1
    assert page.page_size == PER_PAGE
    assert page.total_items == PAGES * PER_PAGE
    assert page.total_pages == PAGES
    assert page.has_next_page is True
    assert page.has_previous_page is False
    assert count(api) == 1
    _, seen, _ = sent(api)[0]
    assert dict(seen.query) == {"page": "1", "pageSize": "2", "teamIds": TEAM}


@pytest.mark.anyio
async def test_a_list_call_sends_nothing_until_awaited(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    serve_pages(api)
    request = client.agents.list()
    assert count(api) == 0
    await request
    assert count(api) == 1


@pytest.mark.anyio
async def test_async_for_walks_every_page_reading_one_ahead_after_the_first(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    serve_pages(api)
    seen_ids: list[str] = []
    fetched_when: list[int] = []
    async for agent in client.agents.list(page_size=PER_PAGE, order_by="name"):
        seen_ids.append(agent.agent_id)
        fetched_when.append(count(api))
    assert seen_ids == ALL_IDS
    # Page 2 is fetched once page 1 has been consumed; from then on page N+1 is requested as
    # soon as page N has arrived (page 1 told how many pages there are).
    assert fetched_when == [1, 1, 3, 3, 3, 3]
    assert count(api) == PAGES  # no request past the last page
    assert pages_requested(api) == ["1", "2", "3"]
    for _, seen, _ in sent(api):
        assert seen.query["pageSize"] == "2"
        assert seen.query["orderBy"] == "name"
        assert seen.query["teamIds"] == TEAM


@pytest.mark.anyio
async def test_items_carry_their_page_request_id(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    serve_pages(api)
    ids = [a.api_request_id async for a in client.agents.list()]
    assert ids == ["r-page-1", "r-page-1", "r-page-2", "r-page-2", "r-page-3", "r-page-3"]


@pytest.mark.anyio
async def test_breaking_early_fetches_at_most_the_page_read_ahead(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    serve_pages(api)
    async for agent in client.agents.list():
        if agent.agent_id == "ag-1-0":
            break
    assert pages_requested(api) == ["1"]  # within the first page: nothing more
    async for agent in client.agents.list():
        if agent.agent_id == "ag-2-0":
            break
    assert pages_requested(api) == ["1", "1", "2", "3"]  # page 3 was already asked for


@pytest.mark.anyio
async def test_iteration_can_start_at_a_later_page(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    serve_pages(api)
    ids = [a.agent_id async for a in client.agents.list(page=2)]
    assert ids == ALL_IDS[PER_PAGE:]
    assert pages_requested(api) == ["2", "3"]


@pytest.mark.anyio
async def test_get_next_page_and_the_last_page(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    serve_pages(api)
    first = await client.agents.list()
    second = await first.get_next_page()
    assert second is not None
    assert second.page == 2
    assert second.has_previous_page is True
    third = await second.get_next_page()
    assert third is not None
    assert third.has_next_page is False
    assert count(api) == 3
    assert await third.get_next_page() is None
    assert count(api) == 3  # the last page asks for nothing more


@pytest.mark.anyio
async def test_iter_pages(api: aioresponses, client: AsyncModeratelyAI) -> None:
    serve_pages(api)
    first = await client.agents.list()
    numbers: list[int] = []
    async for page in first.iter_pages():
        numbers.append(page.page)
        assert count(api) == page.page  # each page fetched just before it is yielded
    assert numbers == [1, 2, 3]


@pytest.mark.anyio
async def test_async_for_over_a_page_continues_to_the_end(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    serve_pages(api)
    second = await client.agents.list(page=2)
    ids = [a.agent_id async for a in second]
    assert ids == ALL_IDS[PER_PAGE:]


@pytest.mark.anyio
async def test_empty_list(api: aioresponses, client: AsyncModeratelyAI) -> None:
    serve_pages(api, total_pages=0)
    page = await client.agents.list()
    assert page.items == []
    assert page.total_items == 0
    assert page.has_next_page is False
    assert await page.get_next_page() is None
    assert [a async for a in client.agents.list()] == []
    assert count(api) == 2


# --- sync (aioresponses patches aiohttp class-wide, so the loop thread sees it too) ------


def test_sync_list_is_one_page(api: aioresponses, sync_client: ModeratelyAI) -> None:
    serve_pages(api)
    page = sync_client.agents.list(page_size=PER_PAGE)
    assert isinstance(page, Page)
    assert [a.agent_id for a in page.items] == ["ag-1-0", "ag-1-1"]
    assert all(isinstance(a, Agent) for a in page.items)
    assert (page.page, page.page_size, page.total_items, page.total_pages) == (1, 2, 6, 3)
    assert page.has_next_page is True
    assert count(api) == 1


def test_sync_for_walks_every_page_lazily(api: aioresponses, sync_client: ModeratelyAI) -> None:
    serve_pages(api)
    seen_ids: list[str] = []
    fetched_when: list[int] = []
    for agent in sync_client.agents.list():
        seen_ids.append(agent.agent_id)
        fetched_when.append(count(api))
    assert seen_ids == ALL_IDS
    assert fetched_when == [1, 1, 2, 2, 3, 3]
    assert pages_requested(api) == ["1", "2", "3"]


def test_sync_get_next_page_and_iter_pages(api: aioresponses, sync_client: ModeratelyAI) -> None:
    serve_pages(api)
    first = sync_client.agents.list()
    assert [p.page for p in first.iter_pages()] == [1, 2, 3]
    assert count(api) == 3
    last = first.get_next_page()
    assert last is not None
    last = last.get_next_page()
    assert last is not None
    assert last.page == 3
    assert last.get_next_page() is None
    assert count(api) == 5
