"""The retry budget: many tasks against a platform that only answers 503 cannot storm it.

Stated bound: over a run of ``t`` seconds with no success, a client (and all its
``with_options`` copies) makes at most ``tasks + capacity + refill_per_second * t`` attempts,
whatever ``max_retries`` says. Without the budget the same run makes
``tasks * (max_retries + 1)``.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

import pytest
from reliability_support import CANARY_KEY, ScriptedServer, status_responder

from moderately import (
    APIStatusError,
    AsyncModeratelyAI,
    ConfigurationError,
    RetryBudget,
    RetryPolicy,
)
from moderately._budget import BUDGET_SPENT_NOTE

TASKS = 200
RETRIES = 5
STORM = RetryPolicy(max_retries=RETRIES, initial_backoff=0.001, max_backoff=0.005)


async def _storm(budget: RetryBudget | None) -> tuple[int, float, list[BaseException]]:
    """Run TASKS calls (half through a with_options copy) at an always-503 server."""
    kwargs: dict[str, Any] = {} if budget is None else {"retry_budget": budget}
    with ScriptedServer(status_responder(503)) as server:
        async with AsyncModeratelyAI(
            api_key=CANARY_KEY, team_id="t1", base_url=server.url, retry_policy=STORM, **kwargs
        ) as client:
            copy = client.with_options(timeout=30)
            started = time.monotonic()
            results = await asyncio.gather(
                *((client if i % 2 else copy).agents.retrieve("a1") for i in range(TASKS)),
                return_exceptions=True,
            )
            elapsed = time.monotonic() - started
        return server.count(), elapsed, [r for r in results if isinstance(r, BaseException)]


@pytest.mark.anyio
async def test_default_budget_bounds_a_storm_of_tasks() -> None:
    budget = RetryBudget()  # the defaults: 100 tokens, 1 per second, 0.1 per success
    attempts, elapsed, failures = await _storm(budget)
    assert len(failures) == TASKS
    assert all(isinstance(f, APIStatusError) and f.status_code == 503 for f in failures)
    bound = TASKS + budget.capacity + budget.refill_per_second * elapsed
    assert attempts <= bound  # 200 + 100 + ~1 = ~301, against 1,200 unbudgeted
    refused = [f for f in failures if BUDGET_SPENT_NOTE in getattr(f, "__notes__", ())]
    assert refused  # the surfaced failures say why they were not retried


@pytest.mark.anyio
async def test_without_a_budget_the_same_storm_is_six_times_the_load() -> None:
    # The control: the bound above is not met by accident.
    attempts, _, failures = await _storm(RetryBudget.unlimited())
    assert len(failures) == TASKS
    assert attempts == TASKS * (RETRIES + 1)


@pytest.mark.anyio
async def test_with_options_copies_share_the_budget_unless_given_their_own() -> None:
    async with AsyncModeratelyAI(api_key=CANARY_KEY, base_url="http://127.0.0.1:9") as client:
        own = RetryBudget(5)
        shared = client._config.retry_budget
        assert client.with_options(max_retries=4)._config.retry_budget is shared
        assert client.with_options(retry_budget=own)._config.retry_budget is own


def test_budget_arithmetic() -> None:
    budget = RetryBudget(3, refill_per_success=0.5, refill_per_second=0)
    assert [budget.try_spend() for _ in range(4)] == [True, True, True, False]
    budget.record_success()
    assert not budget.try_spend()  # half a token is not a retry
    budget.record_success()
    assert budget.try_spend()
    for _ in range(100):
        budget.record_success()
    assert budget.tokens == 3  # never above capacity


def test_budget_refills_with_time() -> None:
    budget = RetryBudget(2, refill_per_success=0, refill_per_second=20)
    assert budget.try_spend()
    assert budget.try_spend()
    time.sleep(0.2)  # earns at least 20 * 0.2 = 4 tokens, capped at 2
    assert budget.tokens == 2


def test_unlimited_budget_never_refuses() -> None:
    budget = RetryBudget.unlimited()
    assert all(budget.try_spend() for _ in range(10_000))
    assert math.isinf(budget.tokens)


@pytest.mark.parametrize("bad", [-1, math.nan, "10", True, None])
def test_budget_settings_are_checked(bad: Any) -> None:
    with pytest.raises(ConfigurationError):
        RetryBudget(bad)
    with pytest.raises(ConfigurationError):
        RetryBudget(refill_per_second=bad)


def test_client_refuses_a_budget_of_the_wrong_type() -> None:
    with pytest.raises(ConfigurationError, match="retry_budget"):
        AsyncModeratelyAI(api_key=CANARY_KEY, retry_budget=10)  # type: ignore[arg-type]
