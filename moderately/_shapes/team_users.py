"""Team users: roles, sort fields and the update body, shared by both APIs."""

from __future__ import annotations

from typing import ClassVar, Literal, TypedDict

from .._models import RequestModel

TeamRole = Literal["admin", "member"]
"""Roles a user can have in a team."""
TeamUserOrder = Literal["name", "role", "created_at", "updated_at"]
"""Fields team users can be sorted by."""


class TeamUserChanges(TypedDict, total=False):
    """Fields a team-user update may change."""

    role: TeamRole
    is_default: bool


class TeamUserUpdate(RequestModel):
    """Body of ``PATCH /team-users/{teamUserId}``."""

    what: ClassVar[str] = "team_users.update"
    # Defaults are never sent (wire() leaves out unset fields); they only make fields optional.
    role: TeamRole = "member"
    is_default: bool = False
