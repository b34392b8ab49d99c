"""Agent configuration versions: instructions, schemas, models and tools of an agent, versioned."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Unpack

from pydantic import Field, TypeAdapter, ValidationError

from ..._errors import InvalidArgumentError
from ..._models import RequestModel, bind_all
from ..._params import Ids, join_ids, join_numbers
from ..._parsing import response_mismatch
from ..._shapes.agent_configuration_versions import (
    AgentConfigurationVersionChanges,
    AgentConfigurationVersionCreate,
    AgentConfigurationVersionUpdate,
    plain_data,
)
from .._namespace import AsyncNamespace
from .._resource import AsyncCreatable, AsyncGettable, AsyncSavable


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
            llm_config=plain_data(llm_config or {}),
            tool_config=plain_data(tool_config),
            execution_config=plain_data(execution_config or {}),
        )

    async def update(
        self,
        agent_configuration_version_id: str,
        **changes: Unpack[AgentConfigurationVersionChanges],
    ) -> AsyncAgentConfigurationVersion:
        """Change the given fields of a configuration version; others stay as they are."""
        plain = {name: plain_data(value) for name, value in changes.items()}
        return await self._model.update(self._client, agent_configuration_version_id, **plain)
