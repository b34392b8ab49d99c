"""Route family ``audit-logs``: list, get, history of one entity, actions of one user.

Entries are written by `_audit.record_audit` / `audit_middleware`. A caller sees entries of
their teams, plus entries without a team that they made themselves. Filtering on a team the
caller is not in answers 403, as does asking for the history of a user who shares no team.
"""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import field_validator

from ._auth import Principal, get_state, principal, scope_team_ids
from ._errors import forbidden
from ._ids import iso, parse_iso
from ._lookup import get_or_404, within
from ._pagination import PageQuery, paginate
from ._responses import json_response
from ._state import public
from ._users import visible_user_ids
from ._validation import parse_query

Action = Literal["create", "read", "update", "delete", "execute", "export", "import"]


def _check_iso(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return iso(parse_iso(value))
    except ValueError:
        raise ValueError("must be an ISO 8601 date or date-time") from None


class AuditQuery(PageQuery):
    """Filters shared by the audit-log list routes."""

    orderBy: Literal["createdAt", "eventType", "resourceType", "action"] | None = None
    teamId: str | None = None
    userId: str | None = None
    apiTokenId: str | None = None
    resourceType: str | None = None
    resourceId: str | None = None
    eventType: str | None = None
    action: Action | None = None
    startDate: str | None = None
    endDate: str | None = None
    userIds: list[str] | None = None
    apiTokenIds: list[str] | None = None
    resourceIds: list[str] | None = None

    _iso = field_validator("startDate", "endDate")(_check_iso)


def _visible(entry: dict[str, Any], who: Principal) -> bool:
    team = entry.get("teamId")
    if team is not None:
        return team in who.team_ids
    return entry.get("userId") == who.user_id


def _eq(value: Any, wanted: Any) -> bool:
    return wanted is None or value == wanted


def _filtered(request: web.Request, query: AuditQuery) -> list[dict[str, Any]]:
    who = principal(request)
    teams = scope_team_ids(request, None if query.teamId is None else [query.teamId])
    result = []
    for entry in get_state(request).audit_logs.values():
        if not _visible(entry, who):
            continue
        if query.teamId is not None and entry["teamId"] not in teams:
            continue
        created = entry["createdAt"]
        if (
            _eq(entry["userId"], query.userId)
            and _eq(entry["apiTokenId"], query.apiTokenId)
            and _eq(entry["resourceType"], query.resourceType)
            and _eq(entry["resourceId"], query.resourceId)
            and _eq(entry["eventType"], query.eventType)
            and _eq(entry["action"], query.action)
            and (query.startDate is None or created >= query.startDate)
            and (query.endDate is None or created <= query.endDate)
            and within(entry["userId"], query.userIds)
            and within(entry["apiTokenId"], query.apiTokenIds)
            and within(entry["resourceId"], query.resourceIds)
        ):
            result.append(public(entry))
    return result


async def list_audit_logs(request: web.Request) -> web.Response:
    """List the audit entries the caller may see, filtered."""
    query = parse_query(request, AuditQuery)
    return json_response(paginate(_filtered(request, query), query))


async def get_audit_log(request: web.Request) -> web.Response:
    """Return one audit entry."""
    entry = get_or_404(get_state(request).audit_logs, request.match_info["auditLogId"], "audit log")
    if not _visible(entry, principal(request)):
        raise forbidden("This audit entry belongs to another team")
    return json_response(public(entry))


async def entity_history(request: web.Request) -> web.Response:
    """List the audit entries of one entity."""
    query = parse_query(request, AuditQuery)
    entity_type, entity_id = request.match_info["entityType"], request.match_info["entityId"]
    who = principal(request)
    every = [
        e
        for e in get_state(request).audit_logs.values()
        if e["resourceType"] == entity_type and e["resourceId"] == entity_id
    ]
    if every and not any(_visible(e, who) for e in every):
        raise forbidden("This entity belongs to another team")
    items = [
        e
        for e in _filtered(request, query)
        if e["resourceType"] == entity_type and e["resourceId"] == entity_id
    ]
    return json_response(paginate(items, query))


async def user_history(request: web.Request) -> web.Response:
    """List the audit entries of actions by one user."""
    query = parse_query(request, AuditQuery)
    user_id = request.match_info["userId"]
    who = principal(request)
    if user_id not in visible_user_ids(get_state(request), who.team_ids, who.user_id):
        raise forbidden("This user shares no team with you")
    items = [e for e in _filtered(request, query) if e["userId"] == user_id]
    return json_response(paginate(items, query))


def register(app: web.Application) -> None:
    """Add the audit-log routes."""
    app.router.add_get("/audit-logs", list_audit_logs, allow_head=False)
    app.router.add_get("/audit-logs/{auditLogId}", get_audit_log, allow_head=False)
    app.router.add_get(
        "/audit-logs/entity/{entityType}/{entityId}", entity_history, allow_head=False
    )
    app.router.add_get("/audit-logs/user/{userId}", user_history, allow_head=False)
