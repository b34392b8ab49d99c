"""client.pipeline_executions on the emulator: runs, worker updates, cancel, outputs, waits."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from moderately import (
    AsyncModeratelyAI,
    AsyncPipelineExecution,
    BadRequestError,
    InvalidArgumentError,
    ModeratelyAI,
    NotFoundError,
    PipelineExecution,
    WaitTimeoutError,
)
from moderately.testing import Emulator, ExecutionTiming

CONFIG: dict[str, Any] = {
    "id": "doc-processor",
    "name": "Document Processor",
    "blocks": {
        "input": {"id": "input", "type": "input", "config": {"json_schema": {"type": "object"}}},
        "output": {"id": "output", "type": "output", "config": {}},
    },
}
STORAGE_GET = "GET /_storage/{key}"


def never_ending(emu: Emulator) -> None:
    """New executions stay running far longer than any test waits."""
    emu.config.data.pipeline_execution = ExecutionTiming(
        pending_seconds=0.01, step_seconds=30.0, steps=10
    )


async def version_id(client: AsyncModeratelyAI) -> str:
    """A fresh pipeline with a current configuration version; returns the version's id."""
    pipeline = await client.pipelines.create(name="Docs")
    version = await pipeline.create_configuration_version(copy.deepcopy(CONFIG), status="current")
    return version.id


def sync_version_id(client: ModeratelyAI) -> str:
    """The sync twin of ``version_id``."""
    pipeline = client.pipelines.create(name="Docs")
    return pipeline.create_configuration_version(copy.deepcopy(CONFIG), status="current").id


