"""Team users: the membership of one user in one team, with a role."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Unpack, get_args

from pydantic import Field

from ..._models import RequestModel
from ..._params import Direction, Ids, join_choices, join_ids, list_query
from ..._shapes.team_users import TeamRole, TeamUserChanges, TeamUserOrder, TeamUserUpdate
from .._namespace import AsyncNamespace
from .._pagination import AsyncPageRequest
from .._resource import AsyncDeletable, AsyncGettable, AsyncSavable, AsyncSearchable


class AsyncTeamUser(AsyncSearchable, AsyncGettable, AsyncSavable, AsyncDeletable):
    """A user's membership of a team; change ``role`` or ``is_default`` and ``save()``."""

    _path: ClassVar[str] = "/team-users"
    _id_field: ClassVar[str] = "team_user_id"
    _update_model: ClassVar[type[RequestModel]] = TeamUserUpdate

    team_user_id: str = Field(frozen=True)
    team_id: str = Field(frozen=True)
    user_id: str = Field(frozen=True)
    # A plain string, so a role the platform adds later still loads; updates are checked.
    role: str
    is_default: bool = False
    email: str | None = Field(default=None, frozen=True)
    created_at: datetime | None = Field(default=None, frozen=True)
    updated_at: datetime | None = Field(default=None, frozen=True)

    @property
    def is_admin(self) -> bool:
        """True when the user administers the team."""
        return self.role == "admin"


class AsyncTeamUsers(AsyncNamespace[AsyncTeamUser]):
    """``client.team_users``: who belongs to the team, with which role."""

    __slots__ = ()
    _default_model = AsyncTeamUser

    def list(
        self,
        *,
        team_user_ids: Ids | None = None,
        team_ids: Ids | None = None,
        user_ids: Ids | None = None,
        roles: TeamRole | list[TeamRole] | tuple[TeamRole, ...] | None = None,
        name_like: str | None = None,
        email_like: str | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: TeamUserOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncTeamUser]:
        """Members of the client's team (or ``team_ids``; every visible team if neither is set)."""
        teams = join_ids(team_ids, "team_ids") or self._client._config.team_id
        query = list_query(
            page=page,
            page_size=page_size,
            order_by=order_by,
            order_by_allowed=get_args(TeamUserOrder),
            order_direction=order_direction,
            filters={
                "team_user_ids": join_ids(team_user_ids, "team_user_ids"),
                "team_ids": teams,
                "user_ids": join_ids(user_ids, "user_ids"),
                "roles": join_choices(roles, get_args(TeamRole), "roles"),
                "name_like": name_like,
                "email_like": email_like,
            },
        )
        return self._model.search(self._client, query, page=page)

    async def retrieve(self, team_user_id: str) -> AsyncTeamUser:
        """The membership with id ``team_user_id``."""
        return await self._model.get(self._client, team_user_id)

    async def update(self, team_user_id: str, **changes: Unpack[TeamUserChanges]) -> AsyncTeamUser:
        """Change the role or default flag of membership ``team_user_id``."""
        return await self._model.update(self._client, team_user_id, **changes)

    async def delete(self, team_user_id: str) -> None:
        """Remove the user of membership ``team_user_id`` from its team."""
        await self._model.delete_by_id(self._client, team_user_id)
