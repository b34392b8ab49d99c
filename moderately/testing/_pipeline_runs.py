"""Simulated pipeline executions: processors, and the timeline an execution follows.

Nothing runs in the background. An execution keeps the `ExecutionTiming` of
``DataSettings.pipeline_execution`` taken at creation (``_timing``); `settle` brings it up to
date whenever it is read:

* ``pending`` for ``pending_seconds``; then ``running`` (``startedAt`` set) with
  ``currentStep`` advancing one step per ``step_seconds`` from the requested ``currentStep``
  (default 0) to ``totalSteps`` (default ``timing.steps``), ``progressData`` telling the
  percentage and step;
* at the end, the pipeline's processor turns ``pipelineInput`` into ``pipelineOutput``
  (``completed``, ``completedAt``); if the processor raises, or the timing's outcome is
  ``failed``, the execution is ``failed`` (``failedAt``, the message in
  ``progressData.error``).

Outputs whose JSON exceeds ``DataSettings.inline_output_max_bytes`` go to storage:
``pipelineOutput`` is then null and ``pipelineOutputFileUri`` names the object.

Once a worker ``PATCH``es an execution or it is cancelled, the timeline stops (``_manual``)
and the stored fields are the truth.

Processors (``emu.register_pipeline_processor(fn, pipeline_id=None)``) take the input dict
and return the output: a dict, or anything else (wrapped as ``{"result": value}``), directly
or as an awaitable. Sync processors run on the emulator's loop, so keep them quick. The
default, `echo_processor`, is deterministic.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from ._blobs import BlobOwner, BlobStore
from ._config import DataSettings, ExecutionTiming
from ._ids import iso, parse_iso, utcnow
from ._state import Record

PipelineProcessor = Callable[[dict[str, Any]], Any | Awaitable[Any]]
EXECUTIONS = "pipeline_executions"
TERMINAL = frozenset({"completed", "failed", "cancelled"})
OUTPUT_BUCKET = "s3://moderately-emulator"


def echo_processor(pipeline_input: dict[str, Any]) -> dict[str, Any]:
    """Return the input back with a count of its fields (the default processor)."""
    return {"echo": pipeline_input, "fieldCount": len(pipeline_input)}


class PipelineProcessors:
    """The processors of one emulator: a default and per-pipeline overrides."""

    def __init__(self) -> None:
        """Start with `echo_processor` for every pipeline."""
        self.default: PipelineProcessor = echo_processor
        self.by_pipeline: dict[str, PipelineProcessor] = {}
        self.locks: dict[str, asyncio.Lock] = {}

    def register(self, fn: PipelineProcessor, pipeline_id: str | None = None) -> None:
        """Use `fn` for executions of `pipeline_id`, or for every pipeline without its own."""
        if pipeline_id is None:
            self.default = fn
        else:
            self.by_pipeline[pipeline_id] = fn

    def for_pipeline(self, pipeline_id: str) -> PipelineProcessor:
        """Return the processor executions of `pipeline_id` use."""
        return self.by_pipeline.get(pipeline_id, self.default)


def new_execution(
    fields: dict[str, Any], pipeline_id: str, team_id: str, timing: ExecutionTiming
) -> Record:
    """Return a fresh pending execution record."""
    stamp = iso(utcnow())
    start_step = fields.get("currentStep") or 0
    total = fields.get("totalSteps") or max(timing.steps, start_step, 1)
    return {
        "pipelineExecutionId": fields["pipelineExecutionId"],
        "pipelineConfigurationVersionId": fields["pipelineConfigurationVersionId"],
        "pipelineInput": fields["pipelineInput"],
        "pipelineInputSummary": fields["pipelineInputSummary"],
        "pipelineOutput": None,
        "pipelineOutputSummary": None,
        "status": "pending",
        "progressData": {"percentage": 0, "message": "Queued"},
        "pipelineOutputFileUri": None,
        "currentStep": start_step,
        "totalSteps": total,
        "createdAt": stamp,
        "updatedAt": stamp,
        "startedAt": None,
        "completedAt": None,
        "failedAt": None,
        "cancelledAt": None,
        "pausedAt": None,
        "_teamId": team_id,
        "_pipelineId": pipeline_id,
        "_timing": asdict(timing),
        "_startStep": start_step,
        "_manual": False,
        "_outputKey": None,
    }


def _progress(step: int, total: int) -> dict[str, Any]:
    percentage = round(100 * step / total) if total else 100
    return {
        "percentage": percentage,
        "currentStep": step,
        "totalSteps": total,
        "message": f"Running step {step + 1} of {total}" if step < total else "Finished",
    }


def _advance(execution: Record, now: datetime) -> datetime | None:
    """Update a simulated execution to `now`; return its end instant once it is due."""
    if execution["_manual"] or execution["status"] in TERMINAL:
        return None
    timing = execution["_timing"]
    created = parse_iso(execution["createdAt"])
    started = created + timedelta(seconds=timing["pending_seconds"])
    if now < started:
        return None
    start_step = execution["_startStep"]
    total = execution["totalSteps"]
    steps_left = max(total - start_step, 0)
    end = started + timedelta(seconds=timing["step_seconds"] * steps_left)
    if execution["status"] == "pending":
        execution["status"] = "running"
        execution["startedAt"] = iso(started)
    if now >= end:
        return end
    done = int((now - started).total_seconds() / timing["step_seconds"]) if steps_left else 0
    step = min(start_step + done, total - 1)
    if step != execution["currentStep"] or execution["progressData"].get("currentStep") != step:
        execution["currentStep"] = step
        execution["progressData"] = _progress(step, total)
        execution["updatedAt"] = iso(started + timedelta(seconds=timing["step_seconds"] * done))
    return None


def store_output(
    execution: Record, output: dict[str, Any] | None, store: BlobStore, settings: DataSettings
) -> None:
    """Set the execution's output inline, or in storage when it is larger than the threshold."""
    if execution["_outputKey"] is not None:
        store.delete(execution["_outputKey"])
        execution["_outputKey"] = None
    execution["pipelineOutputFileUri"] = None
    execution["pipelineOutput"] = output
    if output is None:
        return
    data = json.dumps(output, separators=(",", ":")).encode()
    if len(data) <= settings.inline_output_max_bytes:
        return
    key = f"pipeline-executions/{execution['pipelineExecutionId']}/output.json"
    store.put_bytes(key, data, "application/json")
    owner = BlobOwner(execution["_teamId"], "pipeline_execution", execution["pipelineExecutionId"])
    store.set_owner(key, owner)
    store.seal(key)
    execution["_outputKey"] = key
    execution["pipelineOutput"] = None
    execution["pipelineOutputFileUri"] = f"{OUTPUT_BUCKET}/{key}"


