"""API tokens: team credentials for programs, with their usage."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar, Unpack, get_args

from pydantic import Field

from ..._config import Secret
from ..._identity import ApiTokenCreator, ApiTokenUsage, ApiTokenUsageStats
from ..._models import RequestModel
from ..._params import Direction, Ids, join_ids, list_query
from ..._parsing import parse_as
from ..._request import Query, build_path, require_id
from ..._response import Response
from ..._shapes.api_tokens import (
    ApiTokenChanges,
    ApiTokenCreate,
    ApiTokenOrder,
    ApiTokenUpdate,
    TokenRole,
    usage_query,
)
from .._namespace import AsyncNamespace
from .._pagination import AsyncPageRequest
from .._resource import (
    AsyncCreatable,
    AsyncDeletable,
    AsyncGettable,
    AsyncSavable,
    AsyncSearchable,
)

if TYPE_CHECKING:
    from .._client import AsyncModeratelyAI


class AsyncApiToken(AsyncSearchable, AsyncGettable, AsyncCreatable, AsyncSavable, AsyncDeletable):
    """An API token of a team; change ``name``, ``expires_at`` or ``is_active`` and ``save()``.

    ``token`` holds the secret only on the object ``create()`` returned (the platform shows it
    once); it is a `Secret`, masked in repr, str and dumps: call ``token.token.reveal()`` to read
    it. Other loads carry ``token_prefix`` and ``last4`` instead.
    """

    _path: ClassVar[str] = "/api-tokens"
    _id_field: ClassVar[str] = "token_id"
    _create_model: ClassVar[type[RequestModel]] = ApiTokenCreate
    _update_model: ClassVar[type[RequestModel]] = ApiTokenUpdate

    token_id: str = Field(frozen=True)
    team_id: str = Field(frozen=True)
    name: str
    role: str = Field(frozen=True)
    expires_at: datetime | None = None
    is_active: bool | None = None
    token: Secret | None = Field(default=None, frozen=True)
    token_prefix: str | None = Field(default=None, frozen=True)
    last4: str | None = Field(default=None, frozen=True)
    created_by_user_id: str | None = Field(default=None, frozen=True)
    created_by: ApiTokenCreator | None = Field(default=None, frozen=True)
    last_used_at: datetime | None = Field(default=None, frozen=True)
    created_at: datetime | None = Field(default=None, frozen=True)
    updated_at: datetime | None = Field(default=None, frozen=True)
    usage_7_days: float | None = Field(default=None, frozen=True)
    """Requests in the last 7 days (on objects from ``list`` and ``update``)."""
    usage_stats: ApiTokenUsageStats | None = Field(default=None, frozen=True)
    """Request counts per window (on objects from ``retrieve``)."""

    def _absorb(self, response: Response) -> None:
        secret = self.token
        super()._absorb(response)
        if secret is not None and self.token is None:
            # The secret is shown only once, at creation: a later save or refresh keeps it.
            self.__dict__["token"] = secret

    async def usage(
        self,
        *,
        start_date: datetime | date | None = None,
        end_date: datetime | date | None = None,
        endpoint: str | None = None,
        method: str | None = None,
    ) -> ApiTokenUsage:
        """Usage of this token, optionally within dates, for one endpoint or HTTP method."""
        query = usage_query(start_date, end_date, endpoint, method)
        return await _fetch_usage(self.client, self.token_id, query)


async def _fetch_usage(client: AsyncModeratelyAI, token_id: str, query: Query) -> ApiTokenUsage:
    path = build_path("/api-tokens/{}/usage", require_id(token_id, "token_id"))
    return parse_as(ApiTokenUsage, await client._request("GET", path, params=query))


class AsyncApiTokens(AsyncNamespace[AsyncApiToken]):
    """``client.api_tokens``: the team's API tokens and their usage."""

    __slots__ = ()
    _default_model = AsyncApiToken

    def list(
        self,
        *,
        token_ids: Ids | None = None,
        team_id: str | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: ApiTokenOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncApiToken]:
        """Tokens of the client's team (or ``team_id``): a page, or every item when iterated."""
        team = team_id if team_id is not None else self._client._config.require_team("api_tokens")
        query = list_query(
            page=page,
            page_size=page_size,
            order_by=order_by,
            order_by_allowed=get_args(ApiTokenOrder),
            order_direction=order_direction,
            filters={
                "team_id": require_id(team, "team_id"),
                "token_ids": join_ids(token_ids, "token_ids"),
            },
        )
        return self._model.search(self._client, query, page=page)

    async def retrieve(self, token_id: str) -> AsyncApiToken:
        """The token with id ``token_id``, with its creator and usage counts."""
        return await self._model.get(self._client, token_id)

    async def create(
        self,
        *,
        name: str,
        role: TokenRole | None = None,
        expires_at: datetime | None = None,
        team_id: str | None = None,
    ) -> AsyncApiToken:
        """Create a token in the client's team (or ``team_id``); its ``token`` holds the secret."""
        team = team_id if team_id is not None else self._client._config.require_team("api_tokens")
        fields: dict[str, object] = {"team_id": team, "name": name}
        if role is not None:
            fields["role"] = role
        if expires_at is not None:
            fields["expires_at"] = expires_at
        return await self._model.create(self._client, **fields)

    async def update(self, token_id: str, **changes: Unpack[ApiTokenChanges]) -> AsyncApiToken:
        """Rename, re-date, (de)activate token ``token_id``; ``expires_at=None`` clears the date."""
        return await self._model.update(self._client, token_id, **changes)

    async def delete(self, token_id: str) -> None:
        """Delete token ``token_id``; requests made with it fail from then on."""
        await self._model.delete_by_id(self._client, token_id)

    async def usage(
        self,
        token_id: str,
        *,
        start_date: datetime | date | None = None,
        end_date: datetime | date | None = None,
        endpoint: str | None = None,
        method: str | None = None,
    ) -> ApiTokenUsage:
        """Usage of token ``token_id``, optionally within dates, for one endpoint or method."""
        query = usage_query(start_date, end_date, endpoint, method)
        return await _fetch_usage(self._client, token_id, query)
