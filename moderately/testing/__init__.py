"""Local emulator of the Moderately platform, for development and tests.

Public names: `Emulator` (serve it), `EmulatorConfig` / `ExecutionTiming` (tune it),
`Identity` (what `Emulator.new_identity()` returns), `FaultInjector` / `FaultRule` and
`RequestStats` (``emu.faults`` / ``emu.stats``), `DataSettings` (``emu.config.data``: storage,
dataset processing and pipeline run timing), `BlobStore` (``emu.storage``: stored bytes and
download faults) and `PipelineProcessor` (what ``emu.register_pipeline_processor`` takes).
Internals for writing route families are described in `_app.py`.
"""

from __future__ import annotations

from ._blobs import BlobStore
from ._config import DataSettings, EmulatorConfig, ExecutionTiming
from ._emulator import Emulator, Identity
from ._faults import FaultInjector, FaultRule, RequestStats
from ._pipeline_runs import PipelineProcessor

__all__ = [
    "BlobStore",
    "DataSettings",
    "Emulator",
    "EmulatorConfig",
    "ExecutionTiming",
    "FaultInjector",
    "FaultRule",
    "Identity",
    "PipelineProcessor",
    "RequestStats",
]
