"""Emulator settings: how long simulated executions take and how they end.

`DataSettings` (``config.data``) tunes the files, datasets and pipelines families: presigned
URL lifetime, when uploads spill to disk, dataset processing timing and outcome, pipeline run
timing and the size above which pipeline outputs are served from storage.

`EmulatorConfig` is handed to `Emulator(config=...)` and lives on `emu.config`; route
families read it through `get_config(request)` (see `_app.py`). Durations are seconds
so tests can shrink them to milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from aiohttp import web

ExecutionOutcome = Literal["completed", "failed"]


@dataclass
class ExecutionTiming:
    """Timing and outcome of a simulated execution (agent runs; reusable by other families)."""

    pending_seconds: float = 0.5
    step_seconds: float = 0.5
    steps: int = 4
    outcome: ExecutionOutcome = "completed"

    def total_seconds(self) -> float:
        """Return the time from creation to the terminal state."""
        return self.pending_seconds + self.step_seconds * self.steps


DatasetOutcome = Literal["completed", "failed"]


@dataclass
class DataSettings:
    """Settings of the files, datasets and pipelines families (storage, processing, runs)."""

    # Lifetime of presigned storage URLs (upload and download).
    presign_ttl_seconds: float = 3600.0
    # Uploads larger than this spill from memory to a temporary file.
    spool_max_memory_bytes: int = 8 * 1024 * 1024
    # A dataset waits this long in ``needs-processing``, then is ``in_progress`` this long.
    dataset_queue_seconds: float = 0.5
    dataset_processing_seconds: float = 1.0
    dataset_processing_outcome: DatasetOutcome = "completed"
    pipeline_execution: ExecutionTiming = field(default_factory=ExecutionTiming)
    # Pipeline outputs whose JSON is larger than this are served by presigned URL.
    inline_output_max_bytes: int = 256 * 1024

    @classmethod
    def fast(cls) -> DataSettings:
        """Return settings where processing and runs finish within a few tens of milliseconds."""
        timing = ExecutionTiming(pending_seconds=0.01, step_seconds=0.01, steps=3)
        return cls(
            dataset_queue_seconds=0.01, dataset_processing_seconds=0.02, pipeline_execution=timing
        )


@dataclass
class EmulatorConfig:
    """Per-emulator settings; mutable while the emulator runs."""

    agent_execution: ExecutionTiming = field(default_factory=ExecutionTiming)
    data: DataSettings = field(default_factory=DataSettings)
    # Failed logins per email allowed before /authentication/login answers 429.
    login_attempts_before_429: int = 5
    login_lockout_seconds: float = 60.0

    @classmethod
    def fast(cls) -> EmulatorConfig:
        """Return settings where executions finish within a few tens of milliseconds."""
        timing = ExecutionTiming(pending_seconds=0.01, step_seconds=0.01, steps=3)
        return cls(agent_execution=timing, data=DataSettings.fast())


def get_config(request: web.Request) -> EmulatorConfig:
    """Return the settings of the emulator serving `request`."""
    return request.app[CONFIG_KEY]


CONFIG_KEY = web.AppKey("moderately.config", EmulatorConfig)
