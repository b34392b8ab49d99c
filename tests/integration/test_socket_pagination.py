"""Pagination over a real socket: pages fetched when reached, or one ahead by ``async for``."""

from __future__ import annotations

import gc
import time
import warnings
from typing import Any

import pytest
from _fake_platform import TEAM_ID, FakePlatform

from moderately import AsyncModeratelyAI, HookContext, ModeratelyAI


def _seed(platform: FakePlatform, count: int = 7) -> list[str]:
    platform.add_agent("Other team", team_id="team_other")
    return [platform.add_agent(f"Agent {i}") for i in range(count)]


def _pages_fetched(platform: FakePlatform) -> list[str]:
    return [r.query.get("page", "1") for r in platform.seen(method="GET", path="/agents")]


def _wait_until_fetched(platform: FakePlatform, page: str) -> list[str]:
    # Blocks the event loop on purpose: a request only reaches the server thread here if it
    # was already on the wire before the loop was handed to the caller.
    deadline = time.monotonic() + 5
    while page not in _pages_fetched(platform) and time.monotonic() < deadline:
        time.sleep(0.005)
    return _pages_fetched(platform)


@pytest.mark.anyio
async def test_async_for_reads_one_page_ahead_from_the_second_page(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    ids = _seed(platform)
    fetched_when: list[tuple[str, list[str]]] = []
    async with AsyncModeratelyAI(**client_kwargs) as client:
        request = client.agents.list(page_size=3)
        assert _pages_fetched(platform) == []
        async for agent in request:
            if agent.agent_id == ids[3]:  # the first item of page 2: page 3 is already asked
                fetched_when.append((agent.agent_id, _wait_until_fetched(platform, "3")))
            else:
                fetched_when.append((agent.agent_id, _pages_fetched(platform)))
    assert [agent_id for agent_id, _ in fetched_when] == ids
    assert [pages for _, pages in fetched_when] == [
        ["1"],  # no read-ahead within the first page: a loop stopping there sends nothing more
        ["1"],
        ["1"],
        ["1", "2", "3"],
        ["1", "2", "3"],
        ["1", "2", "3"],
        ["1", "2", "3"],  # the last page asks for nothing after it
    ]
    for seen in platform.seen():
        assert seen.query["teamIds"] == TEAM_ID
        assert seen.query["pageSize"] == "3"


@pytest.mark.anyio
async def test_async_break_in_the_first_page_stops_fetching(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    _seed(platform)
    async with AsyncModeratelyAI(**client_kwargs) as client:
        async for agent in client.agents.list(page_size=3):
            if agent.name == "Agent 1":
                break
    assert _pages_fetched(platform) == ["1"]


@pytest.mark.anyio
async def test_async_break_later_leaves_at_most_the_page_read_ahead(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    for i in range(12):
        platform.add_agent(f"Agent {i}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with AsyncModeratelyAI(**client_kwargs) as client:
            names = []
            async for agent in client.agents.list(page_size=3):
                names.append(agent.name)
                if len(names) == 4:
                    break
            # The client stays usable while the unused read-ahead is dropped.
            assert (await client.agents.list(page_size=3)).page == 1
        gc.collect()
    assert names == ["Agent 0", "Agent 1", "Agent 2", "Agent 3"]
    assert _wait_until_fetched(platform, "3") == ["1", "2", "3", "1"]
    assert [str(w.message) for w in caught] == []


@pytest.mark.anyio
async def test_with_a_hook_pages_are_fetched_only_when_reached(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    # A before-hook may change a request, so nothing is sent before it has run.
    ids = _seed(platform)
    seen_pages: list[object] = []
    fetched_when: list[list[str]] = []
    async with AsyncModeratelyAI(**client_kwargs) as client:

        async def note_page(ctx: HookContext[Any]) -> None:
            seen_pages.append(ctx.params["page"])

        client.hooks.add_before(note_page)
        async for _agent in client.agents.list(page_size=3):
            fetched_when.append(_pages_fetched(platform))
    assert len(fetched_when) == len(ids)
    assert fetched_when[3] == ["1", "2"]
    assert seen_pages == [1, 2, 3]


@pytest.mark.anyio
async def test_awaiting_gives_one_page_and_pages_link_on(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    _seed(platform)
    async with AsyncModeratelyAI(**client_kwargs) as client:
        first = await client.agents.list(page_size=3)
        assert _pages_fetched(platform) == ["1"]
        assert [a.name for a in first.items] == ["Agent 0", "Agent 1", "Agent 2"]
        assert (first.page, first.total_items, first.total_pages) == (1, 7, 3)
        assert first.has_next_page
        assert not first.has_previous_page
        numbers = [page.page async for page in first.iter_pages()]
        second = await client.agents.list(page_size=3, page=2)
        last = await second.get_next_page()
        assert last is not None
        assert await last.get_next_page() is None
    assert numbers == [1, 2, 3]
    assert [a.name for a in last.items] == ["Agent 6"]
    assert last.has_previous_page
    assert _pages_fetched(platform) == ["1", "2", "3", "2", "3"]


@pytest.mark.anyio
async def test_iterating_from_a_later_page(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    _seed(platform)
    async with AsyncModeratelyAI(**client_kwargs) as client:
        names = [a.name async for a in client.agents.list(page_size=3, page=2)]
    assert names == ["Agent 3", "Agent 4", "Agent 5", "Agent 6"]
    assert _pages_fetched(platform) == ["2", "3"]


@pytest.mark.anyio
async def test_items_from_pages_are_bound_to_the_client(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    ids = _seed(platform, 4)
    async with AsyncModeratelyAI(**client_kwargs) as client:
        async for agent in client.agents.list(page_size=3):
            if agent.agent_id == ids[-1]:
                agent.description = "from page two"
                await agent.save()
    (patch,) = platform.seen(method="PATCH")
    assert patch.path == f"/agents/{ids[-1]}"
    assert patch.body == {"description": "from page two"}


def test_sync_for_fetches_pages_lazily(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    ids = _seed(platform)
    fetched_when: list[list[str]] = []
    with ModeratelyAI(**client_kwargs) as client:
        # The sync call returns the first page, so page 1 is fetched here, at the call.
        first = client.agents.list(page_size=3)
        assert _pages_fetched(platform) == ["1"]
        assert len(first.items) == 3
        seen_ids = []
        for agent in first:
            seen_ids.append(agent.agent_id)
            fetched_when.append(_pages_fetched(platform))
    assert seen_ids == ids
    assert fetched_when == [["1"]] * 3 + [["1", "2"]] * 3 + [["1", "2", "3"]]
    assert len(platform.peers()) == 1


def test_sync_break_and_iter_pages(platform: FakePlatform, client_kwargs: dict[str, Any]) -> None:
    _seed(platform)
    with ModeratelyAI(**client_kwargs) as client:
        for i, _agent in enumerate(client.agents.list(page_size=3)):
            if i == 2:
                break
        assert _pages_fetched(platform) == ["1"]
        sizes = [len(page.items) for page in client.agents.list(page_size=3).iter_pages()]
    assert sizes == [3, 3, 1]
    assert _pages_fetched(platform) == ["1", "1", "2", "3"]
