"""Route family ``team-users``: memberships of users in teams.

Members of a team see its memberships. Changing a role needs the team's admin role; a user may
also change their own ``isDefault`` and leave a team. Setting ``isDefault`` clears the flag on
the user's other memberships. The contract has no route to add members; tests use
`Emulator.add_member`.
"""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web

from ._audit import record_audit
from ._auth import get_state, require_admin, require_member, scope_team_ids
from ._ids import now_iso
from ._lookup import get_or_404, like, within
from ._pagination import PageQuery, paginate
from ._responses import json_response
from ._state import State, TeamRole, TeamUser, public
from ._validation import Body, parse_body, parse_query


class TeamUserListQuery(PageQuery):
    """Query of ``GET /team-users``."""

    teamUserIds: list[str] | None = None
    teamIds: list[str] | None = None
    userIds: list[str] | None = None
    roles: list[Literal["admin", "member"]] | None = None
    nameLike: str | None = None
    emailLike: str | None = None
    orderBy: Literal["name", "role", "createdAt", "updatedAt"] | None = None


class TeamUserPatch(Body):
    """Body of ``PATCH /team-users/{teamUserId}``."""

    isDefault: bool | None = None
    role: TeamRole | None = None


def team_user_wire(state: State, membership: TeamUser) -> dict[str, Any]:
    """Return a membership as the platform serialises it."""
    user = state.users.get(membership.user_id)
    return {
        "teamUserId": membership.team_user_id,
        "teamId": membership.team_id,
        "userId": membership.user_id,
        "role": membership.role,
        "isDefault": membership.is_default,
        "createdAt": membership.created_at,
        "updatedAt": membership.updated_at,
        "email": user.email if user else None,
        # Private: lets `orderBy=name` and `nameLike` use the user's name.
        "_name": user.full_name if user else None,
    }


async def get_team_user(request: web.Request) -> web.Response:
    """Return one membership."""
    state = get_state(request)
    membership = get_or_404(state.team_users, request.match_info["teamUserId"], "team user")
    require_member(request, membership.team_id)
    return json_response(public(team_user_wire(state, membership)))


async def patch_team_user(request: web.Request) -> web.Response:
    """Change a membership's role or default flag."""
    state = get_state(request)
    membership = get_or_404(state.team_users, request.match_info["teamUserId"], "team user")
    who = require_member(request, membership.team_id)
    body = await parse_body(request, TeamUserPatch)
    if body.role is not None or membership.user_id != who.user_id:
        require_admin(request, membership.team_id)
    changes: dict[str, Any] = {}
    if body.role is not None and body.role != membership.role:
        changes["role"] = {"from": membership.role, "to": body.role}
        membership.role = body.role
    if body.isDefault is not None and body.isDefault != membership.is_default:
        changes["isDefault"] = {"from": membership.is_default, "to": body.isDefault}
        if body.isDefault:
            for other in state.team_users.values():
                if other.user_id == membership.user_id and other.is_default:
                    other.is_default = False
                    other.updated_at = now_iso()
        membership.is_default = body.isDefault
    membership.updated_at = now_iso()
    record_audit(
        request,
        resource_type="team_user",
        resource_id=membership.team_user_id,
        action="update",
        team_id=membership.team_id,
        changes=changes,
    )
    return json_response(public(team_user_wire(state, membership)))


async def delete_team_user(request: web.Request) -> web.Response:
    """Remove a user from a team (admins, or the user leaving)."""
    state = get_state(request)
    membership = get_or_404(state.team_users, request.match_info["teamUserId"], "team user")
    who = require_member(request, membership.team_id)
    if membership.user_id != who.user_id:
        require_admin(request, membership.team_id)
    del state.team_users[membership.team_user_id]
    record_audit(
        request,
        resource_type="team_user",
        resource_id=membership.team_user_id,
        action="delete",
        team_id=membership.team_id,
    )
    return json_response({"message": "Team user deleted"})


async def list_team_users(request: web.Request) -> web.Response:
    """List memberships of the caller's teams, filtered."""
    query = parse_query(request, TeamUserListQuery)
    state = get_state(request)
    teams = scope_team_ids(request, query.teamIds)
    items = [
        team_user_wire(state, m)
        for m in state.team_users.values()
        if m.team_id in teams
        and within(m.team_user_id, query.teamUserIds)
        and within(m.user_id, query.userIds)
        and within(m.role, query.roles)
    ]
    items = [
        i for i in items if like(i["_name"], query.nameLike) and like(i["email"], query.emailLike)
    ]
    page = paginate(items, query, sort_keys={"name": lambda i: i["_name"]})
    page["items"] = [public(i) for i in page["items"]]
    return json_response(page)


def register(app: web.Application) -> None:
    """Add the team-user routes."""
    app.router.add_get("/team-users", list_team_users, allow_head=False)
    app.router.add_get("/team-users/{teamUserId}", get_team_user, allow_head=False)
    app.router.add_patch("/team-users/{teamUserId}", patch_team_user)
    app.router.add_delete("/team-users/{teamUserId}", delete_team_user)
