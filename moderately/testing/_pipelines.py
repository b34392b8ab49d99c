"""Route family ``pipelines``: create, list, get, rename and delete pipelines.

Names are unique within a team (409 on create and rename). Reads add the run statistics the
contract documents (``lastRunAt``, ``totalRuns``, ``successfulRuns``, ``successRate`` as a
percentage), computed from the pipeline's executions after bringing them up to date; create
and update answer the shorter shape the contract gives them. Deleting a pipeline deletes its
configuration versions and executions (and any stored outputs); it answers 200 without a body.
"""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import Field

from ._audit import record_audit
from ._auth import get_state, require_member, scope_team_ids
from ._config import get_config
from ._errors import conflict
from ._ids import new_id, now_iso
from ._lookup import get_or_404, like, within
from ._pagination import PageQuery, paginate
from ._pipeline_runs import EXECUTIONS, PipelineProcessors, settle
from ._responses import empty_response, json_response
from ._state import Record, State, public
from ._storage import blob_store
from ._validation import Body, parse_body, parse_query

PIPELINES = "pipelines"
CONFIGS = "pipeline_configuration_versions"


class PipelineListQuery(PageQuery):
    """Query of ``GET /pipelines``."""

    orderBy: Literal["name", "createdAt", "updatedAt"] | None = None
    teamIds: list[str] | None = None
    pipelineIds: list[str] | None = None
    nameLike: str | None = None


class PipelineCreate(Body):
    """Body of ``POST /pipelines``."""

    teamId: str = Field(min_length=1)
    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(None, max_length=1000)


class PipelinePatch(Body):
    """Body of ``PATCH /pipelines/{pipelineId}``."""

    name: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=1000)


async def settle_execution(request: web.Request, execution: Record) -> Record:
    """Bring one execution up to date for the emulator serving `request`."""
    state = get_state(request)
    processors = state.extension(PipelineProcessors)
    return await settle(execution, processors, blob_store(request), get_config(request).data)


def pipeline_for(request: web.Request, pipeline_id: str) -> Record:
    """Return pipeline `pipeline_id` (404) after checking the caller's team (403)."""
    pipeline = get_or_404(get_state(request).collection(PIPELINES), pipeline_id, "pipeline")
    require_member(request, pipeline["teamId"])
    return pipeline


async def with_stats(request: web.Request, pipeline: Record) -> Record:
    """Return the pipeline's wire form with its run statistics."""
    runs = [
        await settle_execution(request, e)
        for e in get_state(request).collection(EXECUTIONS).values()
        if e["_pipelineId"] == pipeline["pipelineId"]
    ]
    successful = sum(1 for e in runs if e["status"] == "completed")
    return {
        **public(pipeline),
        "lastRunAt": max((e["createdAt"] for e in runs), default=None),
        "totalRuns": len(runs),
        "successfulRuns": successful,
        "successRate": round(100.0 * successful / len(runs), 2) if runs else 0,
    }


def _name_taken(state: State, team_id: str, name: str, exclude: str | None = None) -> bool:
    return any(
        p["teamId"] == team_id and p["name"] == name and p["pipelineId"] != exclude
        for p in state.collection(PIPELINES).values()
    )


async def create_pipeline(request: web.Request) -> web.Response:
    """Create a pipeline in one of the caller's teams."""
    body = await parse_body(request, PipelineCreate)
    require_member(request, body.teamId)
    state = get_state(request)
    if _name_taken(state, body.teamId, body.name):
        raise conflict("A pipeline with the same name already exists", {"name": body.name})
    now = now_iso()
    pipeline: Record = {
        "pipelineId": new_id(),
        "teamId": body.teamId,
        "name": body.name,
        "description": body.description,
        "createdAt": now,
        "updatedAt": now,
    }
    state.collection(PIPELINES)[pipeline["pipelineId"]] = pipeline
    record_audit(
        request,
        resource_type="pipeline",
        resource_id=pipeline["pipelineId"],
        action="create",
        team_id=body.teamId,
        changes={"name": body.name},
    )
    return json_response(public(pipeline), 201)


async def get_pipeline(request: web.Request) -> web.Response:
    """Return one pipeline with its run statistics."""
    pipeline = pipeline_for(request, request.match_info["pipelineId"])
    return json_response(await with_stats(request, pipeline))


async def patch_pipeline(request: web.Request) -> web.Response:
    """Rename or describe a pipeline."""
    pipeline = pipeline_for(request, request.match_info["pipelineId"])
    body = await parse_body(request, PipelinePatch)
    state = get_state(request)
    changes: dict[str, Any] = {}
    if body.name is not None and body.name != pipeline["name"]:
        if _name_taken(state, pipeline["teamId"], body.name, exclude=pipeline["pipelineId"]):
            raise conflict("A pipeline with the same name already exists", {"name": body.name})
        changes["name"] = {"from": pipeline["name"], "to": body.name}
        pipeline["name"] = body.name
    if "description" in body.model_fields_set and body.description != pipeline["description"]:
        changes["description"] = {"from": pipeline["description"], "to": body.description}
        pipeline["description"] = body.description
    pipeline["updatedAt"] = now_iso()
    record_audit(
        request,
        resource_type="pipeline",
        resource_id=pipeline["pipelineId"],
        action="update",
        team_id=pipeline["teamId"],
        changes=changes,
    )
    return json_response(public(pipeline))


async def delete_pipeline(request: web.Request) -> web.Response:
    """Delete a pipeline with its configuration versions and executions."""
    pipeline = pipeline_for(request, request.match_info["pipelineId"])
    state = get_state(request)
    pipeline_id = pipeline["pipelineId"]
    configs = state.collection(CONFIGS)
    for config_id in [c for c, v in configs.items() if v["pipelineId"] == pipeline_id]:
        del configs[config_id]
    executions = state.collection(EXECUTIONS)
    store = blob_store(request)
    for execution_id in [e for e, v in executions.items() if v["_pipelineId"] == pipeline_id]:
        key = executions.pop(execution_id)["_outputKey"]
        if key is not None:
            store.delete(key)
    del state.collection(PIPELINES)[pipeline_id]
    record_audit(
        request,
        resource_type="pipeline",
        resource_id=pipeline_id,
        action="delete",
        team_id=pipeline["teamId"],
    )
    return empty_response(200)


async def list_pipelines(request: web.Request) -> web.Response:
    """List pipelines of the caller's teams, filtered, with run statistics."""
    query = parse_query(request, PipelineListQuery)
    teams = scope_team_ids(request, query.teamIds)
    chosen = [
        p
        for p in get_state(request).collection(PIPELINES).values()
        if p["teamId"] in teams
        and within(p["pipelineId"], query.pipelineIds)
        and like(p["name"], query.nameLike)
    ]
    page = paginate([public(p) for p in chosen], query)
    by_id = {p["pipelineId"]: p for p in chosen}
    page["items"] = [await with_stats(request, by_id[i["pipelineId"]]) for i in page["items"]]
    return json_response(page)


def register(app: web.Application) -> None:
    """Add the pipeline routes."""
    app.router.add_get("/pipelines", list_pipelines, allow_head=False)
    app.router.add_post("/pipelines", create_pipeline)
    app.router.add_get("/pipelines/{pipelineId}", get_pipeline, allow_head=False)
    app.router.add_patch("/pipelines/{pipelineId}", patch_pipeline)
    app.router.add_delete("/pipelines/{pipelineId}", delete_pipeline)
