"""The Runnable mixin over a real socket, on a test-only ``/jobs`` resource (async and sync)."""

from __future__ import annotations

import time
from typing import Any, ClassVar

import pytest
from _fake_platform import FakePlatform
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from moderately import (
    AsyncModeratelyAI,
    HookContext,
    ModeratelyAI,
    NotFoundError,
    Operation,
    Outcome,
    Replace,
    WaitTimeoutError,
)
from moderately._async._resource import AsyncGettable, AsyncRunnable
from moderately._sync._resource import Gettable, Runnable

PROGRESS = ["pending", "running", "running", "completed"]
NEVER_DONE = ["pending", "running"]


class Execution(BaseModel):
    """One run of a job, as the test server reports it."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")

    execution_id: str
    job_id: str
    status: str
    input: dict[str, Any] = Field(default_factory=dict)

    @property
    def is_terminal(self) -> bool:
        return self.status in ("completed", "failed")


class AsyncJob(AsyncGettable, AsyncRunnable[Execution]):
    """A test resource that can be run: ``POST /jobs/{id}/executions`` then poll it."""

    _path: ClassVar[str] = "/jobs"
    _id_field: ClassVar[str] = "job_id"

    job_id: str = Field(frozen=True)
    name: str

    async def _start_execution(self, params: dict[str, Any]) -> Execution:
        response = await self.client._request("POST", f"/jobs/{self.id}/executions", json=params)
        return Execution.model_validate_json(response.content)

    async def _poll_execution(self, execution: Execution) -> Execution:
        path = f"/jobs/{self.id}/executions/{execution.execution_id}"
        return Execution.model_validate_json((await self.client._request("GET", path)).content)


class Job(Gettable, Runnable[Execution]):
    """The sync twin of AsyncJob, on the generated sync mixins."""

    _path: ClassVar[str] = "/jobs"
    _id_field: ClassVar[str] = "job_id"

    job_id: str = Field(frozen=True)
    name: str

    def _start_execution(self, params: dict[str, Any]) -> Execution:
        response = self.client._request("POST", f"/jobs/{self.id}/executions", json=params)
        return Execution.model_validate_json(response.content)

    def _poll_execution(self, execution: Execution) -> Execution:
        path = f"/jobs/{self.id}/executions/{execution.execution_id}"
        return Execution.model_validate_json(self.client._request("GET", path).content)


def _polls(platform: FakePlatform, job_id: str) -> list[int | None]:
    prefix = f"/jobs/{job_id}/executions/"
    return [r.status for r in platform.seen(method="GET") if r.path.startswith(prefix)]


# --------------------------------------------------------------------------- async


@pytest.mark.anyio
async def test_start_returns_at_once_and_poll_reads_once(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    job_id = platform.add_job("Nightly", PROGRESS)
    async with AsyncModeratelyAI(**client_kwargs) as client:
        job = await AsyncJob.get(client, job_id)
        execution = await job.start(prompt="hello")
        assert execution.status == "pending"
        assert _polls(platform, job_id) == []
        again = await job.poll(execution)
    assert again.status == "running"
    assert again.execution_id == execution.execution_id
    (post,) = platform.seen(method="POST")
    assert post.body == {"prompt": "hello"}
    assert _polls(platform, job_id) == [200]


@pytest.mark.anyio
async def test_run_polls_to_terminal_with_progress(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    job_id = platform.add_job("Nightly", PROGRESS)
    progress: list[str] = []
    async with AsyncModeratelyAI(**client_kwargs) as client:
        job = await AsyncJob.get(client, job_id)
        done = await job.run(
            poll_interval=0.01, on_progress=lambda e: progress.append(e.status), prompt="x"
        )
    assert done.status == "completed"
    assert done.input == {"prompt": "x"}
    assert progress == PROGRESS
    assert _polls(platform, job_id) == [200, 200, 200]
    assert len(platform.peers()) == 1


@pytest.mark.anyio
async def test_run_timeout_raises_with_last_state(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    job_id = platform.add_job("Stuck", NEVER_DONE)
    timeout, interval = 0.3, 0.05
    async with AsyncModeratelyAI(**client_kwargs) as client:
        job = await AsyncJob.get(client, job_id)
        started = time.monotonic()
        with pytest.raises(WaitTimeoutError) as info:
            await job.run(timeout=timeout, poll_interval=interval, max_poll_interval=0.1)
        elapsed = time.monotonic() - started
    assert isinstance(info.value, TimeoutError)
    assert isinstance(info.value.last, Execution)
    assert info.value.last.status == "running"
    assert timeout <= elapsed < timeout + 0.1 + 0.5
    assert len(_polls(platform, job_id)) >= 2


@pytest.mark.anyio
async def test_run_never_sleeps_past_the_deadline(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    job_id = platform.add_job("Stuck", NEVER_DONE)
    async with AsyncModeratelyAI(**client_kwargs) as client:
        job = await AsyncJob.get(client, job_id)
        started = time.monotonic()
        with pytest.raises(WaitTimeoutError) as info:
            await job.run(timeout=0.2, poll_interval=30.0, max_poll_interval=60.0)
        elapsed = time.monotonic() - started
    assert elapsed < 0.2 + 0.5
    assert info.value.last.status in ("pending", "running")


@pytest.mark.anyio
async def test_run_polls_through_transient_failures(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    job_id = platform.add_job("Flaky", PROGRESS)
    progress: list[str] = []
    # No transport retries: the 503s and the broken connections reach the polling loop.
    async with AsyncModeratelyAI(**client_kwargs, max_retries=0) as client:
        job = await AsyncJob.get(client, job_id)
        platform.fail_next(2, 503, path=f"/jobs/{job_id}/executions/")
        platform.drop_next(2, path=f"/jobs/{job_id}/executions/")
        done = await job.run(poll_interval=0.01, on_progress=lambda e: progress.append(e.status))
    assert done.status == "completed"
    assert progress == PROGRESS
    assert _polls(platform, job_id).count(503) == 2
    assert _polls(platform, job_id).count(None) == 2
    assert _polls(platform, job_id).count(200) == 3


@pytest.mark.anyio
async def test_run_raises_a_404_while_polling(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    job_id = platform.add_job("Vanishing", NEVER_DONE)
    outcomes: list[Outcome[Any]] = []

    async def after(ctx: HookContext[Any], outcome: Outcome[Any]) -> None:
        outcomes.append(outcome)

    async with AsyncModeratelyAI(**client_kwargs) as client:
        client.hooks.add_after(after, operation="run")
        job = await AsyncJob.get(client, job_id)
        platform.fail_next(1, 404, path=f"/jobs/{job_id}/executions/")
        started = time.monotonic()
        with pytest.raises(NotFoundError) as info:
            await job.run(timeout=10.0, poll_interval=0.01)
    assert time.monotonic() - started < 2.0
    assert outcomes[0].error is info.value
    assert _polls(platform, job_id) == [404]


@pytest.mark.anyio
async def test_before_and_after_run_hooks(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    job_id = platform.add_job("Nightly", PROGRESS)
    calls: list[str] = []

    class DryRunJob(AsyncJob):
        async def before_run(self, ctx: HookContext[Any]) -> Replace[Execution] | None:
            calls.append(f"model before {sorted(ctx.params)}")
            if ctx.params.get("dry_run"):
                return Replace(Execution(execution_id="dry", job_id=self.id, status="completed"))
            ctx.params["stamp"] = "by-hook"
            return None

        async def after_run(
            self, ctx: HookContext[Any], outcome: Outcome[Execution]
        ) -> Replace[Execution] | None:
            assert outcome.result is not None
            calls.append(f"model after {outcome.result.status}")
            return Replace(outcome.result.model_copy(update={"status": "completed"}))

    async def client_before(ctx: HookContext[Any]) -> None:
        assert ctx.operation is Operation.RUN
        assert isinstance(ctx.instance, DryRunJob)
        calls.append("client before")

    async with AsyncModeratelyAI(**client_kwargs) as client:
        client.hooks.add_before(client_before, operation="run", resource=AsyncJob)
        job = await DryRunJob.get(client, job_id)
        dry = await job.run(dry_run=True, poll_interval=0.01)
        assert platform.seen(method="POST") == []
        started = await job.start(prompt="go")
    assert dry.execution_id == "dry"
    assert started.status == "completed"
    assert started.input == {"prompt": "go", "stamp": "by-hook"}
    assert calls == [
        "client before",
        "model before ['dry_run']",
        "client before",
        "model before ['prompt']",
        "model after pending",
    ]
    assert _polls(platform, job_id) == []


# --------------------------------------------------------------------------- sync


def test_sync_run_with_progress_and_transient_failures(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    job_id = platform.add_job("Nightly", PROGRESS)
    progress: list[str] = []
    with ModeratelyAI(**client_kwargs, max_retries=0) as client:
        job = Job.get(client, job_id)
        first = job.start(prompt="a")
        assert first.status == "pending"
        platform.fail_next(1, 503, path=f"/jobs/{job_id}/executions/")
        done = job.run(poll_interval=0.01, on_progress=lambda e: progress.append(e.status))
    assert done.status == "completed"
    assert progress == PROGRESS
    assert _polls(platform, job_id) == [503, 200, 200, 200]
    assert len(platform.peers()) == 1


def test_sync_run_timeout_and_404(platform: FakePlatform, client_kwargs: dict[str, Any]) -> None:
    job_id = platform.add_job("Stuck", NEVER_DONE)
    with ModeratelyAI(**client_kwargs) as client:
        job = Job.get(client, job_id)
        started = time.monotonic()
        with pytest.raises(WaitTimeoutError) as info:
            job.run(timeout=0.25, poll_interval=5.0)
        elapsed = time.monotonic() - started
        platform.fail_next(1, 404, path=f"/jobs/{job_id}/executions/")
        with pytest.raises(NotFoundError):
            job.run(timeout=10.0, poll_interval=0.01)
    assert 0.25 <= elapsed < 0.25 + 0.5
    assert info.value.last.status in ("pending", "running")


def test_sync_run_hooks(platform: FakePlatform, client_kwargs: dict[str, Any]) -> None:
    job_id = platform.add_job("Nightly", PROGRESS)

    class Cached(Job):
        def before_run(self, ctx: HookContext[Any]) -> Replace[Execution] | None:
            return Replace(Execution(execution_id="cached", job_id=self.id, status="completed"))

    finals: list[str] = []

    def after(ctx: HookContext[Any], outcome: Outcome[Any]) -> None:
        finals.append(outcome.result.status)

    with ModeratelyAI(**client_kwargs) as client:
        client.hooks.add_after(after, operation=Operation.RUN)
        cached = Cached.get(client, job_id).run()
        plain = Job.get(client, job_id).run(poll_interval=0.01)
    assert cached.execution_id == "cached"
    assert plain.status == "completed"
    # The skipped run runs no after-hooks; the real one does, once, with the final state.
    assert finals == ["completed"]
    assert len(platform.seen(method="POST")) == 1


@pytest.mark.anyio
async def test_a_slow_poll_does_not_overshoot_the_deadline(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    job_id = platform.add_job("Slow", NEVER_DONE)
    async with AsyncModeratelyAI(**client_kwargs) as client:
        job = await AsyncJob.get(client, job_id)
        platform.delay_next(1, 1.5, path=f"/jobs/{job_id}/executions/")
        started = time.monotonic()
        with pytest.raises(WaitTimeoutError):
            await job.run(timeout=0.2, poll_interval=0.05)
        elapsed = time.monotonic() - started
    assert elapsed < 0.2 + 0.05 + 0.5


def test_a_slow_poll_does_not_overshoot_the_deadline_sync(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    job_id = platform.add_job("Slow", NEVER_DONE)
    with ModeratelyAI(**client_kwargs) as client:
        job = Job.get(client, job_id)
        platform.delay_next(1, 1.5, path=f"/jobs/{job_id}/executions/")
        started = time.monotonic()
        with pytest.raises(WaitTimeoutError):
            job.run(timeout=0.2, poll_interval=0.05)
        elapsed = time.monotonic() - started
    assert elapsed < 0.2 + 0.05 + 0.5
