"""Small helpers to build success responses and the handler type every module shares."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_response(body: Any, status: int = 200) -> web.Response:
    """Return `body` serialised as JSON with `status`."""
    return web.Response(
        body=json.dumps(body, separators=(",", ":")).encode(),
        status=status,
        content_type="application/json",
    )


def empty_response(status: int = 200) -> web.Response:
    """Return a response without a body (for routes whose contract documents no content)."""
    return web.Response(status=status)
