"""Route family ``agent-executions``: start runs, list and read them, follow their progress.

``POST`` answers 201 with a ``pending`` execution whose timing is a snapshot of
``EmulatorConfig.agent_execution``; it then moves through its states as `_agent_runs.advance`
describes. Memory states (one new version per completed step) are listed, fetched by version
and summarised by ``live-tail``. There is no cancel route in the contract, so none here.
"""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import Field, field_validator

from ._agent_configs import config_for
from ._agent_runs import AGENTS, EXECUTIONS, advance, memory_states_of, new_execution
from ._audit import record_audit
from ._auth import get_state, require_member, scope_team_ids
from ._config import get_config
from ._errors import not_found
from ._lookup import get_or_404, within
from ._pagination import PageQuery, SmallPageQuery, paginate
from ._responses import json_response
from ._state import Record, public
from ._validation import Body, parse_body, parse_query

Status = Literal["pending", "running", "completed", "failed", "cancelled", "paused"]


def _whole(value: float | None) -> int | None:
    if value is None:
        return None
    if not float(value).is_integer():
        raise ValueError("must be a whole number")
    return int(value)


class ExecutionCreate(Body):
    """Body of ``POST /agent-executions``."""

    agentConfigurationVersionId: str
    agentInput: dict[str, Any]
    agentInputSummary: str = Field(min_length=1, max_length=500)
    agentInputSchema: Any = None
    agentOutputSchema: Any = None
    maxActions: float | None = Field(None, ge=1, le=100)
    planningInterval: float | None = Field(None, ge=1, le=50)

    _whole = field_validator("maxActions", "planningInterval")(_whole)


class ExecutionListQuery(SmallPageQuery):
    """Query of ``GET /agent-executions`` (pageSize 1-100, default 20)."""

    agentExecutionIds: list[str] | None = None
    agentIds: list[str] | None = None
    teamIds: list[str] | None = None
    agentConfigurationVersionIds: list[str] | None = None
    statuses: list[Status] | None = None
    hasAgentOutput: bool | None = None
    orderBy: Literal["createdAt", "updatedAt"] | None = None


class MemoryListQuery(PageQuery):
    """Query of ``GET /agent-executions/{id}/memory-states``."""

    orderBy: Literal["version", "createdAt"] | None = None
    version: int | None = Field(None, gt=0)
    latest: bool | None = None


def execution_for(request: web.Request, execution_id: str) -> Record:
    """Return an up-to-date execution after the team check (404, then 403)."""
    state = get_state(request)
    execution = get_or_404(state.collection(EXECUTIONS), execution_id, "agent execution")
    require_member(request, execution["_teamId"])
    return advance(state, execution)


async def create_execution(request: web.Request) -> web.Response:
    """Start an execution of a configuration version."""
    body = await parse_body(request, ExecutionCreate)
    config = config_for(request, body.agentConfigurationVersionId)
    state = get_state(request)
    agent = state.collection(AGENTS)[config["agentId"]]
    fields = {
        k: v for k, v in body.model_dump().items() if k in body.model_fields_set and v is not None
    }
    for name in ("maxActions", "planningInterval"):
        if name in fields:
            fields[name] = int(fields[name])
    execution = new_execution(config, agent["teamId"], fields, get_config(request).agent_execution)
    state.collection(EXECUTIONS)[execution["agentExecutionId"]] = execution
    record_audit(
        request,
        resource_type="agent_execution",
        resource_id=execution["agentExecutionId"],
        action="execute",
        team_id=agent["teamId"],
        changes={"agentConfigurationVersionId": config["agentConfigurationVersionId"]},
    )
    return json_response(public(execution), status=201)


async def list_executions(request: web.Request) -> web.Response:
    """List executions of the caller's teams, filtered."""
    query = parse_query(request, ExecutionListQuery)
    teams = scope_team_ids(request, query.teamIds)
    state = get_state(request)
    items = []
    for execution in state.collection(EXECUTIONS).values():
        if execution["_teamId"] not in teams:
            continue
        advance(state, execution)
        if (
            within(execution["agentExecutionId"], query.agentExecutionIds)
            and within(execution["_agentId"], query.agentIds)
            and within(execution["agentConfigurationVersionId"], query.agentConfigurationVersionIds)
            and within(execution["status"], query.statuses)
            and (
                query.hasAgentOutput is None
                or (execution["agentOutput"] is not None) == query.hasAgentOutput
            )
        ):
            items.append(public(execution))
    return json_response(paginate(items, query))


async def get_execution(request: web.Request) -> web.Response:
    """Return one execution."""
    return json_response(public(execution_for(request, request.match_info["agentExecutionId"])))


async def list_memory_states(request: web.Request) -> web.Response:
    """List the memory state versions of an execution."""
    execution = execution_for(request, request.match_info["agentExecutionId"])
    query = parse_query(request, MemoryListQuery)
    states = memory_states_of(get_state(request), execution["agentExecutionId"])
    if query.latest:
        states = states[-1:]
    states = [
        s
        for s in states
        if within(s["version"], None if query.version is None else {query.version})
    ]
    return json_response(paginate(states, query, default_order_by="version"))


async def get_memory_state(request: web.Request) -> web.Response:
    """Return one memory state version."""
    execution = execution_for(request, request.match_info["agentExecutionId"])
    raw = request.match_info["version"]
    for memory in memory_states_of(get_state(request), execution["agentExecutionId"]):
        if raw.isdigit() and memory["version"] == int(raw):
            return json_response(memory)
    raise not_found("memory state version", raw)


async def live_tail(request: web.Request) -> web.Response:
    """Return the execution's progress and its latest memory state."""
    execution = execution_for(request, request.match_info["agentExecutionId"])
    states = memory_states_of(get_state(request), execution["agentExecutionId"])
    latest = states[-1] if states else None
    steps: list[Any] = latest["state"]["steps"] if latest else []
    return json_response(
        {
            "execution": {
                k: execution[k]
                for k in (
                    "agentExecutionId",
                    "status",
                    "currentStep",
                    "createdAt",
                    "updatedAt",
                    "startedAt",
                    "completedAt",
                )
            },
            "latestMemoryState": latest,
            "steps": steps,
            "totalVersions": len(states),
        }
    )


def register(app: web.Application) -> None:
    """Add the agent execution routes."""
    base = "/agent-executions"
    app.router.add_post(base, create_execution)
    app.router.add_get(base, list_executions, allow_head=False)
    app.router.add_get(base + "/{agentExecutionId}", get_execution, allow_head=False)
    app.router.add_get(
        base + "/{agentExecutionId}/memory-states", list_memory_states, allow_head=False
    )
    app.router.add_get(
        base + "/{agentExecutionId}/memory-states/{version}", get_memory_state, allow_head=False
    )
    app.router.add_get(base + "/{agentExecutionId}/live-tail", live_tail, allow_head=False)
