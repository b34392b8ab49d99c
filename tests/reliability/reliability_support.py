"""A scriptable HTTP server on 127.0.0.1 for the reliability proofs, and shared helpers.

`ScriptedServer` runs a low-level aiohttp server on its own event loop in a daemon thread, so
both the async client (on pytest's loop) and the sync client (on its loop thread) can reach it.
It records every request as the server saw it: method, raw path (exactly as sent, before any
decoding) and headers; a test hands it ``respond(request, n)``, where ``n`` counts requests
from 0, to decide each answer (or to drop the connection).
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType

from aiohttp import web

HOST = "127.0.0.1"
CANARY_KEY = "sk-canary-5f1e8d0c9b7a4e3f"
"""An API key whose text must never appear anywhere but the Authorization header."""

Responder = Callable[[web.BaseRequest, int], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    method: str
    raw_path: str
    headers: dict[str, str]
    body: bytes


async def ok_json(request: web.BaseRequest, n: int) -> web.StreamResponse:
    """Answer 200 with a small JSON body (a stand-in agent) to anything."""
    body = (
        '{"agentId":"a1","teamId":"t1","name":"n","createdAt":"2024-01-01T00:00:00Z",'
        '"updatedAt":"2024-01-01T00:00:00Z"}'
    )
    return web.Response(text=body, content_type="application/json")


def drop(request: web.BaseRequest) -> web.StreamResponse:
    """Close the connection without answering (a reset, as the client sees it)."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=499)  # never sent: the transport is gone


class ScriptedServer:
    """An HTTP(S) server whose answers a test scripts; see the module docstring."""

    def __init__(self, respond: Responder = ok_json, *, ssl_context: ssl.SSLContext | None = None):
        self.respond = respond
        self.seen: list[Seen] = []
        self._ssl = ssl_context
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.ServerRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The server's base URL."""
        scheme = "https" if self._ssl is not None else "http"
        return f"{scheme}://{HOST}:{self.port}"

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        body = await request.read()
        with self._lock:
            n = len(self.seen)
            self.seen.append(Seen(request.method, request.raw_path, dict(request.headers), body))
        return await self.respond(request, n)

    async def _start(self) -> None:
        self._runner = web.ServerRunner(web.Server(self._handle), shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0, ssl_context=self._ssl)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def count(self) -> int:
        """How many requests arrived."""
        with self._lock:
            return len(self.seen)


def status_responder(status: int, headers: dict[str, str] | None = None) -> Responder:
    """A responder that answers every request with ``status`` (and ``headers``)."""

    async def respond(request: web.BaseRequest, n: int) -> web.StreamResponse:
        return web.json_response(
            {"error": {"code": "x", "message": f"status {status}"}},
            status=status,
            headers={"X-Request-Id": f"req-{n}", **(headers or {})},
        )

    return respond
