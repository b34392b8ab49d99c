"""The async client's connection pool over a real socket: reuse, closing, loops, copies."""

from __future__ import annotations

import asyncio
import gc
import time
import warnings
from typing import Any

import aiohttp
import pytest
from _fake_platform import TEAM_ID, FakePlatform

from moderately import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncModeratelyAI,
    ClientClosedError,
    InternalServerError,
    NotFoundError,
)


async def _wait_closing(transport: asyncio.BaseTransport | None, seconds: float = 2.0) -> bool:
    """Whether the server side of a connection sees it closed within ``seconds``."""
    assert transport is not None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if transport.is_closing():
            return True
        await asyncio.sleep(0.01)
    return transport.is_closing()


@pytest.mark.anyio
async def test_sequential_calls_share_one_connection(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support")
    async with AsyncModeratelyAI(**client_kwargs) as client:
        for _ in range(10):
            agent = await client.agents.retrieve(agent_id)
            assert agent.name == "Support"
        await client.health()
        await client.agents.list()
    assert len(platform.seen()) == 12
    assert len(platform.peers()) == 1


@pytest.mark.anyio
async def test_two_clients_use_two_pools(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    async with AsyncModeratelyAI(**client_kwargs) as one, AsyncModeratelyAI(**client_kwargs) as two:
        await one.health()
        await two.health()
        await one.health()
    peers = [r.peer for r in platform.seen()]
    assert peers[0] == peers[2]
    assert peers[0] != peers[1]


@pytest.mark.anyio
async def test_async_with_closes_the_connection(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    async with AsyncModeratelyAI(**client_kwargs) as client:
        await client.health()
        assert not client.is_closed
        server_side = platform.seen()[0].transport
        assert server_side is not None
        assert not server_side.is_closing()
    assert client.is_closed
    assert await _wait_closing(server_side), "the server never saw the connection close"


@pytest.mark.anyio
async def test_aclose_twice_and_calls_after_close(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support")
    client = AsyncModeratelyAI(**client_kwargs)
    await client.agents.retrieve(agent_id)
    await client.aclose()
    await client.aclose()
    assert client.is_closed
    with pytest.raises(ClientClosedError):
        await client.agents.retrieve(agent_id)
    with pytest.raises(ClientClosedError):
        await client.agents.list()
    with pytest.raises(ClientClosedError):
        await client.health()
    # ClientClosedError is also a RuntimeError, so generic handlers catch it.
    assert issubclass(ClientClosedError, RuntimeError)
    assert len(platform.seen()) == 1


@pytest.mark.anyio
async def test_closing_an_unused_client_sends_nothing(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    async with AsyncModeratelyAI(**client_kwargs) as client:
        pass
    assert client.is_closed
    with pytest.raises(ClientClosedError):
        await client.health()
    assert platform.seen() == []


def test_second_event_loop_gets_a_clear_error(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    client = AsyncModeratelyAI(**client_kwargs)
    first = asyncio.new_event_loop()
    second = asyncio.new_event_loop()
    try:
        first.run_until_complete(client.health())
        with pytest.raises(RuntimeError, match="another event loop"):
            second.run_until_complete(client.health())
        # The client still works on its own loop, and closes cleanly there.
        first.run_until_complete(client.health())
        first.run_until_complete(client.aclose())
    finally:
        second.close()
        first.close()
    assert len(platform.seen()) == 2


@pytest.mark.anyio
async def test_with_options_shares_the_pool_and_closing_the_copy_keeps_the_parent(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    async with AsyncModeratelyAI(**client_kwargs) as parent:
        await parent.health()
        copy = parent.with_options(timeout=5.0, default_headers={"X-Trace": "copy"})
        assert copy.timeout == 5.0
        assert parent.timeout != 5.0
        await copy.health()
        await copy.aclose()
        assert not parent.is_closed
        await parent.health()
        seen = platform.seen()
        assert len({r.peer for r in seen}) == 1, "the copy opened a connection of its own"
        assert "X-Trace" not in seen[0].headers
        assert seen[1].headers["X-Trace"] == "copy"
        assert "X-Trace" not in seen[2].headers
    # Closing the parent closes the pool for the copy too.
    with pytest.raises(ClientClosedError):
        await copy.health()


@pytest.mark.anyio
async def test_no_resource_warning_after_close(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with AsyncModeratelyAI(**client_kwargs) as client:
            await client.agents.retrieve(agent_id)
            await client.with_options(max_retries=0).agents.retrieve(agent_id)
        other = AsyncModeratelyAI(**client_kwargs)
        await other.health()
        await other.aclose()
        del client, other
        # Let aiohttp finish closing transports, then collect whatever was left behind.
        await asyncio.sleep(0.05)
        gc.collect()
    problems = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert problems == []


@pytest.mark.anyio
async def test_request_carries_auth_and_sdk_headers(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    async with AsyncModeratelyAI(**client_kwargs) as client:
        await client.agents.create(name="Support")
        await client.agents.list(name_like="Sup")
    create, listing = platform.seen()
    assert create.method == "POST"
    assert create.path == "/agents"
    assert create.headers["Authorization"] == "Bearer " + client_kwargs["api_key"]
    assert create.headers["User-Agent"].startswith("moderately-python/")
    assert create.headers["Idempotency-Key"]
    assert create.body == {"teamId": TEAM_ID, "name": "Support"}
    assert listing.method == "GET"
    assert "Idempotency-Key" not in listing.headers
    assert listing.query["teamIds"] == TEAM_ID
    assert listing.query["nameLike"] == "Sup"


@pytest.mark.anyio
async def test_transient_failures_are_retried_on_the_same_pool(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support")
    platform.fail_next(2, 503, path="/agents/")
    async with AsyncModeratelyAI(**client_kwargs) as client:
        agent = await client.agents.retrieve(agent_id)
    assert agent.agent_id == agent_id
    seen = platform.seen()
    assert [r.status for r in seen] == [503, 503, 200]
    assert [r.headers["X-Moderately-Retry-Count"] for r in seen] == ["0", "1", "2"]


@pytest.mark.anyio
async def test_post_retry_keeps_one_idempotency_key(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    platform.fail_next(1, 500, method="POST", path="/agents")
    async with AsyncModeratelyAI(**client_kwargs) as client:
        # A 500 is an unknown outcome; the default policy retries POST under the same key.
        client_fast = client.with_options(max_retries=1)
        created = await client_fast.agents.create(name="Once")
    posts = platform.seen(method="POST", path="/agents")
    assert [r.status for r in posts] == [500, 201]
    assert posts[0].headers["Idempotency-Key"] == posts[1].headers["Idempotency-Key"]
    assert created.name == "Once"


@pytest.mark.anyio
async def test_error_envelope_reaches_the_typed_error(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    async with AsyncModeratelyAI(**client_kwargs) as client:
        with pytest.raises(NotFoundError) as info:
            await client.agents.retrieve("agent_missing")
        platform.fail_next(1, 500)
        with pytest.raises(InternalServerError) as server_error:
            await client.with_options(max_retries=0).health()
    error = info.value
    assert error.status_code == 404
    assert error.code == "NOT_FOUND"
    assert error.request_id == "req_1"
    assert "agent_missing" in error.message
    assert server_error.value.code == "INJECTED_FAULT"


@pytest.mark.anyio
async def test_dropped_connection_is_a_connection_error_with_its_cause(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    platform.drop_next(1, method="POST")
    async with AsyncModeratelyAI(**client_kwargs, max_retries=0) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.agents.create(name="Lost")
        # The pool recovers: the next call works over a fresh connection.
        await client.health()
    assert info.value.outcome_unknown
    assert isinstance(info.value.__cause__, aiohttp.ClientError)
    assert [r.status for r in platform.seen()] == [None, 200]


@pytest.mark.anyio
async def test_dropped_connection_is_retried_for_get(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support")
    platform.drop_next(2, path="/agents/")
    async with AsyncModeratelyAI(**client_kwargs) as client:
        agent = await client.agents.retrieve(agent_id)
    assert agent.agent_id == agent_id
    assert [r.status for r in platform.seen()] == [None, None, 200]


@pytest.mark.anyio
async def test_malformed_body_is_a_validation_error(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support")
    del platform.agents[agent_id]["name"]
    async with AsyncModeratelyAI(**client_kwargs) as client:
        with pytest.raises(APIResponseValidationError) as info:
            await client.agents.retrieve(agent_id)
    assert info.value.status_code == 200
    assert info.value.__cause__ is not None


@pytest.mark.anyio
async def test_slow_answer_is_a_timeout_error(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    platform.delay_next(1, 2.0, path="/health")
    async with AsyncModeratelyAI(**client_kwargs, timeout=0.2, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as info:
            await client.health()
        elapsed = time.monotonic() - started
        # The pool is still usable after a timed-out attempt.
        assert (await client.health()).status == "ok"
    assert elapsed < 1.5
    assert info.value.outcome_unknown
    assert isinstance(info.value.__cause__, TimeoutError)


def test_closing_from_another_loop_is_refused_not_leaked(client_kwargs: dict[str, Any]) -> None:
    client = AsyncModeratelyAI(**client_kwargs)

    async def use(used: AsyncModeratelyAI) -> None:
        await used.agents.list()

    asyncio.run(use(client))
    with pytest.raises(RuntimeError, match="closed on the event loop that used it"):
        asyncio.run(client.aclose())
    assert not client.is_closed
    # The socket left behind belongs to a loop that no longer exists; its warning when
    # collected is the honest signal of the misuse, absorbed here to keep the run clean.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        del client
        gc.collect()
