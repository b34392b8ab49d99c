"""Waiting for an execution: polls back off, the wait ends on time, transient errors are polled
through, and a hanging poll cannot outlive the wait. Against the emulator.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from moderately import AsyncAgentExecution, AsyncModeratelyAI, WaitTimeoutError
from moderately.testing import Emulator, ExecutionTiming

pytestmark = pytest.mark.anyio

POLL = "GET /agent-executions/{agentExecutionId}"


@pytest.fixture
async def client(moderately_emulator: Emulator) -> AsyncIterator[AsyncModeratelyAI]:
    """A client with no transport retries, so every transient error reaches the wait loop."""
    emu = moderately_emulator
    async with AsyncModeratelyAI(
        api_key=emu.api_key, team_id=emu.team_id, base_url=emu.base_url, max_retries=0
    ) as made:
        yield made


async def start(
    emu: Emulator, client: AsyncModeratelyAI, timing: ExecutionTiming
) -> AsyncAgentExecution:
    """A new agent execution that runs with ``timing``."""
    emu.config.agent_execution = timing
    agent = await client.agents.create(name="poller")
    version = await client.agent_configuration_versions.create(
        agent_id=agent.agent_id,
        instructions="Answer.",
        input_schema={"type": "object"},
        output_schema={"type": "object"},
        version_number=1,
        is_current=True,
    )
    return await client.agent_executions.create(
        agent_configuration_version_id=version.id, agent_input={}, agent_input_summary="s"
    )


SLOW = ExecutionTiming(pending_seconds=0.01, step_seconds=5.0, steps=20)
FAST = ExecutionTiming(pending_seconds=0.01, step_seconds=0.01, steps=2)


async def test_polls_back_off_and_the_wait_ends_within_one_interval(
    moderately_emulator: Emulator, client: AsyncModeratelyAI
) -> None:
    execution = await start(moderately_emulator, client, SLOW)
    polls_before = moderately_emulator.stats.count(POLL)
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError) as caught:
        await execution.wait(timeout=1.0, poll_interval=0.05, max_poll_interval=0.4)
    elapsed = time.monotonic() - started
    polls = moderately_emulator.stats.count(POLL) - polls_before
    # Intervals grow by 1.5x from 50 ms to 400 ms: about 7 polls fit in 1 s, where a fixed
    # 50 ms interval would have made 20.
    assert 3 <= polls <= 10
    assert 1.0 <= elapsed < 1.0 + 0.4  # never later than one (longest) interval
    assert caught.value.last is not None
    assert not caught.value.last.is_terminal


@pytest.mark.parametrize("fault", ["status_503", "status_502", "status_429", "drop_before"])
async def test_transient_errors_while_polling_are_not_the_result(
    moderately_emulator: Emulator, client: AsyncModeratelyAI, fault: str
) -> None:
    execution = await start(moderately_emulator, client, FAST)
    # The next 3 polls fail (with no transport retries, each failure reaches the wait loop).
    rule = moderately_emulator.faults.set(route=POLL, times=3, retry_after=0.01, **{fault: 1.0})
    done = await execution.wait(timeout=30, poll_interval=0.01, max_poll_interval=0.05)
    assert rule.injected == 3
    assert done.status == "completed"


async def test_a_hanging_poll_does_not_outlive_the_wait(
    moderately_emulator: Emulator, client: AsyncModeratelyAI
) -> None:
    execution = await start(moderately_emulator, client, SLOW)
    moderately_emulator.faults.set(route=POLL, latency=5.0)  # every poll hangs for 5 s
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError):
        await execution.wait(timeout=0.5, poll_interval=0.05)
    assert time.monotonic() - started < 0.5 + 0.5  # not the 5 s the poll would have taken
