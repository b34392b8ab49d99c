"""What goes over the wire when a call is retried, proved against a real socket.

The server (``reliability_support.ScriptedServer``) records every request as it arrived, so the
counts and headers asserted here are the server's, not the client's own bookkeeping.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from email.utils import formatdate
from typing import Any

import pytest
from aiohttp import web
from reliability_support import CANARY_KEY, ScriptedServer, drop, ok_json, status_responder

from moderately import (
    APIConnectionError,
    APIStatusError,
    AsyncModeratelyAI,
    RetryPolicy,
)
from moderately._deadline import deadline_scope

pytestmark = pytest.mark.anyio

# Backoff scaled down so that a proof with several retries takes milliseconds, not seconds.
FAST = RetryPolicy(max_retries=2, initial_backoff=0.001, max_backoff=0.01)

Call = Callable[[AsyncModeratelyAI], Awaitable[Any]]
CALLS: dict[str, Call] = {
    "GET": lambda c: c.agents.retrieve("a1"),
    "POST": lambda c: c.agents.create(name="n"),
    "DELETE": lambda c: c.agents.delete("a1"),
}


def client_for(server: ScriptedServer, policy: RetryPolicy = FAST, **kw: Any) -> AsyncModeratelyAI:
    """An async client of ``server`` with the canary key and ``policy``."""
    return AsyncModeratelyAI(
        api_key=CANARY_KEY, team_id="t1", base_url=server.url, retry_policy=policy, **kw
    )


def fail_first(times: int, status: int = 503) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Answer ``status`` to the first ``times`` requests, then succeed."""
    failing = status_responder(status)

    async def respond(request: web.BaseRequest, n: int) -> web.StreamResponse:
        return await (failing if n < times else ok_json)(request, n)

    return respond


@pytest.mark.parametrize("method", ["POST", "DELETE"])
async def test_one_idempotency_key_and_a_counted_header_on_every_attempt(method: str) -> None:
    # 4 failures then success: 5 attempts, all with one key, numbered 0..4 on the server.
    with ScriptedServer(fail_first(4)) as server:
        async with client_for(server, RetryPolicy(max_retries=4, initial_backoff=0.001)) as c:
            await CALLS[method](c)
    assert len(server.seen) == 5
    keys = {s.headers.get("Idempotency-Key") for s in server.seen}
    assert len(keys) == 1
    assert None not in keys
    counts = [s.headers["X-Moderately-Retry-Count"] for s in server.seen]
    assert counts == ["0", "1", "2", "3", "4"]


async def test_each_call_has_its_own_key_and_get_has_none() -> None:
    with ScriptedServer() as server:
        async with client_for(server) as c:
            await c.agents.create(name="a")
            await c.agents.create(name="b")
            await c.agents.retrieve("a1")
    first, second, get = server.seen
    assert first.headers["Idempotency-Key"] != second.headers["Idempotency-Key"]
    assert "Idempotency-Key" not in get.headers
    assert get.headers["X-Moderately-Retry-Count"] == "0"


RETRIED = [408, 429, 500, 502, 503, 504]
FINAL = [400, 401, 403, 404, 409, 422]


@pytest.mark.parametrize("method", list(CALLS))
@pytest.mark.parametrize("status", RETRIED)
async def test_transient_statuses_are_retried_until_spent(method: str, status: int) -> None:
    with ScriptedServer(status_responder(status)) as server:
        async with client_for(server) as c:
            with pytest.raises(APIStatusError) as caught:
                await CALLS[method](c)
    assert caught.value.status_code == status
    assert server.count() == 3  # the first attempt and FAST's 2 retries, counted by the server


@pytest.mark.parametrize("method", list(CALLS))
@pytest.mark.parametrize("status", FINAL)
async def test_final_statuses_are_sent_once(method: str, status: int) -> None:
    with ScriptedServer(status_responder(status)) as server:
        async with client_for(server) as c:
            with pytest.raises(APIStatusError) as caught:
                await CALLS[method](c)
    assert caught.value.status_code == status
    assert server.count() == 1


@pytest.mark.parametrize("method", list(CALLS))
async def test_connection_resets_are_retried(method: str) -> None:
    async def respond(request: web.BaseRequest, n: int) -> web.StreamResponse:
        return drop(request)

    with ScriptedServer(respond) as server:
        async with client_for(server) as c:
            with pytest.raises(APIConnectionError) as caught:
                await CALLS[method](c)
    assert server.count() == 3
    if method != "GET":
        # The failure names the call the platform may have acted on.
        assert caught.value.idempotency_key == server.seen[0].headers["Idempotency-Key"]


