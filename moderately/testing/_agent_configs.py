"""Route family ``agent-configuration-versions``: versions of an agent's configuration.

``POST`` answers 201; 404 if the agent does not exist, 403 if it belongs to another team, 409
if the agent already has that ``versionNumber``. Making a version current (``isCurrent:
true`` on create or update) makes the agent's other versions not current. The list is a plain
JSON array (the contract does not paginate it); naming an unknown agent in ``agentIds``
answers 404 and another team's agent 403. ``PATCH`` answers 200 without a body.
"""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from ._agent_runs import AGENTS, CONFIGS
from ._agents import agent_for
from ._audit import record_audit
from ._auth import get_state, principal, require_member
from ._errors import conflict, forbidden, not_found
from ._ids import new_id, now_iso
from ._lookup import get_or_404, within
from ._responses import empty_response, json_response
from ._state import Record, State
from ._validation import Body, Query, parse_body, parse_query

Provider = Literal["vertexai", "anthropic", "openai"]
Tier = Literal["large", "medium", "small"]
ToolType = Literal[
    "GetDateTool",
    "ResourceSearchTool",
    "ResourceListTool",
    "ResourceStructureTool",
    "RelatedResourcesTool",
    "ResourceSampleTool",
    "ResourceSectionTool",
    "ResourceFindLinesTool",
    "ResourceReadLinesTool",
    "ResourceSummarizationTool",
    "ResourceQuestionAnsweringTool",
    "ResourceStructuredExtractionTool",
    "ResourceEntitiesExtractionTool",
    "ResourcePrioritizationTool",
    "TavilySearchTool",
    "GenericSearchTool",
    "PatentSearchTool",
    "PubmedSearchTool",
    "ClinicalTrialSearchTool",
    "SummaryTool",
    "CriticalAnalysisTool",
    "DraftWritingTool",
    "WritingFeedbackTool",
    "ResourceGroundedEditorTool",
    "ClassifyEntitiesFromTextTool",
    "RegexSearchTool",
    "ScrapeWebsiteTool",
    "ResourceCreationTool",
    "AskAgentRunTool",
]


class _Part(BaseModel):
    # Nested parts of the configuration: strict like bodies; ``model_*`` names are wire fields.
    model_config = ConfigDict(
        extra="forbid", strict=True, protected_namespaces=(), populate_by_name=True
    )


class LlmSpec(_Part):
    """One model choice of ``llmConfig``."""

    provider: Provider
    model_tier: Tier
    model: str | None = None
    enable_reasoning: bool | None = None
    model_settings: dict[str, Any] | None = Field(None, alias="model_config")


class LlmConfig(_Part):
    """``llmConfig``: the models used for thinking, fact extraction and planning."""

    thought_llm: LlmSpec | None = None
    fact_extraction_llm: LlmSpec | None = None
    planner_llm: LlmSpec | None = None


class ToolSpec(_Part):
    """One entry of ``toolConfig``."""

    type: ToolType
    config: dict[str, Any] | None = None


class ExecutionConfig(_Part):
    """``executionConfig`` with the contract's defaults."""

    max_actions: int = Field(10, gt=0)
    planning_interval: int = Field(4, gt=0)
    feedback_rounds: int = Field(0, ge=0)
    timeout_minutes: int = Field(30, gt=0)


class ConfigCreate(Body):
    """Body of ``POST /agent-configuration-versions`` (every field is required)."""

    agentId: str
    instructions: str = Field(min_length=1)
    inputSchema: Any
    outputSchema: Any
    versionNumber: int = Field(gt=0)
    isCurrent: bool
    systemPrompt: str | None
    llmConfig: LlmConfig
    toolConfig: list[ToolSpec]
    executionConfig: ExecutionConfig


class ConfigPatch(Body):
    """Body of ``PATCH /agent-configuration-versions/{id}``."""

    instructions: str | None = Field(None, min_length=1)
    inputSchema: Any = None
    outputSchema: Any = None
    isCurrent: bool | None = None
    systemPrompt: str | None = None
    llmConfig: LlmConfig | None = None
    toolConfig: list[ToolSpec] | None = None
    executionConfig: ExecutionConfig | None = None


class ConfigListQuery(Query):
    """Query of ``GET /agent-configuration-versions``."""

    agentIds: list[str] | None = None
    agentConfigurationVersionIds: list[str] | None = None
    versionNumbers: list[int] | None = None
    isCurrent: bool | None = None


def _dump(part: BaseModel, *, defaults: bool = False) -> dict[str, Any]:
    return part.model_dump(by_alias=True, exclude_unset=not defaults, mode="json")


def _wire_parts(body: ConfigCreate | ConfigPatch) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    sent = body.model_fields_set
    for name in ("instructions", "inputSchema", "outputSchema", "systemPrompt"):
        if name in sent:
            parts[name] = getattr(body, name)
    if "llmConfig" in sent and body.llmConfig is not None:
        parts["llmConfig"] = _dump(body.llmConfig)
    if "toolConfig" in sent and body.toolConfig is not None:
        parts["toolConfig"] = [_dump(t) for t in body.toolConfig]
    if "executionConfig" in sent and body.executionConfig is not None:
        parts["executionConfig"] = _dump(body.executionConfig, defaults=True)
    return parts


