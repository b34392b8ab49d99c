"""Agents: request bodies and sort fields, shared by both APIs."""

from __future__ import annotations

from typing import ClassVar, Literal, TypedDict

from pydantic import Field

from .._models import RequestModel

AgentOrder = Literal["name", "created_at", "updated_at"]
"""Fields agents can be sorted by."""


class AgentCreate(RequestModel):
    """Body of ``POST /agents``."""

    what: ClassVar[str] = "agents.create"
    team_id: str
    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=1000)


class AgentChanges(TypedDict, total=False):
    """Fields an agent update may change."""

    name: str
    description: str | None


class AgentUpdate(RequestModel):
    """Body of ``PATCH /agents/{agentId}``."""

    what: ClassVar[str] = "agents.update"
    # Defaults are never sent (wire() leaves out unset fields); they only make fields optional.
    name: str = Field(default="", min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=1000)
