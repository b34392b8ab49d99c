"""Route family ``teams``: list, get, create (200, creator becomes admin) and rename teams.

Callers see only teams they belong to; renaming needs the admin role. ``PATCH`` on a team the
caller is not in (or that does not exist) answers 403, as the contract lists no 404 there.
"""

from __future__ import annotations

from typing import Literal

from aiohttp import web
from pydantic import Field

from ._audit import record_audit
from ._auth import get_state, principal, require_admin, require_member, scope_team_ids
from ._ids import now_iso
from ._lookup import get_or_404, within
from ._pagination import PageQuery, paginate
from ._responses import json_response
from ._validation import Body, parse_body, parse_query


class TeamListQuery(PageQuery):
    """Query of ``GET /teams``."""

    teamIds: list[str] | None = None
    name: str | None = None
    orderBy: Literal["createdAt", "updatedAt", "name"] | None = None


class TeamCreate(Body):
    """Body of ``POST /teams``."""

    name: str = Field(min_length=1, max_length=255)


class TeamPatch(Body):
    """Body of ``PATCH /teams/{teamId}``."""

    name: str | None = Field(None, min_length=1, max_length=255)


async def get_team(request: web.Request) -> web.Response:
    """Return one team the caller belongs to."""
    team = get_or_404(get_state(request).teams, request.match_info["teamId"], "team")
    require_member(request, team.team_id)
    return json_response(team.wire())


async def patch_team(request: web.Request) -> web.Response:
    """Rename a team (admins only)."""
    team_id = request.match_info["teamId"]
    require_admin(request, team_id)
    body = await parse_body(request, TeamPatch)
    team = get_state(request).teams[team_id]
    changes = {}
    if body.name is not None and body.name != team.name:
        changes["name"] = {"from": team.name, "to": body.name}
        team.name = body.name
        team.updated_at = now_iso()
    record_audit(
        request,
        resource_type="team",
        resource_id=team_id,
        action="update",
        team_id=team_id,
        changes=changes,
    )
    return json_response(team.wire())


async def create_team(request: web.Request) -> web.Response:
    """Create a team with the caller as its admin."""
    body = await parse_body(request, TeamCreate)
    state = get_state(request)
    team = state.add_team(body.name)
    state.add_membership(team.team_id, principal(request).user_id, "admin")
    record_audit(
        request,
        resource_type="team",
        resource_id=team.team_id,
        action="create",
        team_id=team.team_id,
        changes={"name": body.name},
    )
    return json_response(team.wire(), status=200)


async def list_teams(request: web.Request) -> web.Response:
    """List the caller's teams, filtered."""
    query = parse_query(request, TeamListQuery)
    # The contract lists no 403 for this route, so foreign teams are simply not shown.
    teams = scope_team_ids(request, query.teamIds, strict=False)
    items = [
        t.wire()
        for t in get_state(request).teams.values()
        if t.team_id in teams and within(t.name, None if query.name is None else {query.name})
    ]
    return json_response(paginate(items, query))


def register(app: web.Application) -> None:
    """Add the team routes."""
    app.router.add_get("/teams", list_teams, allow_head=False)
    app.router.add_post("/teams", create_team)
    app.router.add_get("/teams/{teamId}", get_team, allow_head=False)
    app.router.add_patch("/teams/{teamId}", patch_team)
