"""Route family ``pipeline-executions``: run a configuration version, watch, update, cancel it.

An execution starts ``pending`` and follows the timeline of `_pipeline_runs.py`, driven by
``DataSettings.pipeline_execution`` and the pipeline's processor. ``PATCH`` is the worker's
route: it stops the simulation and stores what it is told (a terminal execution cannot change
status, 400; a status change stamps the matching ``...At`` field unless given). ``POST
.../cancel`` cancels a non-terminal execution (the optional ``reason`` goes to
``progressData.cancellationReason``); a terminal one answers 400, as the contract lists no
409 there. ``GET .../output`` answers ``{"type": "inline", ...}`` or, for outputs kept in
storage, ``{"type": "s3", "downloadUrl", ...}``; 404 while there is no output.
"""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import Field

from ._audit import record_audit
from ._auth import get_state, require_member, scope_team_ids
from ._config import get_config
from ._errors import EmulatorError, bad_request
from ._ids import new_id, now_iso
from ._lookup import get_or_404, within
from ._pagination import PageQuery, paginate
from ._pipeline_configs import config_for
from ._pipeline_runs import EXECUTIONS, TERMINAL, new_execution, store_output
from ._pipelines import settle_execution
from ._responses import json_response
from ._state import Record, public
from ._storage import blob_store, presign
from ._validation import Body, parse_body, parse_query

Status = Literal["pending", "running", "completed", "failed", "cancelled", "paused"]


class ExecutionCreate(Body):
    """Body of ``POST /pipeline-executions``."""

    pipelineConfigurationVersionId: str = Field(min_length=1)
    pipelineInput: dict[str, Any]
    pipelineInputSummary: str = Field(max_length=1000)
    currentStep: int | None = Field(None, ge=0)
    totalSteps: int | None = Field(None, gt=0)


class ExecutionPatch(Body):
    """Body of ``PATCH /pipeline-executions/{id}`` (a worker's report)."""

    pipelineOutput: dict[str, Any] | None = None
    pipelineOutputSummary: str | None = Field(None, max_length=1000)
    status: Status | None = None
    progressData: dict[str, Any] | None = None
    currentStep: int | None = Field(None, ge=0)
    totalSteps: int | None = Field(None, gt=0)
    startedAt: str | None = None
    completedAt: str | None = None
    failedAt: str | None = None
    cancelledAt: str | None = None
    pausedAt: str | None = None


class CancelBody(Body):
    """Body of ``POST /pipeline-executions/{id}/cancel``."""

    reason: str | None = Field(None, max_length=500)


class ExecutionListQuery(PageQuery):
    """Query of ``GET /pipeline-executions``."""

    orderBy: Literal["createdAt", "updatedAt", "startedAt"] | None = None
    pipelineIds: list[str] | None = None
    pipelineConfigurationVersionIds: list[str] | None = None
    pipelineExecutionIds: list[str] | None = None
    teamIds: list[str] | None = None
    status: Status | None = None
    statuses: list[Status] | None = None


_STAMPS = {
    "running": "startedAt",
    "completed": "completedAt",
    "failed": "failedAt",
    "cancelled": "cancelledAt",
    "paused": "pausedAt",
}


async def _execution(request: web.Request) -> Record:
    execution = get_or_404(
        get_state(request).collection(EXECUTIONS),
        request.match_info["pipelineExecutionId"],
        "pipeline execution",
    )
    require_member(request, execution["_teamId"])
    return await settle_execution(request, execution)


def _not_allowed(field: str, message: str) -> EmulatorError:
    return bad_request(message, [{"field": field, "message": message, "type": "state"}])


def _audit(request: web.Request, execution: Record, action: Literal["execute", "update"]) -> None:
    record_audit(
        request,
        resource_type="pipeline_execution",
        resource_id=execution["pipelineExecutionId"],
        action=action,
        team_id=execution["_teamId"],
        changes={"status": execution["status"]},
    )


async def create_execution(request: web.Request) -> web.Response:
    """Start an execution of a configuration version."""
    body = await parse_body(request, ExecutionCreate)
    config = config_for(request, body.pipelineConfigurationVersionId)
    step, total = body.currentStep, body.totalSteps
    if step is not None and total is not None and step > total:
        raise _not_allowed("currentStep", "currentStep cannot exceed totalSteps")
    fields = body.model_dump()
    fields["pipelineExecutionId"] = new_id()
    timing = get_config(request).data.pipeline_execution
    execution = new_execution(fields, config["pipelineId"], config["_teamId"], timing)
    get_state(request).collection(EXECUTIONS)[execution["pipelineExecutionId"]] = execution
    _audit(request, execution, "execute")
    return json_response(public(execution), 201)