async def _run(processor: PipelineProcessor, pipeline_input: dict[str, Any]) -> dict[str, Any]:
    result = processor(dict(pipeline_input))
    if inspect.isawaitable(result):
        result = await result
    if not isinstance(result, dict):
        result = {"result": result}
    json.dumps(result)  # an output must be JSON; a TypeError here fails the execution
    return result


def _finish(execution: Record, status: str, at: datetime) -> None:
    stamp = iso(max(at, parse_iso(execution["createdAt"])))
    execution["status"] = status
    execution[f"{status}At"] = stamp
    execution["updatedAt"] = stamp


async def settle(
    execution: Record, processors: PipelineProcessors, store: BlobStore, settings: DataSettings
) -> Record:
    """Bring `execution` up to date, running its processor when it is due; return it."""
    if _advance(execution, utcnow()) is None:
        return execution
    lock = processors.locks.setdefault(execution["pipelineExecutionId"], asyncio.Lock())
    async with lock:
        end = _advance(execution, utcnow())
        if end is None:  # another reader finished it while this one waited
            return execution
        total = execution["totalSteps"]
        if execution["_timing"]["outcome"] == "failed":
            error: str | None = "Simulated pipeline failure"
        else:
            try:
                output = await _run(
                    processors.for_pipeline(execution["_pipelineId"]), execution["pipelineInput"]
                )
                error = None
            except Exception as exc:  # the processor's failure is the execution's failure
                error = str(exc) or type(exc).__name__
        if error is not None:
            execution["progressData"] = {
                **_progress(execution["currentStep"], total),
                "error": error,
            }
            _finish(execution, "failed", end)
        else:
            store_output(execution, output, store, settings)
            execution["pipelineOutputSummary"] = f"Output with {len(output)} field(s)"
            execution["currentStep"] = total
            execution["progressData"] = _progress(total, total)
            _finish(execution, "completed", end)
    processors.locks.pop(execution["pipelineExecutionId"], None)
    return execution
