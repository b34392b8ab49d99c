"""Users: the update body and sort fields, shared by both APIs."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from .._models import RequestModel

UserOrder = Literal["created_at", "full_name"]
"""Fields users can be sorted by."""


class UserUpdate(RequestModel):
    """Body of ``PATCH /users/{userId}``."""

    what: ClassVar[str] = "users.update"
    full_name: str = Field(min_length=1, max_length=255)
