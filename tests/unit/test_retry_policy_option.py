"""The public retry knob: ``retry_policy=RetryPolicy(...)`` on the client and on copies."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aioresponses import aioresponses
from unit_support import BASE

from moderately import AsyncModeratelyAI, ConfigurationError, InternalServerError, RetryPolicy

AGENT = {"agentId": "a1", "teamId": "team-1", "name": "A", "description": None}


@pytest.mark.anyio
async def test_a_client_uses_the_policy_it_is_given(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI], sleeps: list[float]
) -> None:
    policy = RetryPolicy(max_retries=4, initial_backoff=0.001, max_backoff=0.002)
    client = make_client(retry_policy=policy)
    assert client.retry_policy is policy
    for _ in range(4):
        api.get(f"{BASE}/agents/a1", status=503)
    api.get(f"{BASE}/agents/a1", payload=AGENT)
    agent = await client.agents.retrieve("a1")
    assert agent.agent_id == "a1"
    assert len(sleeps) == 4
    assert all(0 <= wait <= 0.002 for wait in sleeps)


@pytest.mark.anyio
async def test_max_retries_argument_overrides_the_policy(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI]
) -> None:
    client = make_client(retry_policy=RetryPolicy(max_retries=5), max_retries=1)
    assert client.max_retries == 1
    for _ in range(2):
        api.get(f"{BASE}/agents/a1", status=500)
    with pytest.raises(InternalServerError):
        await client.agents.retrieve("a1")


@pytest.mark.anyio
async def test_with_options_swaps_the_policy_for_the_copy_only(
    make_client: Callable[..., AsyncModeratelyAI],
) -> None:
    client = make_client()
    strict = RetryPolicy(max_retries=0, retry_unknown_outcome=False)
    copy = client.with_options(retry_policy=strict)
    assert copy.retry_policy is strict
    assert client.retry_policy == RetryPolicy()


@pytest.mark.parametrize(
    "bad",
    [
        {"max_retries": -1},
        {"max_retries": 1.5},
        {"max_retries": True},
        {"initial_backoff": -0.1},
        {"max_backoff": float("inf")},
        {"max_retry_after": float("nan")},
    ],
)
def test_a_policy_that_cannot_work_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        RetryPolicy(**bad)  # type: ignore[arg-type]


def test_the_policy_argument_must_be_a_policy() -> None:
    with pytest.raises(ConfigurationError, match="RetryPolicy"):
        AsyncModeratelyAI(api_key="k", retry_policy={"max_retries": 3})  # type: ignore[arg-type]
