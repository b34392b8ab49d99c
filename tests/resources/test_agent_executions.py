"""Agent executions on the emulator: what ``wait()`` leaves on the object it updates."""

from __future__ import annotations

from typing import Any

import pytest

from moderately import AsyncAgentExecution, AsyncModeratelyAI
from moderately.testing import Emulator, ExecutionTiming

SCHEMA: dict[str, Any] = {"type": "object", "properties": {"question": {"type": "string"}}}


async def new_execution(emu: Emulator, client: AsyncModeratelyAI) -> AsyncAgentExecution:
    """A fresh execution that takes a few polls to end."""
    emu.config.agent_execution = ExecutionTiming(pending_seconds=0.02, step_seconds=0.02, steps=3)
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
