"""What a request is made of before it is sent: encoded paths, query values, per-call options."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

from ._errors import InvalidArgumentError

_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]+")
"""The characters quote(..., safe="") leaves as they are."""

QueryValue = str | int | float | bool | None
Query = Mapping[str, QueryValue]


def encode_segment(value: str) -> str:
    """Percent-encode ``value`` so that it stays exactly one path segment.

    Slashes, ``?``, ``#`` and ``%`` are escaped; a segment of only dots is escaped too, since
    ``.`` and ``..`` would otherwise be resolved away by URL normalisation on either side.
    """
    # Ids are nearly always plain ASCII letters, digits, ``_`` and ``-``, which quote() returns
    # unchanged: checking that first skips quote()'s ~5 us on every call that names an object.
    encoded = value if _UNRESERVED.fullmatch(value) else quote(value, safe="")
    if encoded and encoded.strip(".") == "":
        encoded = encoded.replace(".", "%2E")
    return encoded


def build_path(template: str, *segments: str) -> str:
    """Fill the ``{}`` placeholders of ``template`` with encoded path segments."""
    return template.format(*(encode_segment(s) for s in segments))


def item_path(collection: str, value: object, name: str) -> str:
    """The path of one object: ``collection``, a slash, and ``value`` checked and encoded."""
    # Nearly every id is a plain str of unreserved characters that is not only dots: it is a
    # valid id (non-empty, ASCII, so no lone surrogate) and encodes to itself, so the checks of
    # require_id and the general path builder can be skipped. Anything else takes the full path.
    if type(value) is str and _UNRESERVED.fullmatch(value) and value.strip("."):
        return collection + "/" + value
    return collection + build_path("/{}", require_id(value, name))


def require_id(value: object, name: str) -> str:
    """Return ``value`` if it can be a resource id, else raise before anything is sent."""
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{name} must be a string; got {type(value).__name__}")
    if not value:
        raise InvalidArgumentError(f"{name} must not be empty")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (say, from a badly decoded file name) cannot go into a URL.
        raise InvalidArgumentError(f"{name} is not valid text (it has a lone surrogate)") from None
    return value


def encode_query(params: Query | None) -> dict[str, str] | None:
    """Render query values as the platform reads them; ``None`` values are left out."""
    if not params:
        return None
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        else:
            out[key] = str(value)
    return out


def encode_json(body: object) -> bytes:
    """Encode a request body as JSON bytes (datetimes, models and the like included)."""
    # Imported on first use: pydantic_core costs tens of milliseconds at import, and a client
    # that has not sent a body yet should not pay for it.
    from pydantic_core import to_json

    return to_json(body)
