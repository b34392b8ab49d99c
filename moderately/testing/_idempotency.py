"""Idempotency keys: a repeated mutating request replays the first response.

`idempotency_middleware` looks at ``Idempotency-Key`` on POST/PUT/PATCH/DELETE. Keys are
scoped per credential (API token, else session). The first request with a key runs normally
and its response (status, body, headers) is stored unless it is a 5xx; a later request with the
same key and the same method, path, query and body gets that stored response back with
``Idempotent-Replayed: true`` and the handler does not run again. The same key with a different
request answers 422 ``idempotency_key_reused``. Concurrent requests with one key are serialised,
so the second waits for the first and then replays it.

It sits inside the fault middleware: a connection dropped after commit has already stored its
response, which is exactly what a client retrying with the same key needs.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass

from aiohttp import web
from multidict import CIMultiDict

from ._auth import MUTATING_METHODS, optional_principal
from ._errors import EmulatorError, error_response, request_id
from ._responses import Handler

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Headers worth replaying; hop-by-hop and length headers are recomputed by aiohttp.
_KEPT_HEADERS = ("Content-Type", "Location", "X-Request-Id", "Retry-After", "Set-Cookie")


@dataclass
class StoredResponse:
    """A response remembered under an idempotency key."""

    fingerprint: str
    status: int
    body: bytes
    headers: list[tuple[str, str]]


class IdempotencyStore:
    """Stored responses and per-key locks of one emulator."""

    def __init__(self) -> None:
        """Start empty."""
        self.responses: dict[tuple[str, str], StoredResponse] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    def lock(self, scope: tuple[str, str]) -> asyncio.Lock:
        """Return the lock serialising requests that share `scope`."""
        return self._locks.setdefault(scope, asyncio.Lock())


IDEMPOTENCY_KEY = web.AppKey("moderately.idempotency", IdempotencyStore)


def _fingerprint(request: web.Request, body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0")
    digest.update(request.rel_url.raw_path_qs.encode())
    digest.update(b"\0")
    digest.update(body)
    return digest.hexdigest()


def _replay(stored: StoredResponse) -> web.Response:
    headers: CIMultiDict[str] = CIMultiDict(stored.headers)
    headers[REPLAYED_HEADER] = "true"
    return web.Response(status=stored.status, body=stored.body, headers=headers)


@web.middleware
async def idempotency_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Replay or reject requests that reuse an ``Idempotency-Key``."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if not key or request.method not in MUTATING_METHODS:
        return await handler(request)
    who = optional_principal(request)
    owner = (who.token_id or who.session_id or who.user_id) if who is not None else "anonymous"
    scope = (owner, key)
    store = request.app[IDEMPOTENCY_KEY]
    body = await request.read()  # aiohttp caches it, so the handler can read it again
    fingerprint = _fingerprint(request, body)
    async with store.lock(scope):
        stored = store.responses.get(scope)
        if stored is not None:
            if stored.fingerprint != fingerprint:
                raise EmulatorError(
                    422,
                    "idempotency_key_reused",
                    "This Idempotency-Key was used with a different request",
                    {"idempotencyKey": key},
                )
            return _replay(stored)
        try:
            response = await handler(request)
        except EmulatorError as err:
            # Client errors are part of the first outcome and must replay like successes.
            response = error_response(request, err)
        if isinstance(response, web.Response) and response.status < 500:
            headers = [
                (name, response.headers[name]) for name in _KEPT_HEADERS if name in response.headers
            ]
            if "X-Request-Id" not in response.headers:
                headers.append(("X-Request-Id", request_id(request)))
            body_bytes = response.body if isinstance(response.body, bytes) else b""
            store.responses[scope] = StoredResponse(
                fingerprint, response.status, body_bytes, headers
            )
        return response
