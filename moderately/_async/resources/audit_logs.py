"""Audit logs: who did what to which object, and when (read-only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import Field

from ..._errors import InvalidArgumentError
from ..._identity import AuditLogMetadata
from ..._params import Direction, Ids
from ..._request import build_path, require_id
from ..._shapes.audit_logs import AuditAction, AuditLogOrder, audit_query
from .._namespace import AsyncNamespace
from .._pagination import AsyncPageRequest
from .._resource import AsyncGettable, AsyncSearchable


class AsyncAuditLog(AsyncSearchable, AsyncGettable):
    """One audited action: the actor, the object acted on, the changes and where it came from."""

    _path: ClassVar[str] = "/audit-logs"
    _id_field: ClassVar[str] = "audit_log_id"

    audit_log_id: str = Field(frozen=True)
    team_id: str | None = Field(default=None, frozen=True)
    user_id: str | None = Field(default=None, frozen=True)
    api_token_id: str | None = Field(default=None, frozen=True)
    session_id: str | None = Field(default=None, frozen=True)
    event_type: str = Field(frozen=True)
    resource_type: str = Field(frozen=True)
    resource_id: str = Field(frozen=True)
    # A plain string, so an action the platform adds later still loads.
    action: str = Field(frozen=True)
    changes: dict[str, Any] | None = Field(default=None, frozen=True)
    metadata: AuditLogMetadata | None = Field(default=None, frozen=True)
    created_at: datetime | None = Field(default=None, frozen=True)


class AsyncAuditLogs(AsyncNamespace[AsyncAuditLog]):
    """``client.audit_logs``: the audit trail of the teams the API key belongs to."""

    __slots__ = ()
    _default_model = AsyncAuditLog

    def list(
        self,
        *,
        team_id: str | None = None,
        user_id: str | None = None,
        user_ids: Ids | None = None,
        api_token_id: str | None = None,
        api_token_ids: Ids | None = None,
        resource_type: str | None = None,
        resource_id: str | None = None,
        resource_ids: Ids | None = None,
        event_type: str | None = None,
        action: AuditAction | None = None,
        start_date: datetime | date | None = None,
        end_date: datetime | date | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: AuditLogOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncAuditLog]:
        """Audit entries the key may see, filtered; every visible team unless ``team_id``."""
        query = audit_query(locals())
        return self._model.search(self._client, query, page=page)

    async def retrieve(self, audit_log_id: str) -> AsyncAuditLog:
        """The audit entry with id ``audit_log_id``."""
        return await self._model.get(self._client, audit_log_id)

    def for_entity(
        self,
        entity_type: str,
        entity_id: str,
        *,
        team_id: str | None = None,
        user_id: str | None = None,
        user_ids: Ids | None = None,
        api_token_id: str | None = None,
        api_token_ids: Ids | None = None,
        event_type: str | None = None,
        action: AuditAction | None = None,
        start_date: datetime | date | None = None,
        end_date: datetime | date | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: AuditLogOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncAuditLog]:
        """The history of one object (``entity_type`` such as ``"agent"``, and its id)."""
        kind = require_id(entity_type, "entity_type")
        if len(kind) > 50:
            raise InvalidArgumentError(f"entity_type is at most 50 characters; got {len(kind)}")
        path = build_path("/audit-logs/entity/{}/{}", kind, require_id(entity_id, "entity_id"))
        query = audit_query(locals())
        return self._model.search(self._client, query, page=page, path=path)

    def for_user(
        self,
        user_id: str,
        *,
        team_id: str | None = None,
        api_token_id: str | None = None,
        api_token_ids: Ids | None = None,
        resource_type: str | None = None,
        resource_id: str | None = None,
        resource_ids: Ids | None = None,
        event_type: str | None = None,
        action: AuditAction | None = None,
        start_date: datetime | date | None = None,
        end_date: datetime | date | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: AuditLogOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncAuditLog]:
        """The actions of user ``user_id``, filtered like ``list``."""
        path = build_path("/audit-logs/user/{}", require_id(user_id, "user_id"))
        args = {k: v for k, v in locals().items() if k != "user_id"}
        query = audit_query(args)
        return self._model.search(self._client, query, page=page, path=path)
