"""Agent configuration versions and agent executions on the emulator, async and sync."""

from __future__ import annotations

import time
from typing import Any

import anyio
import pytest

from moderately import (
    AgentConfigurationVersion,
    AgentExecution,
    AgentExecutionMemoryState,
    AgentLiveTail,
    AsyncAgentConfigurationVersion,
    AsyncAgentExecution,
    AsyncModeratelyAI,
    ConflictError,
    InvalidArgumentError,
    ModeratelyAI,
    NotFoundError,
    WaitTimeoutError,
)
from moderately.testing import Emulator, ExecutionTiming

SCHEMA: dict[str, Any] = {"type": "object", "properties": {"question": {"type": "string"}}}
MEMORY_BY_VERSION = "GET /agent-executions/{agentExecutionId}/memory-states/{version}"
LIVE_TAIL = "GET /agent-executions/{agentExecutionId}/live-tail"


def steps(emu: Emulator, count: int = 4, step_seconds: float = 0.03) -> None:
    """Make new agent executions take ``count`` visible steps."""
    emu.config.agent_execution = ExecutionTiming(
        pending_seconds=0.02, step_seconds=step_seconds, steps=count
    )


async def current_version(client: AsyncModeratelyAI) -> AsyncAgentConfigurationVersion:
    """A new agent with a current configuration version."""
    agent = await client.agents.create(name="Researcher")
    return await client.agent_configuration_versions.create(
        agent_id=agent.agent_id,
        instructions="Answer the question from the documents.",
        input_schema=SCHEMA,
        output_schema={"type": "object"},
        version_number=1,
        is_current=True,
    )


def sync_current_version(client: ModeratelyAI) -> AgentConfigurationVersion:
    """The sync twin of ``current_version``."""
    agent = client.agents.create(name="Researcher")
    return client.agent_configuration_versions.create(
        agent_id=agent.agent_id,
        instructions="Answer the question.",
        input_schema=SCHEMA,
        output_schema={"type": "object"},
        version_number=1,
        is_current=True,
    )


# --- configuration versions ---------------------------------------------------------------


@pytest.mark.anyio
async def test_async_configuration_versions(moderately_async_client: AsyncModeratelyAI) -> None:
    client = moderately_async_client
    versions = client.agent_configuration_versions
    agent = await client.agents.create(name="Researcher")
    first = await versions.create(
        agent_id=agent.agent_id,
        instructions="Be thorough.",
        input_schema=SCHEMA,
        output_schema={"type": "object"},
        version_number=1,
        is_current=True,
        system_prompt="You are careful.",
        llm_config={"thought_llm": {"provider": "anthropic", "model_tier": "large"}},
        tool_config=[{"type": "GetDateTool"}],
        execution_config={"max_actions": 20},
    )
    assert isinstance(first, AsyncAgentConfigurationVersion)
    assert (first.version_number, first.is_current) == (1, True)
    assert first.llm_config["thought_llm"]["provider"] == "anthropic"
    assert [tool["type"] for tool in first.tool_config] == ["GetDateTool"]
    assert first.execution_config["max_actions"] == 20

    second = await versions.create(
        agent_id=agent.agent_id,
        instructions="Be brief.",
        input_schema=SCHEMA,
        output_schema={"type": "object"},
        version_number=2,
    )
    assert second.is_current is False
    with pytest.raises(ConflictError):
        await versions.create(
            agent_id=agent.agent_id,
            instructions="Again",
            input_schema={},
            output_schema={},
            version_number=2,
        )

    listed = await versions.list(agent_ids=agent.agent_id)
    assert [v.version_number for v in listed] == [1, 2]
    assert [v.id for v in await versions.list(agent_ids=[agent.agent_id], is_current=True)] == [
        first.id
    ]
    assert [v.id for v in await versions.list(version_numbers=[2])] == [second.id]
    assert [v.id for v in await versions.list(agent_configuration_version_ids=second.id)] == [
        second.id
    ]

    updated = await versions.update(second.id, is_current=True, instructions="Be very brief.")
    assert (updated.instructions, updated.is_current) == ("Be very brief.", True)
    assert (await versions.retrieve(first.id)).is_current is False

    first.system_prompt = "Changed"
    await first.save()
    assert (await versions.retrieve(first.id)).system_prompt == "Changed"
    with pytest.raises(NotFoundError):
        await versions.retrieve("missing")


