"""A response over ``max_response_size`` is refused without being read into memory.

Stated numbers: the limit is 1 MiB; the server offers 512 MiB (plain, chunked or announced by
Content-Length) or a gzip bomb that inflates to 128 MiB. The client must refuse each, having
taken in (server side: written; client side: peak Python memory) far less than the whole.
"""

from __future__ import annotations

import time
import tracemalloc
import zlib
from functools import cache

import pytest
from aiohttp import web
from reliability_support import CANARY_KEY, ScriptedServer

from moderately import AsyncModeratelyAI, ResponseTooLargeError

LIMIT = 1024 * 1024
OFFERED = 512 * 1024 * 1024
BOMB_INFLATED = 128 * 1024 * 1024
CHUNK = 64 * 1024
# Kernel socket buffers on loopback hold a few MiB that the server can write before the client
# reads anything; 64 MiB is far above that and far below what was offered.
MAX_WRITTEN = 64 * 1024 * 1024


@cache
def gzip_bomb() -> bytes:
    """128 MiB of zeros, gzip-compressed (about 128 KiB)."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)
    zeros = bytes(1024 * 1024)
    parts = [compressor.compress(zeros) for _ in range(BOMB_INFLATED // len(zeros))]
    return b"".join(parts) + compressor.flush()


class Streamer:
    """A responder that streams ``body`` (or zeros up to OFFERED) and counts what it wrote."""

    def __init__(self, *, announce: int | None, gzip: bool = False) -> None:
        self.announce = announce
        self.gzip = gzip
        self.written = 0

    async def __call__(self, request: web.BaseRequest, n: int) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        if self.gzip:
            response.headers["Content-Encoding"] = "gzip"
        if self.announce is not None:
            response.content_length = self.announce
        await response.prepare(request)
        body = gzip_bomb() if self.gzip else None
        total = len(body) if body is not None else OFFERED
        started = time.monotonic()
        try:
            # Bounded in bytes (total) and in time (10 s), whatever the client does.
            while self.written < total and time.monotonic() - started < 10:
                end = min(self.written + CHUNK, total)
                chunk = body[self.written : end] if body is not None else bytes(end - self.written)
                await response.write(chunk)
                self.written = end
        except (ConnectionError, RuntimeError):
            pass  # the client hung up, which is the point
        return response


@pytest.mark.anyio
@pytest.mark.parametrize("announce", [None, OFFERED], ids=["chunked", "content-length"])
async def test_an_oversized_body_is_refused_early(announce: int | None) -> None:
    streamer = Streamer(announce=announce)
    with ScriptedServer(streamer) as server:
        async with AsyncModeratelyAI(
            api_key=CANARY_KEY, base_url=server.url, max_response_size=LIMIT, max_retries=0
        ) as client:
            with pytest.raises(ResponseTooLargeError):
                await client.agents.retrieve("a1")
    assert streamer.written < MAX_WRITTEN


@pytest.mark.anyio
@pytest.mark.parametrize("announce", [False, True], ids=["no-length", "compressed-length"])
async def test_a_gzip_bomb_is_refused_without_inflating_it(announce: bool) -> None:
    bomb = gzip_bomb()
    assert len(bomb) < LIMIT  # so a Content-Length check alone would let it through
    streamer = Streamer(announce=len(bomb) if announce else None, gzip=True)
    with ScriptedServer(streamer) as server:
        async with AsyncModeratelyAI(
            api_key=CANARY_KEY, base_url=server.url, max_response_size=LIMIT, max_retries=0
        ) as client:
            tracemalloc.start()
            try:
                with pytest.raises(ResponseTooLargeError):
                    await client.agents.retrieve("a1")
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    # Inflating it all would take 128 MiB; the limit plus a few decompressed chunks fit in 32.
    assert peak < 32 * 1024 * 1024
