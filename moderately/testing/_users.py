"""Route family ``users``: ``GET /users``, ``GET /users/{userId}``, ``PATCH /users/{userId}``.

A caller sees the users who share at least one team with them (themselves included) and may
only update their own profile.
"""

from __future__ import annotations

from typing import Literal

from aiohttp import web
from pydantic import Field

from ._audit import record_audit
from ._auth import get_state, principal, scope_team_ids
from ._errors import forbidden
from ._ids import now_iso
from ._lookup import get_or_404, like, within
from ._pagination import PageQuery, paginate
from ._responses import empty_response, json_response
from ._state import State, User
from ._validation import Body, parse_body, parse_query


class UserListQuery(PageQuery):
    """Query of ``GET /users``."""

    userIds: list[str] | None = None
    userEmails: list[str] | None = None
    teamIds: list[str] | None = None
    fullNameLike: str | None = None
    nicknameLike: str | None = None
    orderBy: Literal["createdAt", "fullName"] | None = None


class UserPatch(Body):
    """Body of ``PATCH /users/{userId}``."""

    fullName: str = Field(min_length=1, max_length=255)


def visible_user_ids(state: State, team_ids: frozenset[str], user_id: str) -> set[str]:
    """Return the users who share one of `team_ids` with the caller, plus the caller."""
    found = {m.user_id for m in state.team_users.values() if m.team_id in team_ids}
    found.add(user_id)
    return found


def _visible(request: web.Request, user: User) -> None:
    who = principal(request)
    if user.user_id not in visible_user_ids(get_state(request), who.team_ids, who.user_id):
        raise forbidden("This user shares no team with you")


async def get_user(request: web.Request) -> web.Response:
    """Return one user."""
    user = get_or_404(get_state(request).users, request.match_info["userId"], "user")
    _visible(request, user)
    return json_response(user.wire())


async def patch_user(request: web.Request) -> web.Response:
    """Update the caller's own profile."""
    state = get_state(request)
    user = get_or_404(state.users, request.match_info["userId"], "user")
    if user.user_id != principal(request).user_id:
        _visible(request, user)
        raise forbidden("You can only update your own profile")
    body = await parse_body(request, UserPatch)
    before = user.full_name
    user.full_name = body.fullName
    user.updated_at = now_iso()
    record_audit(
        request,
        resource_type="user",
        resource_id=user.user_id,
        action="update",
        changes={"fullName": {"from": before, "to": body.fullName}},
    )
    return empty_response(200)


async def list_users(request: web.Request) -> web.Response:
    """List the users the caller can see, filtered."""
    query = parse_query(request, UserListQuery)
    state = get_state(request)
    who = principal(request)
    teams = scope_team_ids(request, query.teamIds)
    members = {m.user_id for m in state.team_users.values() if m.team_id in teams}
    if query.teamIds is None:
        members.add(who.user_id)
    emails = {e.casefold() for e in query.userEmails} if query.userEmails else None
    items = [
        u.wire()
        for u in state.users.values()
        if u.user_id in members
        and within(u.user_id, query.userIds)
        and within(u.email.casefold(), emails)
        and like(u.full_name, query.fullNameLike)
        and like(u.nickname, query.nicknameLike)
    ]
    return json_response(paginate(items, query))


def register(app: web.Application) -> None:
    """Add the user routes."""
    app.router.add_get("/users", list_users, allow_head=False)
    app.router.add_get("/users/{userId}", get_user, allow_head=False)
    app.router.add_patch("/users/{userId}", patch_user)
