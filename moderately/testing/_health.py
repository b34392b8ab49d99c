"""Route family ``health``: ``GET /health`` (public)."""

from __future__ import annotations

from aiohttp import web

from moderately._version import __version__

from ._auth import public
from ._responses import json_response


@public
async def get_health(request: web.Request) -> web.Response:
    """Report that the emulated platform is up."""
    return json_response({"status": "ok", "version": __version__})


def register(app: web.Application) -> None:
    """Add the health route."""
    app.router.add_get("/health", get_health, allow_head=False)
