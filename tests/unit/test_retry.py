"""The retry policy: what is retried, how often, and how long the client waits in between."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

import aiohttp
import pytest
from aiohttp.client_reqrep import ConnectionKey
from aioresponses import aioresponses
from unit_support import agent_json, count, error_json, headers_of, sent, url

from moderately import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncModeratelyAI,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    UnprocessableEntityError,
)
from moderately._retry import parse_retry_after

RETRIED_STATUSES = [408, 429, 500, 502, 503, 504]
FINAL_STATUSES = [400, 401, 403, 404, 409, 422]


def connector_error() -> aiohttp.ClientConnectorError:
    """A connect failure (refused): nothing was sent."""
    blank = ConnectionKey(*([None] * len(ConnectionKey._fields)))
    key = blank._replace(host="api.unit.test", port=443, is_ssl=True)
    return aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "Connection refused"))


def status_error(status: int, headers: dict[str, str] | None = None) -> APIStatusError:
    kinds: dict[int, type[APIStatusError]] = {
        400: BadRequestError,
        401: AuthenticationError,
        403: PermissionDeniedError,
        404: NotFoundError,
        409: ConflictError,
        422: UnprocessableEntityError,
        429: RateLimitError,
    }
    kind = kinds.get(status, InternalServerError if status >= 500 else APIStatusError)
    return kind("x", status_code=status, headers=headers or {}, method="GET", url="u")


def conn_error(*, outcome_unknown: bool) -> APIConnectionError:
    return APIConnectionError("x", outcome_unknown=outcome_unknown, method="POST", url="u")


# --- the policy, as a pure function ------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE", "PUT"])
@pytest.mark.parametrize("status", RETRIED_STATUSES)
def test_retryable_statuses_with_default_policy(method: str, status: int) -> None:
    assert RetryPolicy().should_retry(method, status_error(status)) is True


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE"])
@pytest.mark.parametrize("status", FINAL_STATUSES)
def test_final_statuses_are_never_retried(method: str, status: int) -> None:
    assert RetryPolicy().should_retry(method, status_error(status)) is False


@pytest.mark.parametrize(
    ("method", "error", "expected"),
    [
        ("POST", status_error(500), False),
        ("POST", status_error(502), False),
        ("POST", status_error(504), False),
        ("PATCH", status_error(500), False),
        ("POST", conn_error(outcome_unknown=True), False),
        ("POST", status_error(503), True),
        ("POST", status_error(429), True),
        ("POST", status_error(408), True),
        ("POST", conn_error(outcome_unknown=False), True),
        ("GET", status_error(500), True),
        ("GET", conn_error(outcome_unknown=True), True),
        ("DELETE", status_error(502), True),
    ],
)
def test_retry_unknown_outcome_off(method: str, error: BaseException, expected: bool) -> None:
    policy = RetryPolicy(retry_unknown_outcome=False)
    assert policy.should_retry(method, error) is expected


@pytest.mark.parametrize("error", [ValueError("x"), RuntimeError("x"), KeyError("x")])
def test_other_exceptions_are_final(error: BaseException) -> None:
    assert RetryPolicy().should_retry("GET", error) is False


@pytest.mark.parametrize("retry_number", [1, 2, 3, 4, 5, 6, 8])
def test_backoff_is_full_jitter_within_the_capped_ceiling(retry_number: int) -> None:
    policy = RetryPolicy(initial_backoff=0.5, max_backoff=8.0)
    ceiling = min(8.0, 0.5 * 2 ** (retry_number - 1))
    rng = random.Random(retry_number)
    samples = [policy.backoff(retry_number, rng) for _ in range(3000)]
    assert all(0.0 <= s <= ceiling for s in samples)
    # Full jitter spreads over the whole range, down near zero and up near the ceiling.
    assert min(samples) < 0.05 * ceiling
    assert max(samples) > 0.95 * ceiling
    assert 0.4 * ceiling < sum(samples) / len(samples) < 0.6 * ceiling


def test_backoff_uses_the_module_random_without_rng() -> None:
    policy = RetryPolicy(initial_backoff=1.0, max_backoff=2.0)
    samples = {policy.backoff(3) for _ in range(200)}
    assert all(0.0 <= s <= 2.0 for s in samples)
    assert len(samples) > 150  # jittered, not a constant


NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "2"}, 2.0),
        ({"retry-after": "0.25"}, 0.25),
        ({"Retry-After": " 7 "}, 7.0),
        ({"Retry-After": "0"}, 0.0),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"Retry-After-Ms": "1500", "Retry-After": "9"}, 1.5),
        ({"retry-after-ms": "junk", "Retry-After": "3"}, 3.0),
        ({"Retry-After": formatdate(NOW + 30, usegmt=True)}, 30.0),
        ({"Retry-After": formatdate(NOW - 30, usegmt=True)}, 0.0),
        ({}, None),
    ],
)
def test_parse_retry_after_values(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers, now=NOW) == expected


GARBAGE = ["-10", "", "nan", "inf", "-inf", "abc", "Mon, 99 Foo 20xx 25:61:00 GMT", "2s"]


@pytest.mark.parametrize("value", GARBAGE)
def test_parse_retry_after_rejects_garbage(value: str) -> None:
    assert parse_retry_after({"Retry-After": value}, now=NOW) is None
    assert parse_retry_after({"retry-after-ms": value}, now=NOW) is None


@pytest.mark.parametrize(
    "value", [*GARBAGE, "1e35", "61", formatdate(time.time() + 3600, usegmt=True)]
)
def test_wait_for_falls_back_to_backoff(value: str) -> None:
    policy = RetryPolicy(initial_backoff=0.5, max_backoff=8.0)
    for retry_number, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0)]:
        waits = [
            policy.wait_for(retry_number, status_error(429, {"Retry-After": value}))
            for _ in range(50)
        ]
        assert all(0.0 <= w <= ceiling for w in waits), (value, waits)


def test_wait_for_honours_a_sane_retry_after() -> None:
    policy = RetryPolicy()
    assert policy.wait_for(1, status_error(429, {"Retry-After": "2"})) == 2.0
    assert policy.wait_for(2, status_error(503, {"retry-after-ms": "1500"})) == 1.5
    assert policy.wait_for(1, status_error(429, {"Retry-After": "60"})) == 60.0
    future = formatdate(time.time() + 20, usegmt=True)
    assert 17.0 <= policy.wait_for(1, status_error(503, {"Retry-After": future})) <= 20.5


def test_wait_for_a_connection_error_is_backoff() -> None:
    policy = RetryPolicy(initial_backoff=0.5)
    waits = [policy.wait_for(1, conn_error(outcome_unknown=False)) for _ in range(100)]
    assert all(0.0 <= w <= 0.5 for w in waits)


# --- the policy applied by the client (aioresponses counts the attempts) -----------------


def attempts(api: aioresponses) -> int:
    return count(api)


@pytest.mark.anyio
@pytest.mark.parametrize("status", RETRIED_STATUSES)
async def test_get_retries_transient_statuses_until_spent(
    api: aioresponses, client: AsyncModeratelyAI, sleeps: list[float], status: int
) -> None:
    api.get(url("/agents/a"), status=status, payload=error_json("X", "transient"), repeat=True)
    with pytest.raises(APIStatusError) as caught:
        await client.agents.retrieve("a")
    assert caught.value.status_code == status
    assert attempts(api) == 3  # default max_retries=2
    assert len(sleeps) == 2
    assert 0.0 <= sleeps[0] <= 0.5
    assert 0.0 <= sleeps[1] <= 1.0


@pytest.mark.anyio
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("status", FINAL_STATUSES)
async def test_final_statuses_are_sent_once(
    api: aioresponses, client: AsyncModeratelyAI, sleeps: list[float], status: int, method: str
) -> None:
    target = url("/agents/a") if method == "GET" else url("/agents")
    api.add(target, method, status, payload=error_json("X", "final"), repeat=True)
    call = client.agents.retrieve("a") if method == "GET" else client.agents.create(name="n")
    with pytest.raises(APIStatusError) as caught:
        await call
    assert caught.value.status_code == status
    assert attempts(api) == 1
    assert sleeps == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    "make_exc",
    [
        connector_error,
        aiohttp.ServerDisconnectedError,
        TimeoutError,
        aiohttp.ConnectionTimeoutError,
        aiohttp.SocketTimeoutError,
        lambda: aiohttp.ClientOSError(104, "Connection reset by peer"),
    ],
)
async def test_get_retries_connection_failures_and_timeouts(
    api: aioresponses,
    client: AsyncModeratelyAI,
    sleeps: list[float],
    make_exc: Callable[[], Exception],
) -> None:
    api.get(url("/agents/a"), exception=make_exc(), repeat=True)
    with pytest.raises(APIConnectionError):
        await client.agents.retrieve("a")
    assert attempts(api) == 3
    assert len(sleeps) == 2


@pytest.mark.anyio
async def test_timeouts_raise_api_timeout_error(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI]
) -> None:
    client = make_client(max_retries=0)
    api.get(url("/agents/a"), exception=TimeoutError())
    api.get(url("/agents/b"), exception=aiohttp.ConnectionTimeoutError())
    with pytest.raises(APITimeoutError) as read:
        await client.agents.retrieve("a")
    with pytest.raises(APITimeoutError) as connect:
        await client.agents.retrieve("b")
    assert read.value.outcome_unknown is True
    assert connect.value.outcome_unknown is False


@pytest.mark.anyio
async def test_recovers_after_transient_failures(
    api: aioresponses, client: AsyncModeratelyAI, sleeps: list[float]
) -> None:
    api.get(url("/agents/a"), exception=aiohttp.ServerDisconnectedError())
    api.get(url("/agents/a"), status=502, body="bad gateway")
    api.get(url("/agents/a"), payload=agent_json("a"), headers={"X-Request-Id": "third"})
    agent = await client.agents.retrieve("a")
    assert agent.agent_id == "a"
    assert agent.api_request_id == "third"
    assert attempts(api) == 3
    assert len(sleeps) == 2


@pytest.mark.anyio
@pytest.mark.parametrize(("max_retries", "expected"), [(0, 1), (1, 2), (5, 6)])
async def test_max_retries_per_client(
    api: aioresponses,
    make_client: Callable[..., AsyncModeratelyAI],
    sleeps: list[float],
    max_retries: int,
    expected: int,
) -> None:
    client = make_client(max_retries=max_retries)
    assert client.max_retries == max_retries
    api.get(url("/agents/a"), status=503, body="", repeat=True)
    with pytest.raises(InternalServerError):
        await client.agents.retrieve("a")
    assert attempts(api) == expected
    assert len(sleeps) == expected - 1
    counts = [headers_of(c)["x-moderately-retry-count"] for _, _, c in sent(api)]
    assert counts == [str(n) for n in range(expected)]


@pytest.mark.anyio
async def test_max_retries_per_call_through_with_options(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    api.get(url("/agents/a"), status=500, body="", repeat=True)
    with pytest.raises(InternalServerError):
        await client.with_options(max_retries=0).agents.retrieve("a")
    assert attempts(api) == 1
    with pytest.raises(InternalServerError):
        await client.with_options(max_retries=4).agents.retrieve("a")
    assert attempts(api) == 1 + 5
    # The original client keeps its own setting.
    with pytest.raises(InternalServerError):
        await client.agents.retrieve("a")
    assert attempts(api) == 1 + 5 + 3
    assert client.max_retries == 2


def _unknown_outcome_clients(
    make_client: Callable[..., AsyncModeratelyAI],
) -> list[AsyncModeratelyAI]:
    return [
        make_client(retry_unknown_outcome=False),
        make_client().with_options(retry_unknown_outcome=False),
    ]


@pytest.mark.anyio
@pytest.mark.parametrize("via", [0, 1], ids=["constructor", "with_options"])
@pytest.mark.parametrize(
    ("answer", "expected_attempts"),
    [
        ({"exception": aiohttp.ServerDisconnectedError()}, 1),
        ({"exception": aiohttp.SocketTimeoutError()}, 1),
        ({"status": 500, "body": "x"}, 1),
        ({"status": 502, "body": "x"}, 1),
        ({"status": 504, "body": "x"}, 1),
        ({"status": 503, "body": "x"}, 3),
        ({"status": 429, "body": "x"}, 3),
        ({"status": 408, "body": "x"}, 3),
        ({"exception": connector_error()}, 3),
        ({"exception": aiohttp.ConnectionTimeoutError()}, 3),
    ],
)
async def test_post_with_retry_unknown_outcome_off(
    api: aioresponses,
    make_client: Callable[..., AsyncModeratelyAI],
    answer: dict[str, Any],
    expected_attempts: int,
    via: int,
) -> None:
    client = _unknown_outcome_clients(make_client)[via]
    api.post(url("/agents"), repeat=True, **answer)
    with pytest.raises((APIStatusError, APIConnectionError)):
        await client.agents.create(name="n")
    assert attempts(api) == expected_attempts


@pytest.mark.anyio
@pytest.mark.parametrize(
    "answer",
    [{"exception": aiohttp.ServerDisconnectedError()}, {"status": 500, "body": "x"}],
)
async def test_get_and_delete_still_retried_with_retry_unknown_outcome_off(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI], answer: dict[str, Any]
) -> None:
    client = make_client(retry_unknown_outcome=False)
    api.get(url("/agents/a"), repeat=True, **answer)
    api.delete(url("/agents/a"), repeat=True, **answer)
    with pytest.raises((APIStatusError, APIConnectionError)):
        await client.agents.retrieve("a")
    assert attempts(api) == 3
    with pytest.raises((APIStatusError, APIConnectionError)):
        await client.agents.delete("a")
    assert attempts(api) == 6


@pytest.mark.anyio
@pytest.mark.parametrize(
    "answer",
    [{"exception": aiohttp.ServerDisconnectedError()}, {"status": 500, "body": "x"}],
)
async def test_post_and_patch_with_unknown_outcome_are_retried_by_default(
    api: aioresponses, client: AsyncModeratelyAI, answer: dict[str, Any]
) -> None:
    api.post(url("/agents"), repeat=True, **answer)
    api.patch(url("/agents/a"), repeat=True, **answer)
    with pytest.raises((APIStatusError, APIConnectionError)):
        await client.agents.create(name="n")
    with pytest.raises((APIStatusError, APIConnectionError)):
        await client.agents.update("a", name="n")
    assert attempts(api) == 6
    keys = {headers_of(c)["idempotency-key"] for m, _, c in sent(api) if m == "POST"}
    assert len(keys) == 1


# --- the waits the client asks for ------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "2"}, 2.0),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"Retry-After": "0"}, 0.0),
    ],
)
async def test_client_waits_what_retry_after_asks(
    api: aioresponses,
    client: AsyncModeratelyAI,
    sleeps: list[float],
    headers: dict[str, str],
    expected: float,
) -> None:
    api.get(url("/agents/a"), status=429, body="", headers=headers, repeat=True)
    with pytest.raises(RateLimitError):
        await client.agents.retrieve("a")
    assert sleeps == [expected, expected]


@pytest.mark.anyio
async def test_client_waits_until_an_http_date(
    api: aioresponses, client: AsyncModeratelyAI, sleeps: list[float]
) -> None:
    when = formatdate(time.time() + 30, usegmt=True)
    api.get(url("/agents/a"), status=503, body="", headers={"Retry-After": when})
    api.get(url("/agents/a"), payload=agent_json("a"))
    await client.agents.retrieve("a")
    assert len(sleeps) == 1
    assert 27.0 <= sleeps[0] <= 30.5


@pytest.mark.anyio
@pytest.mark.parametrize(
    "value",
    ["-10", "", "nan", "inf", "1e35", "abc", "Tue, 32 Xyz 2024 99:00:00 GMT", "far-future"],
)
async def test_client_backs_off_instead_of_obeying_garbage(
    api: aioresponses, client: AsyncModeratelyAI, sleeps: list[float], value: str
) -> None:
    if value == "far-future":
        value = formatdate(time.time() + 3600, usegmt=True)
    api.get(url("/agents/a"), status=429, body="", headers={"Retry-After": value}, repeat=True)
    with pytest.raises(RateLimitError):
        await client.agents.retrieve("a")
    assert len(sleeps) == 2
    assert all(math.isfinite(s) for s in sleeps)
    assert 0.0 <= sleeps[0] <= 0.5
    assert 0.0 <= sleeps[1] <= 1.0


@pytest.mark.anyio
async def test_no_wait_after_the_last_attempt(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI], sleeps: list[float]
) -> None:
    client = make_client(max_retries=0)
    api.get(url("/agents/a"), status=429, body="", headers={"Retry-After": "5"})
    with pytest.raises(RateLimitError):
        await client.agents.retrieve("a")
    assert sleeps == []