def test_sync_configuration_versions(moderately_client: ModeratelyAI) -> None:
    version = sync_current_version(moderately_client)
    versions = moderately_client.agent_configuration_versions
    assert isinstance(version, AgentConfigurationVersion)
    assert versions.retrieve(version.id).instructions == "Answer the question."
    assert [v.id for v in versions.list(agent_ids=version.agent_id)] == [version.id]
    assert versions.update(version.id, system_prompt="Short answers.").system_prompt == (
        "Short answers."
    )


# --- executions: the reference's examples, with this SDK's names ---------------------------


@pytest.mark.anyio
async def test_async_executions_as_in_the_reference(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    steps(emu)
    version = await current_version(client)
    execution = await client.agent_executions.create(
        agent_configuration_version_id=version.id,
        agent_input={"question": "Hello, world!"},
        agent_input_summary="Greeting",
        max_actions=20,
        planning_interval=5,
    )
    assert isinstance(execution, AsyncAgentExecution)
    assert (execution.status, execution.max_actions, execution.planning_interval) == (
        "pending",
        20,
        5,
    )
    assert execution.agent_input_schema == SCHEMA  # taken from the configuration version

    fetched = await client.agent_executions.retrieve(execution.agent_execution_id)
    assert fetched.agent_input == {"question": "Hello, world!"}

    # wait_for_completion in the reference is wait() here.
    progress: list[int | None] = []
    done = await client.agent_executions.wait(
        execution.id, poll_interval=0.01, on_progress=lambda e: progress.append(e.current_step)
    )
    assert done.succeeded
    assert done.is_terminal
    assert done.agent_output is not None
    assert len(done.thoughts) == 4
    known = [p for p in progress if p is not None]
    assert known == sorted(known)

    assert [e.id async for e in client.agent_executions.list()] == [execution.id]
    page = await client.agent_executions.list(
        agent_ids=version.agent_id, statuses=["completed"], has_agent_output=True, page_size=100
    )
    assert [e.id for e in page.items] == [execution.id]
    none = await client.agent_executions.list(statuses="failed")
    assert none.items == []


def test_sync_executions_as_in_the_reference(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    steps(moderately_emulator, count=2)
    version = sync_current_version(moderately_client)
    execution = moderately_client.agent_executions.create(
        agent_configuration_version_id=version.id,
        agent_input={"question": "Hello"},
        agent_input_summary="Greeting",
    )
    assert isinstance(execution, AgentExecution)
    assert execution.wait(poll_interval=0.01) is execution
    assert execution.status == "completed"
    assert [e.id for e in moderately_client.agent_executions.list()] == [execution.id]


@pytest.mark.anyio
async def test_wait_timeout_and_failed_runs(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    version = await current_version(client)
    steps(emu, count=20, step_seconds=1.0)
    slow = await client.agent_executions.create(
        agent_configuration_version_id=version.id, agent_input={}, agent_input_summary="slow"
    )
    with pytest.raises(WaitTimeoutError) as caught:
        await slow.wait(timeout=0.1, poll_interval=0.02)
    assert isinstance(caught.value.last, AsyncAgentExecution)
    assert not caught.value.last.is_terminal

    emu.config.agent_execution = ExecutionTiming(
        pending_seconds=0.01, step_seconds=0.01, steps=2, outcome="failed"
    )
    failing = await client.agent_executions.create(
        agent_configuration_version_id=version.id, agent_input={}, agent_input_summary="fails"
    )
    await failing.wait(poll_interval=0.01)
    assert (failing.status, failing.succeeded, failing.failed_at is not None) == (
        "failed",
        False,
        True,
    )


# --- memory states and live tail ----------------------------------------------------------


@pytest.mark.anyio
async def test_memory_states_paginated_and_by_version(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    steps(moderately_emulator, count=4, step_seconds=0.01)
    client = moderately_async_client
    version = await current_version(client)
    execution = await client.agent_executions.create(
        agent_configuration_version_id=version.id, agent_input={}, agent_input_summary="q"
    )
    await execution.wait(poll_interval=0.01)

    page = await execution.list_memory_states(page_size=2)
    assert [m.version for m in page.items] == [1, 2]
    assert page.has_next_page
    assert [m.version async for m in execution.list_memory_states(page_size=2)] == [1, 2, 3, 4, 5]
    newest_first = await client.agent_executions.list_memory_states(
        execution.id, order_by="version", order_direction="desc", page_size=1
    )
    assert [m.version for m in newest_first.items] == [5]
    latest = await execution.list_memory_states(latest=True)
    assert [m.version for m in latest.items] == [5]

    third = await execution.get_memory_state(3)
    assert isinstance(third, AgentExecutionMemoryState)
    assert third.version == 3
    assert third.state["steps"]
    assert (await client.agent_executions.get_memory_state(execution.id, 3)) == third
    with pytest.raises(NotFoundError):
        await execution.get_memory_state(99)

    tail = await execution.get_live_tail()
    assert isinstance(tail, AgentLiveTail)
    assert tail.execution.is_terminal
    assert tail.total_versions == 5
    assert tail.latest_memory_state is not None
    assert tail.latest_memory_state.version == 5


@pytest.mark.anyio
async def test_async_live_tail_yields_each_state_once_in_order_then_ends(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    steps(emu, count=5, step_seconds=0.03)
    version = await current_version(client)
    execution = await client.agent_executions.create(
        agent_configuration_version_id=version.id, agent_input={}, agent_input_summary="tail"
    )
    states = [s async for s in execution.live_tail(poll_interval=0.005, max_poll_interval=0.01)]
    assert [s.version for s in states] == [1, 2, 3, 4, 5, 6]
    assert states[-1].state["status"] == "completed"
    assert all(s.agent_execution_id == execution.id for s in states)
    # Polls back off between changes instead of spinning (about 0.2 s of run, 5-10 ms apart).
    assert 2 <= emu.stats.count(LIVE_TAIL) < 100


@pytest.mark.anyio
async def test_live_tail_fetches_versions_skipped_between_polls(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    steps(emu, count=6, step_seconds=0.01)
    version = await current_version(client)
    execution = await client.agent_executions.create(
        agent_configuration_version_id=version.id, agent_input={}, agent_input_summary="tail"
    )
    # Polls far apart: several versions appear between two polls, and none may be lost.
    tail = client.agent_executions.live_tail(
        execution.id, poll_interval=0.05, max_poll_interval=0.05
    )
    versions = [s.version async for s in tail]
    assert versions == [1, 2, 3, 4, 5, 6, 7]
    assert emu.stats.count(MEMORY_BY_VERSION) >= 1
    assert emu.stats.count(LIVE_TAIL) <= 4

    # Resuming after a version yields only what came later; an ended run ends at once.
    resumed = [s.version async for s in execution.live_tail(after_version=5)]
    assert resumed == [6, 7]
    assert [s.version async for s in execution.live_tail(after_version=7)] == []


@pytest.mark.anyio
async def test_live_tail_timeout(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    steps(moderately_emulator, count=20, step_seconds=1.0)
    client = moderately_async_client
    version = await current_version(client)
    execution = await client.agent_executions.create(
        agent_configuration_version_id=version.id, agent_input={}, agent_input_summary="long"
    )
    seen: list[int] = []

    async def follow() -> None:
        async for state in execution.live_tail(poll_interval=0.02, timeout=0.15):
            seen.append(state.version)

    with pytest.raises(WaitTimeoutError) as caught:
        await follow()
    assert seen == [1]
    assert isinstance(caught.value.last, AgentLiveTail)


def test_sync_live_tail(moderately_emulator: Emulator, moderately_client: ModeratelyAI) -> None:
    steps(moderately_emulator, count=3, step_seconds=0.02)
    version = sync_current_version(moderately_client)
    execution = moderately_client.agent_executions.create(
        agent_configuration_version_id=version.id, agent_input={}, agent_input_summary="tail"
    )
    versions = [s.version for s in execution.live_tail(poll_interval=0.005)]
    assert versions == [1, 2, 3, 4]
    again = moderately_client.agent_executions.live_tail(execution.id, after_version=2)
    assert [s.version for s in again] == [3, 4]
    page = moderately_client.agent_executions.list_memory_states(execution.id, page_size=3)
    assert [m.version for m in page] == [1, 2, 3, 4]
    assert moderately_client.agent_executions.get_live_tail(execution.id).total_versions == 4
    assert execution.get_memory_state(1).version == 1


# --- bad arguments are refused before any request -----------------------------------------


@pytest.mark.anyio
async def test_bad_arguments_send_nothing(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    versions, executions = client.agent_configuration_versions, client.agent_executions
    good: dict[str, Any] = {
        "agent_id": "a",
        "instructions": "Do it",
        "input_schema": {},
        "output_schema": {},
        "version_number": 1,
    }
    before = emu.stats.count()
    bad_calls: list[Any] = [
        lambda: versions.create(**{**good, "instructions": ""}),
        lambda: versions.create(**{**good, "version_number": -1}),
        lambda: versions.create(**good, llm_config={"thought_llm": {"provider": "acme"}}),
        lambda: versions.create(**good, execution_config={"max_actions": "ten"}),
        lambda: versions.create(**good, tool_config=[{"config": {}}]),
        lambda: versions.update("v", instructions=""),
        lambda: versions.list(version_numbers=[-1]),
        lambda: versions.list(agent_ids=[]),
        lambda: executions.create(
            agent_configuration_version_id="v", agent_input={}, agent_input_summary=""
        ),
        lambda: executions.create(
            agent_configuration_version_id="v",
            agent_input={},
            agent_input_summary="x",
            max_actions=101,
        ),
        lambda: executions.create(
            agent_configuration_version_id="v",
            agent_input="text",
            agent_input_summary="x",
        ),
        lambda: executions.get_memory_state("e", -1),
        lambda: executions.get_live_tail(""),
        lambda: executions.wait("e", max_poll_interval=0),
    ]
    for call in bad_calls:
        with pytest.raises(InvalidArgumentError):
            await call()
    for sync_call in (
        lambda: executions.list(page_size=101),
        lambda: executions.list(statuses=["done"]),
        lambda: executions.list_memory_states("e", order_by="size"),
        lambda: executions.live_tail("e", poll_interval=0),
        lambda: executions.live_tail("e", after_version=-1),
        lambda: executions.live_tail(""),
    ):
        with pytest.raises(InvalidArgumentError):
            sync_call()
    assert emu.stats.count() == before


def test_sync_execution_reads_by_id(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    steps(moderately_emulator, count=2, step_seconds=0.01)
    client = moderately_client
    version = sync_current_version(client)
    created = client.agent_executions.create(
        agent_configuration_version_id=version.id, agent_input={}, agent_input_summary="q"
    )
    assert client.agent_executions.retrieve(created.id).id == created.id
    done = client.agent_executions.wait(created.id, poll_interval=0.01)
    assert done.succeeded
    assert client.agent_executions.get_memory_state(created.id, 2).version == 2


async def new_execution(
    emu: Emulator, client: AsyncModeratelyAI, count: int = 3, step_seconds: float = 0.02
) -> AsyncAgentExecution:
    """A fresh execution that takes ``count`` visible steps to end."""
    steps(emu, count, step_seconds)
    version = await current_version(client)
    return await client.agent_executions.create(
        agent_configuration_version_id=version.id, agent_input={}, agent_input_summary="q"
    )


# --- wait() and the live tail's limits ------------------------------------------------------


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
    version = sync_current_version(client)
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
    execution = await new_execution(emu, client, count=3)
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
    execution = await new_execution(emu, client, count=5, step_seconds=0.005)
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