@pytest.mark.anyio
async def test_async_executions_as_in_the_reference(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    never_ending(emu)
    executions = client.pipeline_executions
    vid = await version_id(client)

    execution = await executions.create(
        pipeline_configuration_version_id=vid,
        pipeline_input={"documents": ["doc1.pdf", "doc2.pdf"]},
        pipeline_input_summary="Process 2 legal documents",
        total_steps=5,
    )
    assert isinstance(execution, AsyncPipelineExecution)
    assert (execution.status, execution.total_steps, execution.current_step) == ("pending", 5, 0)
    assert execution.is_running
    assert not execution.is_terminal
    assert execution.progress == 0.0

    fetched = await executions.retrieve(execution.pipeline_execution_id)
    assert fetched.pipeline_input == {"documents": ["doc1.pdf", "doc2.pdf"]}

    # A worker reports progress, then the result (PATCH).
    progressed = await executions.update(
        execution.id, status="running", current_step=2, progress_data={"percentage": 40}
    )
    assert (progressed.status, progressed.current_step) == ("running", 2)
    assert progressed.progress == pytest.approx(0.4)
    assert progressed.started_at is not None
    finished = await executions.update(
        execution.id,
        status="completed",
        pipeline_output={"results": "2 clauses"},
        pipeline_output_summary="Successfully processed 2 documents",
    )
    assert finished.succeeded
    assert finished.completed_at is not None
    assert await executions.get_output(execution.id) == {"results": "2 clauses"}

    other = await executions.create(
        pipeline_configuration_version_id=vid, pipeline_input={}, pipeline_input_summary="x"
    )
    cancelled = await executions.cancel(other.id, reason="Superseded by a newer upload")
    assert cancelled.status == "cancelled"
    assert cancelled.cancelled_at is not None
    assert cancelled.progress_data["cancellationReason"] == "Superseded by a newer upload"
    # An ended execution cannot be cancelled; the contract answers 400 for that.
    with pytest.raises(BadRequestError):
        await executions.cancel(other.id)

    everything = [e.id async for e in executions.list()]
    assert sorted(everything) == sorted([execution.id, other.id])
    done = await executions.list(status="completed")
    assert [e.id for e in done.items] == [execution.id]
    by_statuses = await executions.list(statuses=["completed", "cancelled"], order_by="created_at")
    assert [e.id for e in by_statuses.items] == [execution.id, other.id]
    by_version = await executions.list(
        pipeline_configuration_version_ids=[vid], pipeline_execution_ids=other.id
    )
    assert [e.id for e in by_version.items] == [other.id]
    assert emu.stats.count("PATCH /pipeline-executions/{pipelineExecutionId}") == 2


def test_sync_executions_as_in_the_reference(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    never_ending(moderately_emulator)
    client = moderately_client
    vid = sync_version_id(client)
    execution = client.pipeline_executions.create(
        pipeline_configuration_version_id=vid,
        pipeline_input={"documents": ["doc1.pdf"]},
        pipeline_input_summary="Process 1 document",
    )
    assert isinstance(execution, PipelineExecution)
    assert client.pipeline_executions.retrieve(execution.id).status in ("pending", "running")
    updated = client.pipeline_executions.update(
        execution.id, status="completed", pipeline_output={"results": "..."}
    )
    assert updated.status == "completed"
    assert client.pipeline_executions.get_output(execution.id) == {"results": "..."}
    second = client.pipeline_executions.create(
        pipeline_configuration_version_id=vid, pipeline_input={}, pipeline_input_summary="x"
    )
    assert second.cancel("not needed") is second
    assert second.status == "cancelled"
    with pytest.raises(BadRequestError):
        client.pipeline_executions.cancel(second.id, reason="again")
    assert [e.id for e in client.pipeline_executions.list(statuses="cancelled")] == [second.id]


@pytest.mark.anyio
async def test_worker_updates_through_save(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    never_ending(moderately_emulator)
    client = moderately_async_client
    execution = await client.pipeline_executions.create(
        pipeline_configuration_version_id=await version_id(client),
        pipeline_input={},
        pipeline_input_summary="x",
    )
    execution.status = "running"
    execution.current_step = 1
    await execution.save()
    assert execution.changed_fields == frozenset()
    assert (await client.pipeline_executions.retrieve(execution.id)).current_step == 1


@pytest.mark.anyio
async def test_inline_and_presigned_outputs(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    pipeline = await client.pipelines.create(name="Docs")
    await pipeline.create_configuration_version(copy.deepcopy(CONFIG), status="current")

    small = await pipeline.run({"n": 1}, poll_interval=0.01)
    assert small.pipeline_output is not None
    assert await small.output() == {"echo": {"n": 1}, "fieldCount": 1}
    assert emu.stats.count(STORAGE_GET) == 0

    emu.config.data.inline_output_max_bytes = 64
    text = "lorem ipsum " * 50
    large = await pipeline.run({"text": text}, poll_interval=0.01)
    assert large.pipeline_output is None
    assert large.pipeline_output_file_uri
    assert await large.output() == {"echo": {"text": text}, "fieldCount": 1}
    assert await client.pipeline_executions.get_output(large.id) == {
        "echo": {"text": text},
        "fieldCount": 1,
    }
    assert emu.stats.count(STORAGE_GET) == 2


def test_sync_presigned_output(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    moderately_emulator.config.data.inline_output_max_bytes = 16
    pipeline = moderately_client.pipelines.create(name="Docs")
    pipeline.create_configuration_version(copy.deepcopy(CONFIG), status="current")
    execution = pipeline.run({"words": ["a"] * 40}, poll_interval=0.01)
    assert execution.output() == {"echo": {"words": ["a"] * 40}, "fieldCount": 1}
    assert moderately_emulator.stats.count(STORAGE_GET) == 1


@pytest.mark.anyio
async def test_output_before_the_end_is_not_found(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    never_ending(moderately_emulator)
    client = moderately_async_client
    execution = await client.pipeline_executions.create(
        pipeline_configuration_version_id=await version_id(client),
        pipeline_input={},
        pipeline_input_summary="x",
    )
    with pytest.raises(NotFoundError):
        await execution.output()


@pytest.mark.anyio
async def test_wait_by_id_and_its_timeout(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    vid = await version_id(client)
    quick = await client.pipeline_executions.create(
        pipeline_configuration_version_id=vid, pipeline_input={"q": 1}, pipeline_input_summary="q"
    )
    seen: list[str] = []
    done = await client.pipeline_executions.wait(
        quick.id, poll_interval=0.01, on_progress=lambda e: seen.append(e.status)
    )
    assert done.succeeded
    assert seen[-1] == "completed"

    never_ending(emu)
    slow = await client.pipeline_executions.create(
        pipeline_configuration_version_id=vid, pipeline_input={}, pipeline_input_summary="s"
    )
    with pytest.raises(WaitTimeoutError) as caught:
        await slow.wait(timeout=0.1, poll_interval=0.02)
    assert isinstance(caught.value.last, AsyncPipelineExecution)
    assert caught.value.last.status == "running"
    assert slow.status == "running"  # the object followed the polls


def test_sync_wait_timeout(moderately_emulator: Emulator, moderately_client: ModeratelyAI) -> None:
    never_ending(moderately_emulator)
    client = moderately_client
    execution = client.pipeline_executions.create(
        pipeline_configuration_version_id=sync_version_id(client),
        pipeline_input={},
        pipeline_input_summary="s",
    )
    with pytest.raises(WaitTimeoutError) as caught:
        client.pipeline_executions.wait(execution.id, timeout=0.05, poll_interval=0.01)
    assert isinstance(caught.value.last, PipelineExecution)


@pytest.mark.anyio
async def test_bad_arguments_send_nothing(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    executions = client.pipeline_executions
    before = emu.stats.count()
    bad_calls: list[Any] = [
        lambda: executions.create(
            pipeline_configuration_version_id="v", pipeline_input=[1], pipeline_input_summary="x"
        ),
        lambda: executions.create(
            pipeline_configuration_version_id="v",
            pipeline_input={},
            pipeline_input_summary="x" * 1001,
        ),
        lambda: executions.create(
            pipeline_configuration_version_id="v",
            pipeline_input={},
            pipeline_input_summary="x",
            total_steps=-1,
        ),
        lambda: executions.update("e", status="done"),
        lambda: executions.update("e", current_step=-2),
        lambda: executions.update("e", pipeline_output_summary="x" * 1001),
        lambda: executions.update("e", surprise=1),
        lambda: executions.cancel("e", reason="x" * 501),
        lambda: executions.cancel(""),
        lambda: executions.get_output(""),
        lambda: executions.wait("e", poll_interval=-1),
    ]
    for call in bad_calls:
        with pytest.raises(InvalidArgumentError):
            await call()
    for bad_list in (
        lambda: executions.list(status="finished"),
        lambda: executions.list(statuses=[]),
        lambda: executions.list(pipeline_ids=["a,b"]),
        lambda: executions.list(order_by="name"),
    ):
        with pytest.raises(InvalidArgumentError):
            bad_list()
    assert emu.stats.count() == before
