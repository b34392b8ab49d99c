"""Audit log recording.

Every successful mutating request (POST/PUT/PATCH/DELETE answered below 400) leaves at least
one audit entry in `State.audit_logs`. Handlers describe their change precisely with::

    record_audit(request, resource_type="agent", resource_id=agent_id, action="create",
                 team_id=team_id, changes={"name": "Support"})

If a handler records nothing, `audit_middleware` writes a generic entry derived from the route
(resource type from the first path segment, id from the path or the response body, action
from the method). Entries have the wire shape of the audit-log routes (``auditLogId``,
``teamId``, ``userId``, ``apiTokenId``, ``sessionId``, ``eventType``, ``resourceType``,
``resourceId``, ``action``, ``changes``, ``metadata``, ``createdAt``).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from aiohttp import web

from ._auth import MUTATING_METHODS, get_state, optional_principal
from ._errors import request_id
from ._ids import new_id, now_iso
from ._responses import Handler
from ._state import Record

AuditAction = Literal["create", "read", "update", "delete", "execute", "export", "import"]
_RECORDED_KEY = web.RequestKey("moderately.audit_recorded", bool)
_METHOD_ACTIONS: dict[str, AuditAction] = {
    "POST": "create",
    "PUT": "update",
    "PATCH": "update",
    "DELETE": "delete",
}


def record_audit(
    request: web.Request,
    *,
    resource_type: str,
    resource_id: str,
    action: AuditAction,
    team_id: str | None = None,
    changes: dict[str, Any] | None = None,
    event_type: str | None = None,
    user_id: str | None = None,
) -> Record:
    """Append an audit entry for a change made while serving `request`; return it."""
    who = optional_principal(request)
    entry: Record = {
        "auditLogId": new_id(),
        "teamId": team_id,
        "userId": user_id if user_id is not None else (who.user_id if who else None),
        "apiTokenId": who.token_id if who else None,
        "sessionId": who.session_id if who else None,
        "eventType": event_type or f"{resource_type}.{action}",
        "resourceType": resource_type,
        "resourceId": resource_id,
        "action": action,
        "changes": changes,
        "metadata": {
            "ipAddress": request.remote,
            "userAgent": request.headers.get("User-Agent"),
            "correlationId": request.headers.get("X-Correlation-Id", request_id(request)),
            "requestId": request_id(request),
        },
        "createdAt": now_iso(),
    }
    get_state(request).audit_logs[entry["auditLogId"]] = entry
    request[_RECORDED_KEY] = True
    return entry


def _resource_type(request: web.Request) -> str:
    resource = request.match_info.route.resource
    template = resource.canonical if resource is not None else request.path
    first = template.strip("/").split("/", 1)[0] or "platform"
    return first.removesuffix("s").replace("-", "_")


def _resource_id(request: web.Request, response: web.StreamResponse) -> str:
    for value in request.match_info.values():
        return value
    if isinstance(response, web.Response) and isinstance(response.body, bytes) and response.body:
        try:
            body = json.loads(response.body)
        except ValueError:
            return ""
        if isinstance(body, dict):
            for key, value in body.items():
                if key.endswith("Id") and key != "teamId" and isinstance(value, str):
                    return value
    return ""


@web.middleware
async def audit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Make sure every successful mutating request leaves an audit entry."""
    response = await handler(request)
    if (
        request.method in MUTATING_METHODS
        and response.status < 400
        and not request.get(_RECORDED_KEY)
        and request.match_info.http_exception is None
    ):
        who = optional_principal(request)
        team_id = None
        if who is not None and len(who.team_ids) == 1:
            team_id = next(iter(who.team_ids))
        record_audit(
            request,
            resource_type=_resource_type(request),
            resource_id=_resource_id(request, response),
            action=_METHOD_ACTIONS[request.method],
            team_id=team_id,
        )
    return response
