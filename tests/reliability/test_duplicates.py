"""No lost and no duplicated creates under injected faults, against the emulator.

Stated numbers: 1,000 agent creates (distinct names), 40 in flight (one at a time in the last
test), while ``POST /agents`` answers 503 to 30% of requests and drops the connection *after
committing* 5% of the rest (the client cannot know those succeeded). The emulator honours
Idempotency-Key like the platform does.

* With ``max_retries=15`` (backoff scaled to 5-50 ms, and a retry budget sized for the run)
  all 1,000 succeed and exactly 1,000 agents exist, one per name. An attempt fails with
  probability 0.3 + 0.7 * 0.05 = 0.335, so a call exhausts 11 attempts (``max_retries=10``)
  with probability 0.335 ** 11 = 5.9e-6: about a 0.6% chance per run that one of the 1,000
  does, which would make this test flaky. 16 attempts put that chance at 0.0025% per run.
* With the default retry count (2), some calls fail; every failure names its
  idempotency key, and its request id whenever a response arrived; still no name exists twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator

import pytest

from moderately import (
    APIConnectionError,
    APIError,
    APIStatusError,
    AsyncModeratelyAI,
    RetryBudget,
    RetryPolicy,
)
from moderately.testing import Emulator, EmulatorConfig

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

CREATES = 1000
IN_FLIGHT = 40
FAULTS = {"status_503": 0.3, "drop_after_commit": 0.05}


@pytest.fixture
def faulty_emulator() -> Iterator[Emulator]:
    """An emulator whose ``POST /agents`` fails as stated above (seeded, so runs repeat)."""
    with Emulator(config=EmulatorConfig.fast()) as emu:
        emu.faults.set(route="POST /agents", seed=1, **FAULTS)
        yield emu


async def _create_all(client: AsyncModeratelyAI) -> list[object]:
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def create(i: int) -> object:
        async with gate:
            agent = await client.agents.create(name=f"agent-{i:04d}")
            return agent.name

    return await asyncio.gather(*(create(i) for i in range(CREATES)), return_exceptions=True)


async def _names_on_platform(client: AsyncModeratelyAI) -> Counter[str]:
    # Faults are set on POST only, so listing is reliable.
    return Counter([agent.name async for agent in client.agents.list(page_size=1000)])


async def test_a_thousand_creates_with_retries_all_succeed_once(
    faulty_emulator: Emulator,
) -> None:
    emu = faulty_emulator
    policy = RetryPolicy(max_retries=15, initial_backoff=0.005, max_backoff=0.05)
    async with AsyncModeratelyAI(
        api_key=emu.api_key,
        team_id=emu.team_id,
        base_url=emu.base_url,
        retry_policy=policy,
        # About 500 retries are expected (a third of attempts fail); the default 100-token
        # budget exists to stop exactly this kind of burst, so this run is given room.
        retry_budget=RetryBudget(5000),
    ) as client:
        results = await _create_all(client)
        names = await _names_on_platform(client)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert failures == []
    assert results == [f"agent-{i:04d}" for i in range(CREATES)]
    assert len(names) == CREATES
    assert max(names.values()) == 1  # zero duplicates
    # The faults really happened: connections were cut after commit, and retries were sent.
    assert emu.stats.dropped("POST /agents") > 0
    assert emu.stats.count("POST /agents") > CREATES + emu.stats.dropped("POST /agents")


async def test_with_defaults_every_failure_says_which_call_it_was(
    faulty_emulator: Emulator,
) -> None:
    emu = faulty_emulator
    # The default policy and budget, only with backoff scaled down for the test's run time.
    policy = RetryPolicy(initial_backoff=0.005, max_backoff=0.05)
    assert policy.max_retries == 2
    async with AsyncModeratelyAI(
        api_key=emu.api_key, team_id=emu.team_id, base_url=emu.base_url, retry_policy=policy
    ) as client:
        results = await _create_all(client)
        names = await _names_on_platform(client)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert failures  # with 3 attempts at a 1-in-3 failure rate, some calls fail
    for failure in failures:
        assert isinstance(failure, APIError)
        assert failure.idempotency_key
        assert failure.idempotency_key in str(failure)
        if isinstance(failure, APIStatusError):
            assert failure.status_code == 503
            assert failure.request_id
            assert failure.request_id in str(failure)
        else:
            assert isinstance(failure, APIConnectionError)
            assert failure.outcome_unknown  # it may have been applied: the key says which
    succeeded = {r for r in results if isinstance(r, str)}
    assert succeeded <= set(names)  # nothing reported created is missing
    assert max(names.values()) == 1  # and nothing exists twice


async def test_the_issue_numbers_exactly_max_retries_ten_one_at_a_time(
    faulty_emulator: Emulator,
) -> None:
    """The stated case with ``max_retries=10``, made repeatable instead of lucky.

    One call at a time, the seeded fault stream meets the requests in the same order on every
    run, so the outcome does not depend on scheduling: with seed 1 no call meets 11 failed
    attempts in a row, and the run proves the 1,000 succeed once each. (Concurrently, which
    call meets which fault varies by run; see the test above for why that one uses 15.)
    """
    emu = faulty_emulator
    policy = RetryPolicy(max_retries=10, initial_backoff=0.001, max_backoff=0.01)
    async with AsyncModeratelyAI(
        api_key=emu.api_key,
        team_id=emu.team_id,
        base_url=emu.base_url,
        retry_policy=policy,
        retry_budget=RetryBudget(5000),
    ) as client:
        made = [(await client.agents.create(name=f"agent-{i:04d}")).name for i in range(CREATES)]
        names = await _names_on_platform(client)
    assert made == [f"agent-{i:04d}" for i in range(CREATES)]
    assert len(names) == CREATES
    assert max(names.values()) == 1
    assert emu.stats.dropped("POST /agents") > 0
    assert emu.stats.count("POST /agents") > CREATES + emu.stats.dropped("POST /agents")
