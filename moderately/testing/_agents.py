"""Route family ``agents``: create (201), list, get, update, delete agents.

Agents live in ``State.collection("agents")`` in wire form. Names are unique within a team
(exact match): creating or renaming onto a taken name answers 409. The list/get forms add run
statistics computed from the agent's executions (`_agent_runs.agent_stats`). Deleting an agent
also deletes its configuration versions and executions.
"""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import Field

from ._agent_runs import AGENTS, CONFIGS, EXECUTIONS, MEMORY, agent_stats
from ._audit import record_audit
from ._auth import get_state, require_member, scope_team_ids
from ._errors import conflict
from ._ids import new_id, now_iso
from ._lookup import get_or_404, like, within
from ._pagination import PageQuery, paginate
from ._responses import empty_response, json_response
from ._state import Record, State, public
from ._validation import Body, parse_body, parse_query


class AgentCreate(Body):
    """Body of ``POST /agents``."""

    teamId: str
    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(None, max_length=1000)


class AgentPatch(Body):
    """Body of ``PATCH /agents/{agentId}``."""

    name: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=1000)


class AgentListQuery(PageQuery):
    """Query of ``GET /agents``."""

    teamIds: list[str] | None = None
    agentIds: list[str] | None = None
    nameLike: str | None = None
    orderBy: Literal["name", "createdAt", "updatedAt"] | None = None


def _name_taken(state: State, team_id: str, name: str, except_id: str | None = None) -> bool:
    return any(
        a["teamId"] == team_id and a["name"] == name and a["agentId"] != except_id
        for a in state.collection(AGENTS).values()
    )


def _full(state: State, agent: Record) -> dict[str, Any]:
    return {**public(agent), **agent_stats(state, agent["agentId"])}


def agent_for(request: web.Request, agent_id: str) -> Record:
    """Return the agent `agent_id` after checking the caller's team (404, then 403)."""
    agent = get_or_404(get_state(request).collection(AGENTS), agent_id, "agent")
    require_member(request, agent["teamId"])
    return agent


async def create_agent(request: web.Request) -> web.Response:
    """Create an agent in one of the caller's teams."""
    body = await parse_body(request, AgentCreate)
    require_member(request, body.teamId)
    state = get_state(request)
    if _name_taken(state, body.teamId, body.name):
        raise conflict(
            "An agent with this name already exists in the team",
            {"field": "name", "value": body.name},
        )
    now = now_iso()
    agent: Record = {
        "agentId": new_id(),
        "teamId": body.teamId,
        "name": body.name,
        "description": body.description,
        "createdAt": now,
        "updatedAt": now,
    }
    state.collection(AGENTS)[agent["agentId"]] = agent
    record_audit(
        request,
        resource_type="agent",
        resource_id=agent["agentId"],
        action="create",
        team_id=body.teamId,
        changes={"name": body.name, "description": body.description},
    )
    return json_response(public(agent), status=201)


async def list_agents(request: web.Request) -> web.Response:
    """List agents of the caller's teams, filtered."""
    query = parse_query(request, AgentListQuery)
    teams = scope_team_ids(request, query.teamIds)
    state = get_state(request)
    items = [
        _full(state, a)
        for a in state.collection(AGENTS).values()
        if a["teamId"] in teams
        and within(a["agentId"], query.agentIds)
        and like(a["name"], query.nameLike)
    ]
    return json_response(paginate(items, query))


async def get_agent(request: web.Request) -> web.Response:
    """Return one agent with its run statistics."""
    agent = agent_for(request, request.match_info["agentId"])
    return json_response(_full(get_state(request), agent))


async def patch_agent(request: web.Request) -> web.Response:
    """Rename or re-describe an agent."""
    agent = agent_for(request, request.match_info["agentId"])
    body = await parse_body(request, AgentPatch)
    state = get_state(request)
    sent = body.model_fields_set
    changes: dict[str, Any] = {}
    if "name" in sent and body.name is not None and body.name != agent["name"]:
        if _name_taken(state, agent["teamId"], body.name, agent["agentId"]):
            raise conflict(
                "An agent with this name already exists in the team",
                {"field": "name", "value": body.name},
            )
        changes["name"] = {"from": agent["name"], "to": body.name}
        agent["name"] = body.name
    if "description" in sent and body.description != agent["description"]:
        changes["description"] = {"from": agent["description"], "to": body.description}
        agent["description"] = body.description
    agent["updatedAt"] = now_iso()
    record_audit(
        request,
        resource_type="agent",
        resource_id=agent["agentId"],
        action="update",
        team_id=agent["teamId"],
        changes=changes,
    )
    return json_response(public(agent))


async def delete_agent(request: web.Request) -> web.Response:
    """Delete an agent with its configuration versions and executions."""
    agent = agent_for(request, request.match_info["agentId"])
    state = get_state(request)
    agent_id = agent["agentId"]
    configs = state.collection(CONFIGS)
    for config_id in [c for c, v in configs.items() if v["agentId"] == agent_id]:
        del configs[config_id]
    executions = state.collection(EXECUTIONS)
    memory = state.collection(MEMORY)
    for exec_id in [e for e, v in executions.items() if v["_agentId"] == agent_id]:
        del executions[exec_id]
        for mem_id in [m for m, v in memory.items() if v["agentExecutionId"] == exec_id]:
            del memory[mem_id]
    del state.collection(AGENTS)[agent_id]
    record_audit(
        request,
        resource_type="agent",
        resource_id=agent_id,
        action="delete",
        team_id=agent["teamId"],
    )
    return empty_response(200)


def register(app: web.Application) -> None:
    """Add the agent routes."""
    app.router.add_post("/agents", create_agent)
    app.router.add_get("/agents", list_agents, allow_head=False)
    app.router.add_get("/agents/{agentId}", get_agent, allow_head=False)
    app.router.add_patch("/agents/{agentId}", patch_agent)
    app.router.add_delete("/agents/{agentId}", delete_agent)
