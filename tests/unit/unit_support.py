"""Helpers shared by the unit tests: constants, canned platform payloads, request inspection."""

from __future__ import annotations

import re
from typing import Any

from aioresponses import aioresponses
from aioresponses.core import RequestCall
from yarl import URL

BASE = "https://api.unit.test"
TEAM = "team-1"
# A key that must never show up in any repr, str, traceback or log record.
CANARY = "sk-CANARY-7f3e9a1b2c4d"


def url(path: str) -> str:
    return BASE + path


def any_url(path_regex: str) -> re.Pattern[str]:
    """Match ``BASE + path_regex`` with any query string."""
    return re.compile("^" + re.escape(BASE) + path_regex + r"(\?.*)?$")


def sent(mocked: aioresponses) -> list[tuple[str, URL, RequestCall]]:
    """Every request seen, as (method, full URL with query, call), in send order per key."""
    out: list[tuple[str, URL, RequestCall]] = []
    for (method, seen_url), calls in mocked.requests.items():
        out.extend((method, seen_url, call) for call in calls)
    return out


def count(mocked: aioresponses) -> int:
    return sum(len(calls) for calls in mocked.requests.values())


def only(mocked: aioresponses) -> tuple[str, URL, RequestCall]:
    seen = sent(mocked)
    assert len(seen) == 1, f"expected exactly one request, saw {len(seen)}: {seen}"
    return seen[0]


def headers_of(call: RequestCall) -> dict[str, str]:
    # Case-insensitive lookups through a lower-cased copy.
    return {k.lower(): v for k, v in call.kwargs["headers"].items()}


def agent_json(agent_id: str = "ag-1", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agentId": agent_id,
        "teamId": TEAM,
        "name": "Support",
        "description": None,
        "createdAt": "2024-05-01T10:00:00Z",
        "updatedAt": "2024-05-02T11:30:00.250Z",
    }
    body.update(extra)
    return body


def page_json(
    items: list[dict[str, Any]], *, page: int, total_pages: int, page_size: int = 2
) -> dict[str, Any]:
    return {
        "items": items,
        "pagination": {
            "page": page,
            "pageSize": page_size,
            "totalItems": total_pages * page_size,
            "totalPages": total_pages,
            "hasNextPage": page < total_pages,
            "hasPreviousPage": page > 1,
        },
    }


def error_json(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "details": extra.pop("details", None),
            "timestamp": "2024-05-01T10:00:00Z",
            "path": extra.pop("path", "/agents"),
            "requestId": extra.pop("requestId", "req-from-body"),
        }
    }
