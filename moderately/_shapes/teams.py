"""Teams: the request body and sort fields, shared by both APIs."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from .._models import RequestModel

TeamOrder = Literal["created_at", "updated_at", "name"]
"""Fields teams can be sorted by."""


class TeamBody(RequestModel):
    """Body of ``POST /teams`` and ``PATCH /teams/{teamId}``."""

    what: ClassVar[str] = "teams"
    name: str = Field(min_length=1, max_length=255)
