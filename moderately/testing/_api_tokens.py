"""Route family ``api-tokens``: create, list, get, update, delete tokens and read their usage.

Tokens belong to a team. Creating, updating and deleting need the admin role in that team (and
an admin-capable credential); reading needs membership. The secret is returned once, by
``POST``; afterwards only ``tokenPrefix`` and ``last4`` are shown. ``PATCH`` with
``isActive: false`` (or an ``expiresAt`` in the past) makes the token stop authenticating
(401); ``DELETE`` answers 204 and forgets it. Usage comes from the requests the emulator
served with the token (`State.token_usage`, recorded by `_app.context_middleware`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from aiohttp import web
from pydantic import Field, field_validator

from ._audit import record_audit
from ._auth import get_state, require_admin, require_member
from ._errors import bad_request
from ._ids import iso, now_iso, parse_iso, utcnow
from ._lookup import get_or_404, within
from ._pagination import PageQuery, paginate
from ._responses import empty_response, json_response
from ._state import ApiToken, State, TokenRole, UsageRecord
from ._validation import Body, Query, parse_body, parse_query


def _check_iso(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return iso(parse_iso(value))
    except ValueError:
        raise ValueError("must be an ISO 8601 date-time") from None


class TokenCreate(Body):
    """Body of ``POST /api-tokens``."""

    teamId: str
    name: str = Field(min_length=1, max_length=255)
    role: TokenRole = "member"
    expiresAt: str | None = None

    _iso = field_validator("expiresAt")(_check_iso)


class TokenPatch(Body):
    """Body of ``PATCH /api-tokens/{tokenId}``."""

    name: str | None = Field(None, min_length=1, max_length=255)
    expiresAt: str | None = None
    isActive: bool | None = None

    _iso = field_validator("expiresAt")(_check_iso)


class TokenListQuery(PageQuery):
    """Query of ``GET /api-tokens``."""

    teamId: str
    tokenIds: list[str] | None = None
    orderBy: Literal["createdAt", "name"] | None = None


class UsageQuery(Query):
    """Query of ``GET /api-tokens/{tokenId}/usage``."""

    startDate: str | None = None
    endDate: str | None = None
    endpoint: str | None = None
    method: str | None = None

    _iso = field_validator("startDate", "endDate")(_check_iso)


def _usage(state: State, token_id: str) -> list[UsageRecord]:
    return state.token_usage.get(token_id, [])


def _count_since(records: list[UsageRecord], since: datetime) -> int:
    return sum(1 for r in records if r.at >= since)


def token_wire(state: State, token: ApiToken) -> dict[str, Any]:
    """Return a token as the list, update routes serialise it."""
    return {
        "tokenId": token.token_id,
        "teamId": token.team_id,
        "name": token.name,
        "tokenPrefix": token.token_prefix,
        "last4": token.last4,
        "role": token.role,
        "createdByUserId": token.created_by_user_id,
        "expiresAt": token.expires_at,
        "lastUsedAt": token.last_used_at,
        "isActive": token.is_active,
        "createdAt": token.created_at,
        "updatedAt": token.updated_at,
        "usage7Days": _count_since(_usage(state, token.token_id), utcnow() - timedelta(days=7)),
    }


def token_detail_wire(state: State, token: ApiToken) -> dict[str, Any]:
    """Return a token as ``GET /api-tokens/{tokenId}`` serialises it."""
    body = token_wire(state, token)
    body.pop("createdByUserId")
    body.pop("usage7Days")
    creator = state.users.get(token.created_by_user_id)
    body["createdBy"] = (
        {"userId": creator.user_id, "fullName": creator.full_name, "nickname": creator.nickname}
        if creator is not None
        else None
    )
    records = _usage(state, token.token_id)
    now = utcnow()
    body["usageStats"] = {
        "totalRequests": len(records),
        "requestsLast24Hours": _count_since(records, now - timedelta(hours=24)),
        "requestsLast7Days": _count_since(records, now - timedelta(days=7)),
        "requestsLast30Days": _count_since(records, now - timedelta(days=30)),
    }
    return body


async def create_token(request: web.Request) -> web.Response:
    """Create a token in a team the caller administers."""
    body = await parse_body(request, TokenCreate)
    who = require_admin(request, body.teamId)
    state = get_state(request)
    token, secret = state.add_token(
        body.teamId, who.user_id, name=body.name, role=body.role, expires_at=body.expiresAt
    )
    record_audit(
        request,
        resource_type="api_token",
        resource_id=token.token_id,
        action="create",
        team_id=token.team_id,
        changes={"name": token.name, "role": token.role},
    )
    return json_response(
        {
            "token": secret,
            "tokenId": token.token_id,
            "name": token.name,
            "role": token.role,
            "teamId": token.team_id,
            "expiresAt": token.expires_at,
            "createdAt": token.created_at,
        },
        status=201,
    )


async def list_tokens(request: web.Request) -> web.Response:
    """List the tokens of one team."""
    query = parse_query(request, TokenListQuery)
    require_member(request, query.teamId)
    state = get_state(request)
    items = [
        token_wire(state, t)
        for t in state.tokens.values()
        if t.team_id == query.teamId and within(t.token_id, query.tokenIds)
    ]
    return json_response(paginate(items, query))


def _token(request: web.Request) -> ApiToken:
    return get_or_404(get_state(request).tokens, request.match_info["tokenId"], "API token")


async def get_token(request: web.Request) -> web.Response:
    """Return one token with usage statistics."""
    token = _token(request)
    require_member(request, token.team_id)
    return json_response(token_detail_wire(get_state(request), token))


async def patch_token(request: web.Request) -> web.Response:
    """Rename, re-date, activate or deactivate a token."""
    token = _token(request)
    require_admin(request, token.team_id)
    body = await parse_body(request, TokenPatch)
    changes: dict[str, Any] = {}
    for field, attr in (("name", "name"), ("expiresAt", "expires_at"), ("isActive", "is_active")):
        if field in body.model_fields_set:
            value = getattr(body, field)
            if field != "expiresAt" and value is None:
                raise bad_request(
                    "Field may not be null",
                    [{"field": field, "message": "may not be null", "type": "null"}],
                )
            if getattr(token, attr) != value:
                changes[field] = {"from": getattr(token, attr), "to": value}
                setattr(token, attr, value)
    token.updated_at = now_iso()
    record_audit(
        request,
        resource_type="api_token",
        resource_id=token.token_id,
        action="update",
        team_id=token.team_id,
        changes=changes,
    )
    return json_response(token_wire(get_state(request), token))


async def delete_token(request: web.Request) -> web.Response:
    """Delete a token; its secret stops working at once."""
    token = _token(request)
    require_admin(request, token.team_id)
    get_state(request).remove_token(token.token_id)
    record_audit(
        request,
        resource_type="api_token",
        resource_id=token.token_id,
        action="delete",
        team_id=token.team_id,
    )
    return empty_response(204)


async def token_usage(request: web.Request) -> web.Response:
    """Summarise the requests made with a token."""
    token = _token(request)
    require_member(request, token.team_id)
    query = parse_query(request, UsageQuery)
    start = parse_iso(query.startDate) if query.startDate else None
    end = parse_iso(query.endDate) if query.endDate else None
    records = [
        r
        for r in _usage(get_state(request), token.token_id)
        if (start is None or r.at >= start)
        and (end is None or r.at <= end)
        and (query.endpoint is None or r.endpoint == query.endpoint)
        and (query.method is None or r.method == query.method.upper())
    ]
    by_endpoint: dict[str, int] = {}
    by_method: dict[str, int] = {}
    for r in records:
        by_endpoint[r.endpoint] = by_endpoint.get(r.endpoint, 0) + 1
        by_method[r.method] = by_method.get(r.method, 0) + 1
    total = len(records)
    return json_response(
        {
            "totalRequests": total,
            "requestsByEndpoint": by_endpoint,
            "requestsByMethod": by_method,
            "averageResponseTime": (sum(r.duration_ms for r in records) / total) if total else 0,
            "errorRate": (sum(1 for r in records if r.status >= 400) / total) if total else 0,
        }
    )


def register(app: web.Application) -> None:
    """Add the API token routes."""
    app.router.add_post("/api-tokens", create_token)
    app.router.add_get("/api-tokens", list_tokens, allow_head=False)
    app.router.add_get("/api-tokens/{tokenId}", get_token, allow_head=False)
    app.router.add_patch("/api-tokens/{tokenId}", patch_token)
    app.router.add_delete("/api-tokens/{tokenId}", delete_token)
    app.router.add_get("/api-tokens/{tokenId}/usage", token_usage, allow_head=False)
