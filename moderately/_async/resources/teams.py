"""Teams: the unit that owns agents, pipelines, datasets and files."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, get_args

from pydantic import Field

from ..._models import RequestModel
from ..._params import Direction, Ids, join_ids, list_query
from ..._shapes.teams import TeamBody, TeamOrder
from .._namespace import AsyncNamespace
from .._pagination import AsyncPageRequest
from .._resource import AsyncCreatable, AsyncGettable, AsyncSavable, AsyncSearchable


class AsyncTeam(AsyncSearchable, AsyncGettable, AsyncCreatable, AsyncSavable):
    """A team; change ``name`` and ``save()``."""

    _path: ClassVar[str] = "/teams"
    _id_field: ClassVar[str] = "team_id"
    _create_model: ClassVar[type[RequestModel]] = TeamBody
    _update_model: ClassVar[type[RequestModel]] = TeamBody

    team_id: str = Field(frozen=True)
    name: str
    created_at: datetime | None = Field(default=None, frozen=True)
    updated_at: datetime | None = Field(default=None, frozen=True)


class AsyncTeams(AsyncNamespace[AsyncTeam]):
    """``client.teams``: the teams the API key can see."""

    __slots__ = ()
    _default_model = AsyncTeam

    def list(
        self,
        *,
        team_ids: Ids | None = None,
        name: str | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: TeamOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncTeam]:
        """Teams, filtered by ids or exact name; a page, or every item when iterated."""
        query = list_query(
            page=page,
            page_size=page_size,
            order_by=order_by,
            order_by_allowed=get_args(TeamOrder),
            order_direction=order_direction,
            filters={"team_ids": join_ids(team_ids, "team_ids"), "name": name},
        )
        return self._model.search(self._client, query, page=page)

    async def retrieve(self, team_id: str) -> AsyncTeam:
        """The team with id ``team_id``."""
        return await self._model.get(self._client, team_id)

    async def create(self, *, name: str) -> AsyncTeam:
        """Create a team."""
        return await self._model.create(self._client, name=name)

    async def update(self, team_id: str, *, name: str) -> AsyncTeam:
        """Rename team ``team_id``."""
        return await self._model.update(self._client, team_id, name=name)
