"""Agent configuration versions: instructions, schemas, models and tools of an agent, versioned."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Literal, TypedDict, Unpack

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ..._errors import InvalidArgumentError
from ..._models import RequestModel, bind_all
from ..._params import Ids, join_ids, join_numbers
from ..._parsing import response_mismatch
from .._namespace import AsyncNamespace
from .._resource import AsyncCreatable, AsyncGettable, AsyncSavable

LlmProvider = Literal["vertexai", "anthropic", "openai"]
"""Model providers an agent can use."""
LlmTier = Literal["large", "medium", "small"]
"""Model size tiers (large: best quality, small: fastest)."""


class _Part(BaseModel):
    # Nested parts keep their snake_case wire names; ``model_*`` keys are wire fields here.
    model_config = ConfigDict(
        extra="forbid", strict=True, populate_by_name=True, protected_namespaces=()
    )


class _Llm(_Part):
    provider: LlmProvider
    model_tier: LlmTier
    model: str | None = None
    enable_reasoning: bool | None = None
    settings: dict[str, Any] | None = Field(default=None, alias="model_config")


class _LlmConfig(_Part):
    thought_llm: _Llm | None = None
    fact_extraction_llm: _Llm | None = None
    planner_llm: _Llm | None = None


class _Tool(_Part):
    # Tool names are left open: the platform's tool registry grows faster than SDK releases.
    type: str = Field(min_length=1)
    config: dict[str, Any] | None = None


class _ExecutionConfig(_Part):
    max_actions: int | None = Field(default=None, ge=0)
    planning_interval: int | None = Field(default=None, ge=0)
    feedback_rounds: int | None = Field(default=None, ge=0)
    timeout_minutes: int | None = Field(default=None, ge=0)


class AgentConfigurationVersionCreate(RequestModel):
    """Body of ``POST /agent-configuration-versions`` (every field is required on the wire)."""

    what: ClassVar[str] = "agent_configuration_versions.create"
    agent_id: str = Field(min_length=1)
    instructions: str = Field(min_length=1)
    input_schema: Any
    output_schema: Any
    version_number: int = Field(ge=0)
    is_current: bool
    system_prompt: str | None
    llm_config: _LlmConfig
    tool_config: list[_Tool]
    execution_config: _ExecutionConfig


class AgentConfigurationVersionChanges(TypedDict, total=False):
    """Fields an agent configuration version update may change."""

    instructions: str
    input_schema: Any
    output_schema: Any
    is_current: bool
    system_prompt: str | None
    llm_config: Mapping[str, Any]
    tool_config: Sequence[Mapping[str, Any]]
    execution_config: Mapping[str, Any]


class AgentConfigurationVersionUpdate(RequestModel):
    """Body of ``PATCH /agent-configuration-versions/{agentConfigurationVersionId}``."""

    what: ClassVar[str] = "agent_configuration_versions.update"
    # Defaults are never sent (wire() leaves out unset fields); they only make fields optional.
    instructions: str = Field(default="x", min_length=1)
    input_schema: Any = None
    output_schema: Any = None
    is_current: bool | None = None
    system_prompt: str | None = None
    llm_config: _LlmConfig | None = None
    tool_config: list[_Tool] | None = None
    execution_config: _ExecutionConfig | None = None


class AsyncAgentConfigurationVersion(AsyncGettable, AsyncCreatable, AsyncSavable):
    """One version of an agent's configuration; change fields and ``save()`` to update it."""

    _path: ClassVar[str] = "/agent-configuration-versions"
    _id_field: ClassVar[str] = "agent_configuration_version_id"
    _create_model: ClassVar[type[RequestModel]] = AgentConfigurationVersionCreate
    _update_model: ClassVar[type[RequestModel]] = AgentConfigurationVersionUpdate

    agent_configuration_version_id: str = Field(frozen=True)
    agent_id: str = Field(frozen=True)
    instructions: str
    input_schema: Any = None
    output_schema: Any = None
    version_number: int = Field(frozen=True)
    is_current: bool
    system_prompt: str | None = None
    llm_config: dict[str, Any] = Field(default_factory=dict)
    tool_config: list[dict[str, Any]] = Field(default_factory=list)
    execution_config: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime | None = Field(default=None, frozen=True)
    updated_at: datetime | None = Field(default=None, frozen=True)


_LIST: TypeAdapter[list[AsyncAgentConfigurationVersion]] = TypeAdapter(
    list[AsyncAgentConfigurationVersion]
)


def _plain(value: Any) -> Any:
    # Mappings and sequences from the caller become plain dicts and lists, which the strict
    # body model accepts; anything else is left for it to refuse.
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class AsyncAgentConfigurationVersions(AsyncNamespace[AsyncAgentConfigurationVersion]):
    """``client.agent_configuration_versions``: versions of agents' configurations."""

    __slots__ = ()
    _default_model = AsyncAgentConfigurationVersion

    async def list(
        self,
        *,
        agent_ids: Ids | None = None,
        agent_configuration_version_ids: Ids | None = None,
        version_numbers: int | Iterable[int] | None = None,
        is_current: bool | None = None,
    ) -> list[AsyncAgentConfigurationVersion]:
        """Versions of the caller's agents, filtered; the platform answers them all at once."""
        if is_current is not None and not isinstance(is_current, bool):
            raise InvalidArgumentError(f"is_current must be a bool; got {is_current!r}")
        query = {
            "agentIds": join_ids(agent_ids, "agent_ids"),
            "agentConfigurationVersionIds": join_ids(
                agent_configuration_version_ids, "agent_configuration_version_ids"
            ),
            "versionNumbers": join_numbers(version_numbers, "version_numbers"),
            "isCurrent": is_current,
        }
        path = self._model._path
        response = await self._client._request("GET", path, params=query)
        try:
            versions = _LIST.validate_json(response.content)
        except ValidationError as exc:
            raise response_mismatch(
                "a list of agent configuration versions", response, exc
            ) from exc
        bind_all(versions, self._client, response.request_id)
        return versions

    async def retrieve(self, agent_configuration_version_id: str) -> AsyncAgentConfigurationVersion:
        """The configuration version with id ``agent_configuration_version_id``."""
        return await self._model.get(self._client, agent_configuration_version_id)

    async def create(
        self,
        *,
        agent_id: str,
        instructions: str,
        input_schema: Any,
        output_schema: Any,
        version_number: int,
        is_current: bool = False,
        system_prompt: str | None = None,
        llm_config: Mapping[str, Any] | None = None,
        tool_config: Sequence[Mapping[str, Any]] = (),
        execution_config: Mapping[str, Any] | None = None,
    ) -> AsyncAgentConfigurationVersion:
        """Add a configuration version to an agent; ``is_current=True`` makes it the one in use."""
        return await self._model.create(
            self._client,
            agent_id=agent_id,
            instructions=instructions,
            input_schema=input_schema,
            output_schema=output_schema,
            version_number=version_number,
            is_current=is_current,
            system_prompt=system_prompt,
            llm_config=_plain(llm_config or {}),
            tool_config=_plain(tool_config),
            execution_config=_plain(execution_config or {}),
        )

    async def update(
        self,
        agent_configuration_version_id: str,
        **changes: Unpack[AgentConfigurationVersionChanges],
    ) -> AsyncAgentConfigurationVersion:
        """Change the given fields of a configuration version; others stay as they are."""
        plain = {name: _plain(value) for name, value in changes.items()}
        return await self._model.update(self._client, agent_configuration_version_id, **plain)
