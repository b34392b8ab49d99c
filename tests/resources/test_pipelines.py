"""client.pipelines and client.pipeline_configuration_versions on the emulator, async and sync."""

from __future__ import annotations

import copy
from typing import Any, ClassVar

import pytest

from moderately import (
    AsyncModeratelyAI,
    AsyncPipeline,
    AsyncPipelineConfigurationVersion,
    AsyncPipelineExecution,
    BadRequestError,
    ConflictError,
    HookContext,
    InvalidArgumentError,
    ModeratelyAI,
    NotFoundError,
    Outcome,
    Pipeline,
    PipelineConfigurationValidation,
    PipelineConfigurationVersion,
    PipelineExecution,
    Replace,
    WaitTimeoutError,
)
from moderately.testing import Emulator, ExecutionTiming

CONFIG: dict[str, Any] = {
    "id": "doc-processor",
    "name": "Document Processor",
    "version": "1.0.0",
    "blocks": {
        "input": {"id": "input", "type": "input", "config": {"json_schema": {"type": "object"}}},
        "output": {"id": "output", "type": "output", "config": {"name": "result"}},
    },
    "connections": [
        {
            "source_block_id": "input",
            "source_port": "data",
            "target_block_id": "output",
            "target_port": "data",
        }
    ],
}


def config(name: str = "Document Processor") -> dict[str, Any]:
    """A valid configuration (a fresh copy, so tests can change it)."""
    fresh = copy.deepcopy(CONFIG)
    fresh["name"] = name
    return fresh


def slow_steps(emu: Emulator, steps: int = 4, step_seconds: float = 0.04) -> None:
    """Make new pipeline executions take a few visible steps."""
    emu.config.data.pipeline_execution = ExecutionTiming(
        pending_seconds=0.02, step_seconds=step_seconds, steps=steps
    )


# --- the reference's examples, with this SDK's names ---------------------------------------