def _make_current(state: State, config: Record) -> None:
    for other in state.collection(CONFIGS).values():
        if other["agentId"] == config["agentId"] and other is not config and other["isCurrent"]:
            other["isCurrent"] = False
            other["updatedAt"] = now_iso()
    config["isCurrent"] = True


def config_for(request: web.Request, config_id: str) -> Record:
    """Return configuration version `config_id` after the team check (404, then 403)."""
    state = get_state(request)
    config = get_or_404(state.collection(CONFIGS), config_id, "agent configuration version")
    agent = state.collection(AGENTS).get(config["agentId"])
    if agent is None:
        raise not_found("agent configuration version", config_id)
    require_member(request, agent["teamId"])
    return config


async def create_config(request: web.Request) -> web.Response:
    """Add a configuration version to an agent."""
    body = await parse_body(request, ConfigCreate)
    agent = agent_for(request, body.agentId)
    state = get_state(request)
    configs = state.collection(CONFIGS)
    if any(
        c["agentId"] == body.agentId and c["versionNumber"] == body.versionNumber
        for c in configs.values()
    ):
        raise conflict(
            "This agent already has that version number",
            {"field": "versionNumber", "value": body.versionNumber},
        )
    now = now_iso()
    config: Record = {
        "agentConfigurationVersionId": new_id(),
        "agentId": body.agentId,
        "versionNumber": body.versionNumber,
        "isCurrent": False,
        "createdAt": now,
        "updatedAt": now,
        **_wire_parts(body),
    }
    configs[config["agentConfigurationVersionId"]] = config
    if body.isCurrent:
        _make_current(state, config)
    record_audit(
        request,
        resource_type="agent_configuration_version",
        resource_id=config["agentConfigurationVersionId"],
        action="create",
        team_id=agent["teamId"],
        changes={"versionNumber": body.versionNumber, "isCurrent": body.isCurrent},
    )
    return json_response(config, status=201)


async def list_configs(request: web.Request) -> web.Response:
    """List configuration versions of the caller's agents (a plain array)."""
    query = parse_query(request, ConfigListQuery)
    state = get_state(request)
    agents = state.collection(AGENTS)
    teams = principal(request).team_ids
    for agent_id in query.agentIds or []:
        agent = agents.get(agent_id)
        if agent is None:
            raise not_found("agent", agent_id)
        if agent["teamId"] not in teams:
            raise forbidden("You are not a member of this agent's team")
    items = [
        c
        for c in state.collection(CONFIGS).values()
        if c["agentId"] in agents
        and agents[c["agentId"]]["teamId"] in teams
        and within(c["agentId"], query.agentIds)
        and within(c["agentConfigurationVersionId"], query.agentConfigurationVersionIds)
        and within(c["versionNumber"], query.versionNumbers)
        and (query.isCurrent is None or c["isCurrent"] == query.isCurrent)
    ]
    items.sort(key=lambda c: (c["createdAt"], c["versionNumber"]))
    return json_response(items)


async def get_config_version(request: web.Request) -> web.Response:
    """Return one configuration version."""
    return json_response(config_for(request, request.match_info["agentConfigurationVersionId"]))


async def patch_config(request: web.Request) -> web.Response:
    """Change a configuration version; ``isCurrent: true`` demotes the others."""
    config = config_for(request, request.match_info["agentConfigurationVersionId"])
    body = await parse_body(request, ConfigPatch)
    state = get_state(request)
    parts = _wire_parts(body)
    if "instructions" in parts and parts["instructions"] is None:
        parts.pop("instructions")
    changes = {k: {"from": config.get(k), "to": v} for k, v in parts.items() if config.get(k) != v}
    config.update(parts)
    if body.isCurrent is True and not config["isCurrent"]:
        changes["isCurrent"] = {"from": False, "to": True}
        _make_current(state, config)
    elif body.isCurrent is False and config["isCurrent"]:
        changes["isCurrent"] = {"from": True, "to": False}
        config["isCurrent"] = False
    config["updatedAt"] = now_iso()
    agent = state.collection(AGENTS)[config["agentId"]]
    record_audit(
        request,
        resource_type="agent_configuration_version",
        resource_id=config["agentConfigurationVersionId"],
        action="update",
        team_id=agent["teamId"],
        changes=changes,
    )
    return empty_response(200)


def register(app: web.Application) -> None:
    """Add the agent configuration version routes."""
    base = "/agent-configuration-versions"
    app.router.add_post(base, create_config)
    app.router.add_get(base, list_configs, allow_head=False)
    app.router.add_get(
        base + "/{agentConfigurationVersionId}", get_config_version, allow_head=False
    )
    app.router.add_patch(base + "/{agentConfigurationVersionId}", patch_config)