async def get_execution(request: web.Request) -> web.Response:
    """Return one execution, brought up to date."""
    return json_response(public(await _execution(request)))


async def patch_execution(request: web.Request) -> web.Response:
    """Store a worker's report about an execution; the simulation stops."""
    execution = await _execution(request)
    body = await parse_body(request, ExecutionPatch)
    sent = body.model_fields_set
    status = body.status
    if status is not None and status != execution["status"] and execution["status"] in TERMINAL:
        raise _not_allowed("status", f"The execution is already {execution['status']}")
    execution["_manual"] = True
    if "pipelineOutput" in sent:
        settings = get_config(request).data
        store_output(execution, body.pipelineOutput, blob_store(request), settings)
    for name in sent - {"pipelineOutput", "status"}:
        execution[name] = getattr(body, name)
    now = now_iso()
    if status is not None and status != execution["status"]:
        execution["status"] = status
        stamp = _STAMPS.get(status)
        if stamp is not None and stamp not in sent and execution[stamp] is None:
            execution[stamp] = now
    execution["updatedAt"] = now
    _audit(request, execution, "update")
    return json_response(public(execution))


async def cancel_execution(request: web.Request) -> web.Response:
    """Cancel a pending, running or paused execution."""
    execution = await _execution(request)
    body = await parse_body(request, CancelBody)
    if execution["status"] in TERMINAL:
        raise _not_allowed("status", f"The execution is already {execution['status']}")
    now = now_iso()
    execution["_manual"] = True
    execution["status"] = "cancelled"
    execution["cancelledAt"] = now
    execution["updatedAt"] = now
    progress = dict(execution["progressData"])
    if body.reason is not None:
        progress["cancellationReason"] = body.reason
    execution["progressData"] = progress
    _audit(request, execution, "update")
    return json_response(public(execution))


async def get_output(request: web.Request) -> web.Response:
    """Return an execution's output inline, or a presigned URL for a stored one."""
    execution = await _execution(request)
    key = execution["_outputKey"]
    summary = execution["pipelineOutputSummary"]
    if key is not None:
        blob = blob_store(request).get(key)
        url, expires = presign(request, "GET", key)
        metadata = {
            "fileSizeBytes": blob.size if blob is not None else None,
            "compressionType": "none",
            "fileType": "json",
            "outputSummary": summary,
        }
        return json_response(
            {"type": "s3", "downloadUrl": url, "expiresAt": expires, "metadata": metadata}
        )
    if execution["pipelineOutput"] is None:
        raise EmulatorError(404, "not_found", "The pipeline execution has no output available")
    return json_response(
        {"type": "inline", "data": execution["pipelineOutput"], "summary": summary}
    )


async def list_executions(request: web.Request) -> web.Response:
    """List executions of the caller's pipelines, filtered."""
    query = parse_query(request, ExecutionListQuery)
    teams = scope_team_ids(request, query.teamIds)
    statuses = set(query.statuses or ()) | ({query.status} if query.status else set())
    chosen = [
        e
        for e in get_state(request).collection(EXECUTIONS).values()
        if e["_teamId"] in teams
        and within(e["_pipelineId"], query.pipelineIds)
        and within(e["pipelineConfigurationVersionId"], query.pipelineConfigurationVersionIds)
        and within(e["pipelineExecutionId"], query.pipelineExecutionIds)
    ]
    settled = [await settle_execution(request, e) for e in chosen]
    items = [public(e) for e in settled if within(e["status"], statuses or None)]
    return json_response(paginate(items, query))


def register(app: web.Application) -> None:
    """Add the pipeline execution routes."""
    base = "/pipeline-executions"
    item = base + "/{pipelineExecutionId}"
    app.router.add_get(base, list_executions, allow_head=False)
    app.router.add_post(base, create_execution)
    app.router.add_get(item, get_execution, allow_head=False)
    app.router.add_patch(item, patch_execution)
    app.router.add_post(item + "/cancel", cancel_execution)
    app.router.add_get(item + "/output", get_output, allow_head=False)