@pytest.mark.anyio
async def test_async_pipeline_crud_as_in_the_reference(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    pipeline = await client.pipelines.create(
        name="Document Analysis Pipeline", description="Processes legal documents"
    )
    assert isinstance(pipeline, AsyncPipeline)
    assert pipeline.team_id == emu.team_id
    await client.pipelines.create(name="Other")

    page = await client.pipelines.list(name_like="analysis", page_size=5)
    assert [p.pipeline_id for p in page.items] == [pipeline.pipeline_id]
    names = [p.name async for p in client.pipelines.list(order_by="name")]
    assert names == ["Document Analysis Pipeline", "Other"]
    ids = [p.name async for p in client.pipelines.list(pipeline_ids=[pipeline.pipeline_id])]
    assert ids == ["Document Analysis Pipeline"]

    fetched = await client.pipelines.retrieve(pipeline.pipeline_id)
    assert fetched.description == "Processes legal documents"
    assert fetched.total_runs == 0

    renamed = await client.pipelines.update(pipeline.pipeline_id, name="Updated Pipeline Name")
    assert renamed.name == "Updated Pipeline Name"
    fetched.description = "Reads contracts"
    await fetched.save()
    assert (await client.pipelines.retrieve(pipeline.pipeline_id)).description == "Reads contracts"

    with pytest.raises(ConflictError):
        await client.pipelines.create(name="Other")

    await client.pipelines.delete(pipeline.pipeline_id)
    with pytest.raises(NotFoundError):
        await client.pipelines.retrieve(pipeline.pipeline_id)


def test_sync_pipeline_crud_as_in_the_reference(moderately_client: ModeratelyAI) -> None:
    client = moderately_client
    pipeline = client.pipelines.create(
        name="Document Analysis Pipeline", description="Processes legal documents"
    )
    assert isinstance(pipeline, Pipeline)
    assert [p.name for p in client.pipelines.list()] == ["Document Analysis Pipeline"]
    assert client.pipelines.retrieve(pipeline.pipeline_id).name == pipeline.name
    updated = client.pipelines.update(pipeline.pipeline_id, name="Updated Pipeline Name")
    assert updated.name == "Updated Pipeline Name"
    pipeline.delete()
    with pytest.raises(NotFoundError):
        client.pipelines.retrieve(pipeline.pipeline_id)


@pytest.mark.anyio
async def test_async_configuration_versions_as_in_the_reference(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    client = moderately_async_client
    versions = client.pipeline_configuration_versions
    pipeline = await client.pipelines.create(name="Docs")

    version = await versions.create(pipeline_id=pipeline.pipeline_id, configuration=config())
    assert isinstance(version, AsyncPipelineConfigurationVersion)
    assert (version.version, version.status, version.is_current) == (1, "draft", False)
    assert version.configuration["name"] == "Document Processor"

    fetched = await versions.retrieve(version.pipeline_configuration_version_id)
    assert fetched.configuration == version.configuration

    updated = await versions.update(version.id, configuration=config("Renamed"))
    assert updated.configuration["name"] == "Renamed"

    clone = await versions.clone(version.id)
    assert (clone.version, clone.status) == (2, "draft")
    assert clone.configuration["name"] == "Renamed"
    again = await clone.clone()
    assert again.version == 3

    check = await versions.validate(config())
    assert isinstance(check, PipelineConfigurationValidation)
    assert check.valid
    assert bool(check)
    assert check.errors == []

    schema = await versions.get_schema()
    assert schema is not None
    assert "blocks" in schema["properties"]

    listed = [v.version async for v in versions.list(pipeline_ids=pipeline.pipeline_id)]
    assert listed == [1, 2, 3]
    newest = await versions.list(
        pipeline_ids=pipeline.pipeline_id, order_by="version", order_direction="desc", page_size=1
    )
    assert [v.version for v in newest.items] == [3]

    # Only one version may be current; a current version cannot be deleted, only archived.
    await versions.update(clone.id, status="current")
    with pytest.raises(ConflictError):
        await versions.update(again.id, status="current")
    with pytest.raises(BadRequestError):
        await versions.delete(clone.id)
    currents = await versions.list(pipeline_ids=pipeline.pipeline_id, statuses=["current"])
    assert [v.id for v in currents.items] == [clone.id]

    await versions.delete(version.id)
    with pytest.raises(NotFoundError):
        await versions.retrieve(version.id)


def test_sync_configuration_versions_as_in_the_reference(moderately_client: ModeratelyAI) -> None:
    client = moderately_client
    versions = client.pipeline_configuration_versions
    pipeline = client.pipelines.create(name="Docs")
    version = versions.create(pipeline_id=pipeline.pipeline_id, configuration=config())
    assert isinstance(version, PipelineConfigurationVersion)
    assert versions.retrieve(version.id).version == 1
    assert versions.update(version.id, configuration=config("Two")).configuration["name"] == "Two"
    new_version = versions.clone(version.id)
    assert new_version.version == 2
    assert versions.validate(config()).valid
    assert versions.get_schema() is not None
    assert [v.version for v in versions.list(pipeline_ids=pipeline.pipeline_id)] == [1, 2]
    versions.delete(version.id)
    assert [v.version for v in pipeline.configuration_versions()] == [2]


@pytest.mark.anyio
async def test_validate_reports_problems_as_data(
    moderately_async_client: AsyncModeratelyAI,
) -> None:
    broken = config()
    broken["blocks"]["input"]["type"] = "no-such-block"
    check = await moderately_async_client.pipeline_configuration_versions.validate(broken)
    assert check.valid is False
    assert not check
    assert check.errors
    assert all(problem.message for problem in check.errors)


@pytest.mark.anyio
async def test_version_edits_through_save(moderately_async_client: AsyncModeratelyAI) -> None:
    pipeline = await moderately_async_client.pipelines.create(name="Docs")
    version = await pipeline.create_configuration_version(config())
    version.configuration = config("Saved")
    await version.save()
    assert version.configuration["name"] == "Saved"
    version.status = "current"
    await version.save()
    assert version.is_current
    assert (await pipeline.current_configuration_version()) is not None


# --- running a pipeline -------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_run_to_completion_with_increasing_progress(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu = moderately_emulator
    slow_steps(emu)
    pipeline = await moderately_async_client.pipelines.create(name="Docs")
    await pipeline.create_configuration_version(config(), status="current")

    seen: list[tuple[str, float | None]] = []
    execution = await pipeline.run(
        {"documentIds": ["doc_1"]},
        poll_interval=0.01,
        max_poll_interval=0.02,
        on_progress=lambda e: seen.append((e.status, e.progress)),
    )
    assert isinstance(execution, AsyncPipelineExecution)
    assert execution.succeeded
    assert execution.is_terminal
    assert not execution.is_running
    assert execution.pipeline_output == {"echo": {"documentIds": ["doc_1"]}, "fieldCount": 1}
    assert execution.pipeline_input_summary  # the SDK filled in the required summary

    statuses = [status for status, _ in seen]
    assert statuses[0] == "pending"
    assert "running" in statuses
    assert statuses[-1] == "completed"
    fractions = [p for _, p in seen if p is not None]
    assert fractions == sorted(fractions)
    assert len(set(fractions)) >= 3
    assert fractions[-1] == 1.0
    assert emu.stats.count("POST /pipeline-executions") == 1


def test_sync_run_to_completion_with_progress(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    slow_steps(moderately_emulator, steps=3, step_seconds=0.03)
    pipeline = moderately_client.pipelines.create(name="Docs")
    pipeline.create_configuration_version(config(), status="current")
    steps: list[int | None] = []
    execution = pipeline.run(
        {"n": 1}, poll_interval=0.01, on_progress=lambda e: steps.append(e.current_step)
    )
    assert isinstance(execution, PipelineExecution)
    assert execution.status == "completed"
    assert execution.output() == {"echo": {"n": 1}, "fieldCount": 1}
    known = [s for s in steps if s is not None]
    assert known == sorted(known)
    assert known[-1] == 3


@pytest.mark.anyio
async def test_start_returns_at_once_then_wait(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    slow_steps(moderately_emulator)
    pipeline = await moderately_async_client.pipelines.create(name="Docs")
    await pipeline.create_configuration_version(config(), status="current")
    execution = await pipeline.start({"a": 1}, input_summary="One field")
    assert execution.status == "pending"
    assert execution.pipeline_input_summary == "One field"
    same = await execution.wait(poll_interval=0.01, max_poll_interval=0.02)
    assert same is execution
    assert execution.status == "completed"
    assert await pipeline.poll(execution) is not execution  # poll reads a fresh copy


def test_sync_start_then_wait(moderately_client: ModeratelyAI) -> None:
    pipeline = moderately_client.pipelines.create(name="Docs")
    pipeline.create_configuration_version(config(), status="current")
    execution = pipeline.start({"a": 1})
    assert not execution.is_terminal
    assert execution.wait(poll_interval=0.01).succeeded


@pytest.mark.anyio
async def test_run_chooses_current_then_newest_draft_never_archived(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    pipeline = await moderately_async_client.pipelines.create(name="Docs")
    first = await pipeline.create_configuration_version(config("v1"))
    second = await pipeline.create_configuration_version(config("v2"))
    run = await pipeline.run({"x": 1}, poll_interval=0.01)
    assert run.pipeline_configuration_version_id == second.id  # newest draft

    await moderately_async_client.pipeline_configuration_versions.update(first.id, status="current")
    run = await pipeline.run({"x": 1}, poll_interval=0.01)
    assert run.pipeline_configuration_version_id == first.id  # current wins

    run = await pipeline.run({"x": 1}, configuration_version_id=second.id, poll_interval=0.01)
    assert run.pipeline_configuration_version_id == second.id  # explicit wins

    for version in (first, second):
        await moderately_async_client.pipeline_configuration_versions.update(
            version.id, status="archived"
        )
    posts = moderately_emulator.stats.count("POST /pipeline-executions")
    with pytest.raises(InvalidArgumentError, match="no current or draft"):
        await pipeline.run({"x": 1})
    assert moderately_emulator.stats.count("POST /pipeline-executions") == posts


@pytest.mark.anyio
async def test_run_timeout_raises_with_the_last_state(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    slow_steps(moderately_emulator, steps=50, step_seconds=0.5)
    pipeline = await moderately_async_client.pipelines.create(name="Docs")
    await pipeline.create_configuration_version(config(), status="current")
    with pytest.raises(WaitTimeoutError) as caught:
        await pipeline.run({"x": 1}, timeout=0.15, poll_interval=0.02)
    last = caught.value.last
    assert isinstance(last, AsyncPipelineExecution)
    assert not last.is_terminal
    cancelled = await last.cancel("gave up waiting")
    assert cancelled.status == "cancelled"


def test_sync_run_timeout(moderately_emulator: Emulator, moderately_client: ModeratelyAI) -> None:
    slow_steps(moderately_emulator, steps=50, step_seconds=0.5)
    pipeline = moderately_client.pipelines.create(name="Docs")
    pipeline.create_configuration_version(config(), status="current")
    with pytest.raises(WaitTimeoutError) as caught:
        pipeline.run({"x": 1}, timeout=0.1, poll_interval=0.02)
    assert isinstance(caught.value.last, PipelineExecution)


@pytest.mark.anyio
async def test_custom_processor_output_and_failing_processor(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    good = await client.pipelines.create(name="Counter")
    bad = await client.pipelines.create(name="Broken")
    for pipeline in (good, bad):
        await pipeline.create_configuration_version(config(), status="current")

    def count_words(data: dict[str, Any]) -> dict[str, Any]:
        return {"words": len(str(data["text"]).split())}

    def explode(data: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("the model refused the document")

    emu.register_pipeline_processor(count_words, pipeline_id=good.pipeline_id)
    emu.register_pipeline_processor(explode, pipeline_id=bad.pipeline_id)

    done = await good.run({"text": "one two three"}, poll_interval=0.01)
    assert done.succeeded
    assert await done.output() == {"words": 3}

    failed = await bad.run({"text": "x"}, poll_interval=0.01)
    assert failed.status == "failed"
    assert failed.is_terminal
    assert not failed.succeeded
    assert failed.failed_at is not None
    assert failed.error == "the model refused the document"
    with pytest.raises(NotFoundError):
        await failed.output()


# --- hooks --------------------------------------------------------------------------------


class AuditedPipeline(AsyncPipeline):
    """A user subclass whose hooks tag the input and record each run's outcome."""

    outcomes: ClassVar[list[str]] = []

    async def before_run(self, ctx: HookContext[Any]) -> Replace[AsyncPipelineExecution] | None:
        ctx.params["input"] = {**ctx.params["input"], "audited": True}
        return None

    async def after_run(
        self, ctx: HookContext[Any], outcome: Outcome[AsyncPipelineExecution]
    ) -> Replace[AsyncPipelineExecution] | None:
        type(self).outcomes.append(outcome.result.status if outcome.result else "error")
        return None


@pytest.mark.anyio
async def test_pipeline_run_hooks(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    client = moderately_async_client
    plain = await client.pipelines.create(name="Docs")
    await plain.create_configuration_version(config(), status="current")
    pipeline = await AuditedPipeline.get(client, plain.pipeline_id)
    AuditedPipeline.outcomes = []

    run = await pipeline.run({"x": 1}, poll_interval=0.01)
    assert run.pipeline_input == {"x": 1, "audited": True}
    assert AuditedPipeline.outcomes == ["completed"]
    started = await pipeline.start({"y": 2})
    assert started.pipeline_input == {"y": 2, "audited": True}
    assert AuditedPipeline.outcomes == ["completed", "pending"]

    # A client-registered before-hook can skip the run entirely: no request is made.
    posts = moderately_emulator.stats.count("POST /pipeline-executions")

    async def skip(ctx: HookContext[Any]) -> Replace[Any] | None:
        return Replace(started)

    client.hooks.add_before(skip, operation="run", resource=AsyncPipeline)
    assert await plain.run({"z": 3}) is started
    assert moderately_emulator.stats.count("POST /pipeline-executions") == posts
    client.hooks.remove(skip)


# --- bad arguments are refused before any request -----------------------------------------


@pytest.mark.anyio
async def test_bad_arguments_send_nothing(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    pipeline = await client.pipelines.create(name="Docs")
    before = emu.stats.count()
    missing_blocks = {"id": "x", "name": "No blocks"}
    bad_calls: list[Any] = [
        lambda: client.pipelines.create(name=""),
        lambda: client.pipelines.create(name="x" * 256),
        lambda: client.pipelines.update(pipeline.pipeline_id, description="x" * 1001),
        lambda: client.pipelines.retrieve(""),
        lambda: pipeline.run("not a dict"),  # type: ignore[arg-type]
        lambda: pipeline.run({}, input_summary="x" * 1001),
        lambda: pipeline.run({}, poll_interval=0),
        lambda: pipeline.start({}, configuration_version_id=""),
        lambda: pipeline.create_configuration_version(missing_blocks),
        lambda: pipeline.create_configuration_version(config(), status="live"),  # type: ignore[arg-type]
        lambda: client.pipeline_configuration_versions.update("v", status="gone"),  # type: ignore[arg-type]
        lambda: client.pipeline_configuration_versions.validate("nope"),  # type: ignore[arg-type]
        lambda: client.pipeline_configuration_versions.clone(""),
    ]
    for call in bad_calls:
        with pytest.raises(InvalidArgumentError):
            await call()
    with pytest.raises(InvalidArgumentError):
        client.pipelines.list(page_size=0)
    with pytest.raises(InvalidArgumentError):
        client.pipelines.list(order_by="size")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        client.pipeline_configuration_versions.list(statuses=["draft", "lost"])  # type: ignore[list-item]
    assert emu.stats.count() == before


def test_sync_bad_arguments_send_nothing(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    pipeline = moderately_client.pipelines.create(name="Docs")
    before = moderately_emulator.stats.count()
    with pytest.raises(InvalidArgumentError):
        pipeline.run(["a", "list"])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        pipeline.create_configuration_version({"id": 1, "name": "n", "blocks": {}})
    assert moderately_emulator.stats.count() == before


def test_sync_pipeline_helpers(moderately_client: ModeratelyAI) -> None:
    client = moderately_client
    pipeline = client.pipelines.create(name="Docs")
    other = client.pipelines.create(name="Other")
    assert pipeline.current_configuration_version() is None
    version = pipeline.create_configuration_version(config())
    other.create_configuration_version(config())
    current = pipeline.current_configuration_version()
    assert current is not None
    assert current.id == version.id
    first = pipeline.run({"a": 1}, poll_interval=0.01)
    other.run({"b": 2}, poll_interval=0.01)
    assert [e.id for e in pipeline.executions()] == [first.id]
    assert [e.id for e in pipeline.executions(statuses="failed")] == []
    client.pipelines.delete(other.pipeline_id)
    assert [p.name for p in client.pipelines.list()] == ["Docs"]


@pytest.mark.anyio
async def test_async_pipeline_executions_listing(
    moderately_async_client: AsyncModeratelyAI,
) -> None:
    pipeline = await moderately_async_client.pipelines.create(name="Docs")
    await pipeline.create_configuration_version(config())
    runs = [await pipeline.run({"i": i}, poll_interval=0.01) for i in range(3)]
    listed = [e.id async for e in pipeline.executions(page_size=2, order_by="created_at")]
    assert listed == [r.id for r in runs]
    fetched = await moderately_async_client.pipelines.retrieve(pipeline.pipeline_id)
    assert fetched.total_runs == 3
    assert fetched.last_run_at is not None


def test_run_summary_limit_is_the_execution_bodys_limit() -> None:
    # run() checks and fills the summary against its own constant, but the summary is sent in
    # PipelineExecutionCreate: a change to either limit alone would let them drift apart.
    from moderately._async.resources.pipeline_executions import PipelineExecutionCreate
    from moderately._async.resources.pipelines import SUMMARY_LIMIT, PipelineRun

    def body(summary: str) -> PipelineExecutionCreate:
        return PipelineExecutionCreate.check(
            pipeline_configuration_version_id="v", pipeline_input={}, pipeline_input_summary=summary
        )

    body("x" * SUMMARY_LIMIT)
    PipelineRun.check(input={}, input_summary="x" * SUMMARY_LIMIT)
    with pytest.raises(InvalidArgumentError):
        body("x" * (SUMMARY_LIMIT + 1))
    with pytest.raises(InvalidArgumentError):
        PipelineRun.check(input={}, input_summary="x" * (SUMMARY_LIMIT + 1))
