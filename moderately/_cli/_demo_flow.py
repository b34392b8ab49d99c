"""The workflow ``moderately demo`` runs, through the public sync SDK only, and its cleanup."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import NotFoundError, WaitTimeoutError
from .._sync._client import ModeratelyAI
from .._sync.resources.datasets import Dataset
from .._sync.resources.pipelines import Pipeline
from ._context import Context
from ._demo_data import HAND_WRITTEN_COLUMNS, SAMPLE_NAME, SAMPLE_ROWS, pipeline_configuration
from ._demo_data import sample_csv as make_sample
from ._executions import wait_with_bar
from ._output import human_size

STEPS = 9


@dataclass
class SummaryRow:
    """One line of the demo's summary table."""

    step: str
    id: str | None
    detail: str
    seconds: float


@dataclass
class Created:
    """Everything the demo made on the platform, so cleanup can remove it."""

    files: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    pipelines: list[str] = field(default_factory=list)

    def count(self) -> str:
        """``1 file, 1 dataset, 1 pipeline``."""
        parts = [(len(self.files), "file"), (len(self.datasets), "dataset")]
        parts.append((len(self.pipelines), "pipeline"))
        return ", ".join(f"{n} {what}{'' if n == 1 else 's'}" for n, what in parts)


class Workflow:
    """Runs the demo's steps on ``client``, narrating each one and timing it."""

    def __init__(self, ctx: Context, client: ModeratelyAI, workdir: Path) -> None:
        """Prepare a run that keeps its local files in ``workdir``."""
        self.ctx = ctx
        self.client = client
        self.workdir = workdir
        self.rows: list[SummaryRow] = []
        self.created = Created()
        self.output: Any = None
        self.left_behind: list[str] = []
        self._number = 0
        self.name = f"moderately-demo-{secrets.token_hex(3)}"

    # -- narration -----------------------------------------------------------------------

    def say(self, message: str) -> None:
        """One narration line (see ``Output.narrate``)."""
        self.ctx.out.narrate(message)

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        """Announce step ``title`` with its number."""
        self._number += 1
        self.say(f"[{self._number}/{STEPS}] {title}")
        yield

    def record(self, step: str, id: str | None, detail: str, started: float) -> None:
        """Add a summary row and narrate its detail."""
        seconds = time.monotonic() - started
        self.rows.append(SummaryRow(step, id, detail, seconds))
        self.say(f"      {step}: {id + '  ' if id else ''}{detail}  ({seconds:.2f} s)")

    # -- the workflow --------------------------------------------------------------------

    def run(self) -> None:
        """Every step, in order; raises the first failure (cleanup is the caller's)."""
        sample = self._write_sample()
        self._upload_file(sample)
        dataset = self._dataset(sample)
        self._schemas(dataset, sample)
        pipeline, configuration = self._pipeline()
        self._validate(configuration)
        execution_id = self._execute(pipeline)
        self._fetch_output(execution_id)

    def _write_sample(self) -> Path:
        with self.step(f"Writing a sample CSV of {SAMPLE_ROWS} comments to a temporary folder"):
            started = time.monotonic()
            path = self.workdir / SAMPLE_NAME
            path.write_bytes(make_sample())
            detail = f"{SAMPLE_ROWS} rows, {human_size(path.stat().st_size)}"
            self.record("sample CSV", SAMPLE_NAME, detail, started)
        return path

    def _upload_file(self, sample: Path) -> None:
        with self.step(f"Uploading {sample.name} as a file"):
            started = time.monotonic()
            bar = self.ctx.bar(f"      uploading {sample.name}")
            try:
                file = self.client.files.upload(sample, progress=bar)
            finally:
                bar.close()
            self.created.files.append(file.file_id)
            detail = f"{human_size(file.file_size)}, {file.mime_type}, {file.upload_status}"
            self.record("file", file.file_id, detail, started)

    def _dataset(self, sample: Path) -> Dataset:
        with self.step(f"Creating dataset {self.name!r} and a data version from the sample"):
            started = time.monotonic()
            dataset = self.client.datasets.create(
                name=self.name, description="Sample comments (created by moderately demo)"
            )
            self.created.datasets.append(dataset.dataset_id)
            self.record("dataset", dataset.dataset_id, dataset.name, started)
            started = time.monotonic()
            bar = self.ctx.bar(f"      uploading data {sample.name}")
            try:
                version = dataset.upload_data(sample, progress=bar)
            finally:
                bar.close()
            rows = version.row_count
            counted = f"{rows} rows" if rows is not None else f"{SAMPLE_ROWS} rows (in the sample)"
            detail = f"version {version.version_no}, {version.file_type}, {counted}"
            self.record("data version", version.dataset_data_version_id, detail, started)
        return dataset

    def _schemas(self, dataset: Dataset, sample: Path) -> None:
        with self.step("Defining the dataset's schema by hand, then inferring one from the sample"):
            started = time.monotonic()
            defined = dataset.create_schema(HAND_WRITTEN_COLUMNS, status="draft")
            detail = (
                f"version {defined.version_no}, {defined.status}, {len(defined.columns)} columns"
            )
            self.record("schema (defined)", defined.dataset_schema_version_id, detail, started)
            started = time.monotonic()
            inferred = dataset.create_schema_from_sample(sample, status="current")
            types = ", ".join(f"{c.name}:{c.type}" for c in inferred.columns)
            detail = f"version {inferred.version_no}, {inferred.status}: {types}"
            self.record("schema (inferred)", inferred.dataset_schema_version_id, detail, started)
            started = time.monotonic()
            dataset.process()
            self._follow_processing(dataset)
            count = dataset.record_count
            detail = f"processing {dataset.processing_status}" + (
                f", {count} records" if count is not None else ""
            )
            self.record("dataset processed", dataset.dataset_id, detail, started)

    def _follow_processing(self, dataset: Dataset) -> None:
        # wait_until_processed takes no progress callback, so the bar polls by itself first.
        bar = self.ctx.bar("      processing", unit="steps")
        started = time.monotonic()
        try:
            while True:
                fresh = self.client.datasets.retrieve(dataset.dataset_id)
                elapsed = time.monotonic() - started
                bar.update(0, note=f"{fresh.processing_status}  {elapsed:.1f} s")
                if not fresh.is_processing:
                    break
                if elapsed > self.ctx.wait_timeout:
                    raise WaitTimeoutError(
                        f"dataset {dataset.dataset_id} was still {fresh.processing_status} "
                        f"after {elapsed:.1f} s",
                        last=fresh,
                    )
                time.sleep(0.1)
        finally:
            bar.close()
        dataset.wait_until_processed(poll_interval=0.1)  # ended: this only reloads the object

    def _pipeline(self) -> tuple[Pipeline, dict[str, Any]]:
        with self.step(f"Creating pipeline {self.name!r} with a configuration version"):
            started = time.monotonic()
            pipeline = self.client.pipelines.create(
                name=self.name, description="Moderates comments (created by moderately demo)"
            )
            self.created.pipelines.append(pipeline.pipeline_id)
            self.record("pipeline", pipeline.pipeline_id, pipeline.name, started)
            started = time.monotonic()
            configuration = pipeline_configuration(self.name)
            version = pipeline.create_configuration_version(configuration, status="current")
            blocks = len(configuration["blocks"])
            detail = f"version {version.version}, {version.status}, {blocks} blocks"
            self.record("configuration", version.pipeline_configuration_version_id, detail, started)
        return pipeline, configuration

    def _validate(self, configuration: dict[str, Any]) -> None:
        with self.step("Validating the configuration on the platform"):
            started = time.monotonic()
            verdict = self.client.pipeline_configuration_versions.validate(configuration)
            detail = (
                f"{'valid' if verdict.valid else 'INVALID'}, {len(verdict.errors)} errors, "
                f"{len(verdict.warnings)} warnings"
            )
            self.record("validation", None, detail, started)
            if not verdict.valid:
                problems = "; ".join(p.message for p in verdict.errors)
                raise RuntimeError(f"the demo's configuration was refused: {problems}")

    def _execute(self, pipeline: Pipeline) -> str:
        with self.step("Running the pipeline and following the execution"):
            started = time.monotonic()
            execution = pipeline.start(
                {"comment": "Buy cheap followers now, click here", "dataset": self.name}
            )
            wait_with_bar(
                self.ctx,
                execution,
                poll_interval=0.2,
                max_poll_interval=0.3,
                label=f"      execution {execution.pipeline_execution_id}",
            )
            steps = f"{execution.current_step}/{execution.total_steps} steps"
            self.record(
                "execution",
                execution.pipeline_execution_id,
                f"{execution.status}, {steps}",
                started,
            )
            if not execution.succeeded:
                why = execution.error or "no reason given"
                raise RuntimeError(f"the execution ended {execution.status}: {why}")
        return execution.pipeline_execution_id

    def _fetch_output(self, execution_id: str) -> None:
        with self.step("Fetching the execution's output"):
            started = time.monotonic()
            self.output = self.client.pipeline_executions.get_output(execution_id)
            keys = (
                ", ".join(self.output)
                if isinstance(self.output, dict)
                else type(self.output).__name__
            )
            self.record("output", execution_id, f"fields: {keys}", started)

    # -- cleanup -------------------------------------------------------------------------

    def cleanup(self) -> None:
        """Delete what the demo created, each even when another fails; then check it is gone."""
        self._number = STEPS - 1
        with self.step(f"Cleaning up: deleting {self.created.count()}"):
            started = time.monotonic()
            namespaces: list[tuple[str, list[str], Any]] = [
                ("pipeline", self.created.pipelines, self.client.pipelines),
                ("dataset", self.created.datasets, self.client.datasets),
                ("file", self.created.files, self.client.files),
            ]
            for what, ids, namespace in namespaces:
                for resource_id in ids:
                    try:
                        namespace.delete(resource_id)
                    except Exception as exc:  # keep going: the others still get deleted
                        self.say(f"      could not delete {what} {resource_id}: {exc}")
            for what, ids, namespace in namespaces:
                for resource_id in ids:
                    if not _is_gone(namespace, resource_id):
                        self.left_behind.append(f"{what} {resource_id}")
            if self.left_behind:
                detail = "left behind: " + ", ".join(self.left_behind)
            else:
                detail = f"deleted {self.created.count()}; checked: nothing left behind"
            self.record("cleanup", None, detail, started)


def _is_gone(namespace: Any, resource_id: str) -> bool:
    try:
        namespace.retrieve(resource_id)
    except NotFoundError:
        return True
    except Exception:  # unknown (the platform is unreachable): not proven gone
        return False
    return False
