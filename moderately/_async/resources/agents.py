"""Agents: AI agents owned by a team."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Unpack, get_args

from pydantic import Field

from ..._models import RequestModel
from ..._params import Direction, Ids, join_ids, list_query
from ..._shapes.agents import AgentChanges, AgentCreate, AgentOrder, AgentUpdate
from .._namespace import AsyncNamespace
from .._pagination import AsyncPageRequest
from .._resource import (
    AsyncCreatable,
    AsyncDeletable,
    AsyncGettable,
    AsyncSavable,
    AsyncSearchable,
)


class AsyncAgent(AsyncSearchable, AsyncGettable, AsyncCreatable, AsyncSavable, AsyncDeletable):
    """An AI agent of a team; change ``name`` or ``description`` and ``save()``."""

    _path: ClassVar[str] = "/agents"
    _id_field: ClassVar[str] = "agent_id"
    _create_model: ClassVar[type[RequestModel]] = AgentCreate
    _update_model: ClassVar[type[RequestModel]] = AgentUpdate

    agent_id: str = Field(frozen=True)
    team_id: str = Field(frozen=True)
    name: str
    description: str | None = None
    created_at: datetime | None = Field(default=None, frozen=True)
    updated_at: datetime | None = Field(default=None, frozen=True)
    last_run_at: datetime | None = Field(default=None, frozen=True)
    total_runs: float | None = Field(default=None, frozen=True)
    successful_runs: float | None = Field(default=None, frozen=True)
    success_rate: float | None = Field(default=None, frozen=True)


class AsyncAgents(AsyncNamespace[AsyncAgent]):
    """``client.agents``: the team's agents."""

    __slots__ = ()
    _default_model = AsyncAgent

    def list(
        self,
        *,
        agent_ids: Ids | None = None,
        name_like: str | None = None,
        team_ids: Ids | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: AgentOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncAgent]:
        """Agents of the client's team (or ``team_ids``): a page, or every item when iterated."""
        teams = join_ids(team_ids, "team_ids") or self._client._config.require_team("agents.list")
        query = list_query(
            page=page,
            page_size=page_size,
            order_by=order_by,
            order_by_allowed=get_args(AgentOrder),
            order_direction=order_direction,
            filters={
                "team_ids": teams,
                "agent_ids": join_ids(agent_ids, "agent_ids"),
                "name_like": name_like,
            },
        )
        return self._model.search(self._client, query, page=page)

    async def retrieve(self, agent_id: str) -> AsyncAgent:
        """The agent with id ``agent_id``."""
        return await self._model.get(self._client, agent_id)

    async def create(
        self, *, name: str, description: str | None = None, team_id: str | None = None
    ) -> AsyncAgent:
        """Create an agent in the client's team (or ``team_id``)."""
        team = (
            team_id if team_id is not None else self._client._config.require_team("agents.create")
        )
        fields = {"team_id": team, "name": name}
        if description is not None:
            fields["description"] = description
        return await self._model.create(self._client, **fields)

    async def update(self, agent_id: str, **changes: Unpack[AgentChanges]) -> AsyncAgent:
        """Change the given fields of agent ``agent_id``; others stay as they are."""
        return await self._model.update(self._client, agent_id, **changes)

    async def delete(self, agent_id: str) -> None:
        """Delete agent ``agent_id``."""
        await self._model.delete_by_id(self._client, agent_id)
