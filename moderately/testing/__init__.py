"""Local emulator of the Moderately platform, for development and tests.

Public names: `Emulator` (serve it), `EmulatorConfig` / `ExecutionTiming` (tune it),
`Identity` (what `Emulator.new_identity()` returns), `FaultInjector` / `FaultRule` and
`RequestStats` (``emu.faults`` / ``emu.stats``). Internals for writing route families are
described in `_app.py`.
"""

from __future__ import annotations

from ._config import EmulatorConfig, ExecutionTiming
from ._emulator import Emulator, Identity
from ._faults import FaultInjector, FaultRule, RequestStats

__all__ = [
    "Emulator",
    "EmulatorConfig",
    "ExecutionTiming",
    "FaultInjector",
    "FaultRule",
    "Identity",
    "RequestStats",
]
