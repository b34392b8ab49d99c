"""Agent executions on the emulator: what ``wait()`` leaves behind, and the live tail's limits."""

from __future__ import annotations

import time
from typing import Any

import anyio
import pytest

from moderately import (
    AgentExecution,
    AsyncAgentExecution,
    AsyncModeratelyAI,
    InvalidArgumentError,
    ModeratelyAI,
    WaitTimeoutError,
)
from moderately.testing import Emulator, ExecutionTiming

SCHEMA: dict[str, Any] = {"type": "object", "properties": {"question": {"type": "string"}}}
LIVE_TAIL = "GET /agent-executions/{agentExecutionId}/live-tail"
MEMORY_BY_VERSION = "GET /agent-executions/{agentExecutionId}/memory-states/{version}"


async def new_execution(
    emu: Emulator, client: AsyncModeratelyAI, steps: int = 3, step_seconds: float = 0.02
) -> AsyncAgentExecution:
    """A fresh execution that takes ``steps`` visible steps to end."""
    emu.config.agent_execution = ExecutionTiming(
        pending_seconds=0.02, step_seconds=step_seconds, steps=steps
    )
    agent = await client.agents.create(name="Researcher")
    version = await client.agent_configuration_versions.create(
        agent_id=agent.agent_id,
        instructions="Answer the question.",
        input_schema=SCHEMA,
        output_schema={"type": "object"},
        version_number=1,
        is_current=True,
    )
    return await client.agent_executions.create(
        agent_configuration_version_id=version.id, agent_input={}, agent_input_summary="q"
    )


@pytest.mark.anyio
async def test_wait_takes_the_request_id_of_the_last_poll(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    execution = await new_execution(moderately_emulator, moderately_async_client)
    created_id = execution.api_request_id
    shown: list[AsyncAgentExecution] = []
    await execution.wait(poll_interval=0.01, on_progress=shown.append)
    assert execution.is_terminal
    # The last snapshot shown is the poll whose state the execution took; support needs its id.
    last = shown[-1]
    assert last is not execution
    assert created_id is not None
    assert execution.api_request_id == last.api_request_id
    assert execution.api_request_id != created_id


# --- live tail ------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_live_tail_refuses_a_bad_timeout_before_any_request(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    execution = await new_execution(emu, client)
    emu.stats.reset()
    for bad in (-1, "soon", float("nan"), True):
        # Refused by the call itself, not later when the (lazy) iteration first polls.
        with pytest.raises(InvalidArgumentError, match="timeout"):
            execution.live_tail(timeout=bad)  # type: ignore[arg-type]
        with pytest.raises(InvalidArgumentError, match="timeout"):
            client.agent_executions.live_tail(execution.id, timeout=bad)  # type: ignore[arg-type]
    assert emu.stats.count(LIVE_TAIL) == 0


def test_sync_live_tail_refuses_a_bad_timeout(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    client = moderately_client
    agent = client.agents.create(name="Researcher")
    version = client.agent_configuration_versions.create(
        agent_id=agent.agent_id,
        instructions="Answer the question.",
        input_schema=SCHEMA,
        output_schema={"type": "object"},
        version_number=1,
        is_current=True,
    )
    execution = client.agent_executions.create(
        agent_configuration_version_id=version.id, agent_input={}, agent_input_summary="q"
    )
    assert isinstance(execution, AgentExecution)
    with pytest.raises(InvalidArgumentError, match="timeout"):
        execution.live_tail(timeout=-0.5)
    with pytest.raises(InvalidArgumentError, match="timeout"):
        client.agent_executions.live_tail(execution.id, timeout=-0.5)
    assert moderately_emulator.stats.count(LIVE_TAIL) == 0


@pytest.mark.anyio
async def test_live_tail_polls_through_a_transient_503(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu = moderately_emulator
    # No client retries, so each 503 reaches the tail itself, as it does once retries run out.
    client = moderately_async_client.with_options(max_retries=0)
    execution = await new_execution(emu, client, steps=3)
    emu.faults.set(LIVE_TAIL, status_503=1.0, times=2)
    tail = client.agent_executions.live_tail(execution.id, poll_interval=0.005)
    versions = [s.version async for s in tail]
    assert versions == [1, 2, 3, 4]
    assert emu.stats.count(LIVE_TAIL) >= 3  # the two failed polls, then at least one answered


@pytest.mark.anyio
async def test_live_tail_refetches_a_skipped_version_after_a_transient_503(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu = moderately_emulator
    client = moderately_async_client.with_options(max_retries=0)
    execution = await new_execution(emu, client, steps=5, step_seconds=0.005)
    await execution.wait(poll_interval=0.01)
    # The run has ended: the first poll sees version 6 and fetches 1-5, the first of which fails.
    emu.faults.set(MEMORY_BY_VERSION, status_503=1.0, times=1)
    versions = [s.version async for s in execution.live_tail(poll_interval=0.005)]
    assert versions == [1, 2, 3, 4, 5, 6]
    assert emu.stats.count(MEMORY_BY_VERSION) == 6  # version 1 twice, the others once


@pytest.mark.anyio
async def test_one_slow_live_tail_poll_does_not_overrun_the_timeout(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    execution = await new_execution(emu, client)
    latency = 1.5
    emu.faults.set(LIVE_TAIL, latency=latency)
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError) as caught:
        async for _ in execution.live_tail(timeout=0.2):
            pass
    # The poll is cut at the deadline rather than answered when the latency has passed.
    assert time.monotonic() - started < 1.2
    assert caught.value.last is None  # no poll was answered
    emu.faults.clear()
    # Let the emulator finish the abandoned request, so its teardown finds no handler pending.
    await anyio.sleep(max(0.0, started + latency + 0.1 - time.monotonic()))
