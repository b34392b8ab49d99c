"""Identifiers and timestamps in the platform's formats.

`new_id()` gives a 21-character nanoid (alphabet ``A-Za-z0-9_-``); `iso(dt)` and `now_iso()`
give ISO 8601 UTC with milliseconds and a ``Z`` suffix, e.g. ``2024-01-15T10:00:00.000Z``;
`parse_iso()` reads such strings (and other ISO 8601 forms) back.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

NANOID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
NANOID_SIZE = 21


def new_id(size: int = NANOID_SIZE) -> str:
    """Return a random nanoid of `size` characters."""
    return "".join(secrets.choice(NANOID_ALPHABET) for _ in range(size))


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """Format `dt` as ISO 8601 UTC with milliseconds and ``Z``."""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def now_iso() -> str:
    """Return the current time formatted by `iso`."""
    return iso(utcnow())


def parse_iso(value: str) -> datetime:
    """Parse an ISO 8601 date or date-time; naive values are taken as UTC.

    Raises ValueError on anything else.
    """
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)
