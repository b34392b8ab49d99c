"""API tokens: roles, request bodies and the usage query, shared by both APIs."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal, TypedDict

from pydantic import AwareDatetime, Field

from .._errors import InvalidArgumentError
from .._models import RequestModel
from .._params import iso_when
from .._request import Query

TokenRole = Literal["member", "admin", "readonly"]
"""What a token may do: ``readonly`` only reads, ``member`` cannot administer the team."""
ApiTokenOrder = Literal["created_at", "name"]
"""Fields API tokens can be sorted by."""


class ApiTokenCreate(RequestModel):
    """Body of ``POST /api-tokens``."""

    what: ClassVar[str] = "api_tokens.create"
    team_id: str = Field(min_length=1)
    name: str = Field(min_length=1, max_length=255)
    role: TokenRole = "member"
    expires_at: AwareDatetime | None = None


class ApiTokenChanges(TypedDict, total=False):
    """Fields an API-token update may change."""

    name: str
    expires_at: datetime | None
    is_active: bool


class ApiTokenUpdate(RequestModel):
    """Body of ``PATCH /api-tokens/{tokenId}``."""

    what: ClassVar[str] = "api_tokens.update"
    # Defaults are never sent (wire() leaves out unset fields); they only make fields optional.
    name: str = Field(default="", min_length=1, max_length=255)
    expires_at: AwareDatetime | None = None
    is_active: bool = True


def usage_query(
    start_date: datetime | date | None,
    end_date: datetime | date | None,
    endpoint: str | None,
    method: str | None,
) -> Query:
    for name, value in (("endpoint", endpoint), ("method", method)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise InvalidArgumentError(f"{name} must be a non-empty string; got {value!r}")
    return {
        "startDate": iso_when(start_date, "start_date"),
        "endDate": iso_when(end_date, "end_date"),
        "endpoint": endpoint,
        # HTTP methods are upper-case tokens; accept "get" as well.
        "method": method.upper() if method is not None else None,
    }