async def test_a_reset_then_success_recovers() -> None:
    async def respond(request: web.BaseRequest, n: int) -> web.StreamResponse:
        return drop(request) if n == 0 else await ok_json(request, n)

    with ScriptedServer(respond) as server:
        async with client_for(server) as c:
            agent = await c.agents.create(name="n")
    assert agent.agent_id == "a1"
    assert server.count() == 2


# Retry-After values that must never be obeyed: the client backs off instead (FAST's backoff is
# at most 10 ms a retry), so each call ends well within the 5 s bound below. Obeying any of
# them would sleep for minutes or forever.
HOSTILE_RETRY_AFTER = [
    "-10",
    "",
    "nan",
    "inf",
    "-inf",
    "1e35",
    "soon",
    "12abc",
    "Wed, 21 Oct 2999 07:28:00 GMT",  # far future: above max_retry_after
    "Fri, 99 Foo 2024 25:61:61 GMT",  # malformed date
    "3600",  # a number above max_retry_after (60 s by default)
]


@pytest.mark.parametrize("value", HOSTILE_RETRY_AFTER)
@pytest.mark.parametrize("status", [429, 503])
async def test_insane_retry_after_falls_back_to_backoff(value: str, status: int) -> None:
    failing = status_responder(status, {"Retry-After": value})

    async def respond(request: web.BaseRequest, n: int) -> web.StreamResponse:
        return await (failing if n < 2 else ok_json)(request, n)

    with ScriptedServer(respond) as server:
        async with client_for(server) as c:
            started = time.monotonic()
            await c.agents.retrieve("a1")
            elapsed = time.monotonic() - started
    assert server.count() == 3
    assert elapsed < 5.0


@pytest.mark.parametrize(
    "value_at",
    [
        lambda now: "2",  # seconds
        lambda now: formatdate(now + 3, usegmt=True),  # HTTP-date, whole seconds: >= 2 s away
    ],
    ids=["seconds", "http-date"],
)
async def test_sane_retry_after_is_obeyed(value_at: Callable[[float], str]) -> None:
    async def respond(request: web.BaseRequest, n: int) -> web.StreamResponse:
        if n == 0:
            return await status_responder(503, {"Retry-After": value_at(time.time())})(request, n)
        return await ok_json(request, n)

    with ScriptedServer(respond) as server:
        async with client_for(server) as c:
            started = time.monotonic()
            await c.agents.retrieve("a1")
            elapsed = time.monotonic() - started
    assert server.count() == 2
    # The server asked for at least 2 s; FAST's own backoff would have waited at most 10 ms.
    assert 1.5 <= elapsed < 10.0


async def test_a_deadline_is_never_overslept() -> None:
    # The server always answers 503 asking for 0.3 s; the caller allows 1 s in all. Without the
    # deadline, 50 retries would take 15 s. With it, the client retries while a wait still ends
    # before the deadline, then surfaces the last failure instead of sleeping past it.
    policy = RetryPolicy(max_retries=50, initial_backoff=0.001)
    with ScriptedServer(status_responder(503, {"Retry-After": "0.3"})) as server:
        async with client_for(server, policy) as c:
            started = time.monotonic()
            with deadline_scope(started + 1.0), pytest.raises(APIStatusError):
                await c.agents.retrieve("a1")
            elapsed = time.monotonic() - started
    assert 2 <= server.count() <= 4  # at most 1 + floor(1.0 / 0.3) attempts fit
    assert elapsed < 1.0 + 0.5  # the deadline, plus generous room for one request's time


async def test_a_long_retry_after_within_the_cap_is_not_waited_past_the_deadline() -> None:
    # 30 s is a sane Retry-After (under the 60 s cap), but the caller allows only 0.5 s.
    with ScriptedServer(status_responder(503, {"Retry-After": "30"})) as server:
        async with client_for(server) as c:
            started = time.monotonic()
            with deadline_scope(started + 0.5), pytest.raises(APIStatusError):
                await c.agents.retrieve("a1")
            elapsed = time.monotonic() - started
    assert server.count() == 1
    assert elapsed < 0.5 + 0.5


async def test_default_budget_never_blocks_ordinary_retries() -> None:
    # Default budget (100 tokens): a call needing its 2 retries, 30 times over, all succeed.
    async def respond(request: web.BaseRequest, n: int) -> web.StreamResponse:
        return await (status_responder(503) if n % 3 != 2 else ok_json)(request, n)

    with ScriptedServer(respond) as server:
        async with client_for(server) as c:
            agents = [await c.agents.retrieve("a1") for _ in range(30)]
    assert len(agents) == 30
    assert server.count() == 90
