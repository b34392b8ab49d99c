"""Users: people with access to the platform."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar, Self, get_args

from pydantic import Field

from ..._models import RequestModel
from ..._params import Direction, Ids, join_ids, list_query
from ..._shapes.users import UserOrder, UserUpdate
from .._namespace import AsyncNamespace
from .._pagination import AsyncPageRequest
from .._resource import AsyncGettable, AsyncSavable, AsyncSearchable


class AsyncUser(AsyncSearchable, AsyncGettable, AsyncSavable):
    """A user; change ``full_name`` and ``save()``."""

    _path: ClassVar[str] = "/users"
    _id_field: ClassVar[str] = "user_id"
    _update_model: ClassVar[type[RequestModel]] = UserUpdate

    user_id: str = Field(frozen=True)
    full_name: str
    nickname: str | None = Field(default=None, frozen=True)
    created_at: datetime | None = Field(default=None, frozen=True)
    updated_at: datetime | None = Field(default=None, frozen=True)

    def display_name(self) -> str:
        """The name to show: the nickname when the user has one, else the full name."""
        return self.nickname or self.full_name

    def formatted_created_at(self, fmt: str = "%Y-%m-%d %H:%M UTC") -> str | None:
        """When the user was created, in UTC, formatted with ``fmt``; None if unknown."""
        if self.created_at is None:
            return None
        when = self.created_at
        if when.tzinfo is not None:
            when = when.astimezone(UTC)
        return when.strftime(fmt)

    async def update_profile(self, *, full_name: str) -> Self:
        """Change the full name and save it at once; returns ``self``."""
        # Checked before assigning, so a refused name leaves this object as it was.
        UserUpdate.check(full_name=full_name)
        self.full_name = full_name
        return await self.save()


class AsyncUsers(AsyncNamespace[AsyncUser]):
    """``client.users``: users visible to the API key."""

    __slots__ = ()
    _default_model = AsyncUser

    def list(
        self,
        *,
        user_ids: Ids | None = None,
        user_emails: Ids | None = None,
        team_ids: Ids | None = None,
        full_name_like: str | None = None,
        nickname_like: str | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: UserOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncUser]:
        """Users matching the filters: a page, or every item when iterated."""
        query = list_query(
            page=page,
            page_size=page_size,
            order_by=order_by,
            order_by_allowed=get_args(UserOrder),
            order_direction=order_direction,
            filters={
                "user_ids": join_ids(user_ids, "user_ids"),
                "user_emails": join_ids(user_emails, "user_emails"),
                "team_ids": join_ids(team_ids, "team_ids"),
                "full_name_like": full_name_like,
                "nickname_like": nickname_like,
            },
        )
        return self._model.search(self._client, query, page=page)

    async def retrieve(self, user_id: str) -> AsyncUser:
        """The user with id ``user_id``."""
        return await self._model.get(self._client, user_id)

    async def update(self, user_id: str, *, full_name: str) -> AsyncUser:
        """Change the full name of user ``user_id``."""
        return await self._model.update(self._client, user_id, full_name=full_name)
