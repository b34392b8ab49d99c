"""Emulator settings: how long simulated executions take and how they end.

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


@dataclass
class EmulatorConfig:
    """Per-emulator settings; mutable while the emulator runs."""

    agent_execution: ExecutionTiming = field(default_factory=ExecutionTiming)
    # Failed logins per email allowed before /authentication/login answers 429.
    login_attempts_before_429: int = 5
    login_lockout_seconds: float = 60.0

    @classmethod
    def fast(cls) -> EmulatorConfig:
        """Return settings where executions finish within a few tens of milliseconds."""
        timing = ExecutionTiming(pending_seconds=0.01, step_seconds=0.01, steps=3)
        return cls(agent_execution=timing)


def get_config(request: web.Request) -> EmulatorConfig:
    """Return the settings of the emulator serving `request`."""
    return request.app[CONFIG_KEY]


CONFIG_KEY = web.AppKey("moderately.config", EmulatorConfig)
