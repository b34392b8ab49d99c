"""A fully read HTTP response, independent of the client library that produced it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Response:
    """Status, headers and body of one answered attempt."""

    method: str
    url: str
    """The URL with any signature in its query redacted, safe to log or show."""
    status: int
    headers: Mapping[str, str]
    content: bytes
    request_id: str | None
    idempotency_key: str | None = None
