"""Presigned-URL transfers: streamed uploads and verified, atomic downloads."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, BinaryIO

import aiohttp
from yarl import URL

from ._config import ClientConfig
from ._constants import DEFAULT_CONNECT_TIMEOUT, USER_AGENT
from ._errors import APIConnectionError, APITimeoutError, status_error_from
from ._logging import describe_error, redact_url
from ._response import Response
from ._retry import retrying
from ._transfer import CHUNK, AtomicFile, Progress, UploadSource, verify
from ._twins import async_run_blocking

_BATCH_BYTES = 4 * CHUNK
"""Most received bytes waiting for the download's file writer before the loop waits too."""


class StorageTransfers:
    """Presigned-URL uploads and downloads, mixed into AsyncTransport.

    Storage URLs carry their own signature: no Authorization header (nor any other client
    header) is ever sent to them, so a key cannot leak to a storage host, even via a redirect.
    """

    _session_here: Callable[[], aiohttp.ClientSession]

    async def upload(
        self,
        config: ClientConfig,
        url: str,
        source: UploadSource,
        *,
        progress: Progress | None = None,
    ) -> None:
        """PUT ``source`` to a presigned URL, streamed in chunks, retried from the first byte."""
        session = self._session_here()
        safe_url = redact_url(url)
        headers = {
            "Content-Type": source.mime_type,
            "Content-Length": str(source.size),
            "User-Agent": USER_AGENT,
        }
        ident: dict[str, Any] = {"method": "PUT", "url": safe_url, "idempotency_key": None}
        async for attempt in retrying(config.retry, "PUT", budget=config.retry_budget):
            with attempt:
                with source.open() as reader:
                    callers_error: list[BaseException] = []
                    body = _chunks(reader, source.size, progress, callers_error)
                    try:
                        async with session.put(
                            URL(url, encoded=True),
                            data=body,
                            headers=headers,
                            timeout=_transfer_timeout(config),
                            allow_redirects=False,
                        ) as resp:
                            content = await resp.read()
                            status = resp.status
                            resp_headers = resp.headers
                    except TimeoutError as exc:
                        raise APITimeoutError(f"Upload to {safe_url} timed out", **ident) from exc
                    except (aiohttp.ClientError, OSError) as exc:
                        if callers_error:
                            # aiohttp reports an error of the body as a connection error; one
                            # from the caller's file or progress callback is theirs, raised as
                            # it was (and not retried: it would fail the same way).
                            raise callers_error[0] from None
                        raise APIConnectionError(
                            f"Upload to {safe_url} failed: {describe_error(exc, url, safe_url)}",
                            **ident,
                        ) from exc
                # A redirect is not followed (the bytes would go to a host nobody vetted), and
                # it stored nothing: it is an error, not a finished upload.
                if status >= 300:
                    response = Response("PUT", safe_url, status, resp_headers, content, None)
                    raise status_error_from(response, idempotency_key=None)

    async def download(
        self,
        config: ClientConfig,
        url: str,
        *,
        path: Path | None,
        expected_size: int | None = None,
        expected_sha256: str | None = None,
        progress: Progress | None = None,
    ) -> bytes | Path:
        """GET a presigned URL into memory or, atomically, into ``path``; verify size and hash.

        A broken connection is retried from the start; bytes that arrive whole but differ from
        what the platform declared raise TransferError; a local file error (``OSError``) is
        raised as it is, without a retry. Whatever the failure, no partial file is left.
        """
        session = self._session_here()
        safe_url = redact_url(url)
        ident: dict[str, Any] = {"method": "GET", "url": safe_url, "idempotency_key": None}
        async for attempt in retrying(config.retry, "GET", budget=config.retry_budget):
            with attempt:
                sink: AtomicFile | None = None
                chunks: list[bytes] = []
                digest = hashlib.sha256()
                done = 0
                # Each chunk is hashed on the loop as it arrives, while it is still in this
                # core's cache; file writes, which can block, go to a worker thread in batches:
                # whatever arrived while the worker was busy, up to _BATCH_BYTES (then the loop
                # waits for it), so memory stays at about two batches. Hashing on the worker
                # instead meant reading every byte again from another core's cache, which made
                # the worker the bottleneck (see docs/architecture.md).
                pending: asyncio.Future[None] | None = None
                batch: list[bytes] = []
                batched = 0
                try:
                    async with session.get(
                        URL(url, encoded=True),
                        headers={"User-Agent": USER_AGENT},
                        timeout=_transfer_timeout(config),
                    ) as resp:
                        if resp.status >= 400:
                            content = await resp.read()
                            response = Response(
                                "GET", safe_url, resp.status, resp.headers, content, None
                            )
                            raise status_error_from(response, idempotency_key=None)
                        total = resp.content_length or expected_size
                        if path is not None:
                            sink = await async_run_blocking(AtomicFile, path)
                        async for chunk in resp.content.iter_any():
                            digest.update(chunk)
                            done += len(chunk)
                            if sink is None:
                                chunks.append(chunk)
                            else:
                                batch.append(chunk)
                                batched += len(chunk)
                                if pending is None or pending.done() or batched >= _BATCH_BYTES:
                                    pending = await _write_after(pending, sink, batch)
                                    batch, batched = [], 0
                            if progress is not None:
                                progress(done, total)
                        if batch and sink is not None:
                            pending = await _write_after(pending, sink, batch)
                        if pending is not None:
                            await pending
                    verify(
                        what=f"Download of {safe_url}",
                        size=done,
                        sha256=digest.hexdigest(),
                        expected_size=expected_size,
                        expected_sha256=expected_sha256,
                    )
                    if sink is not None:
                        return await async_run_blocking(sink.commit)
                    return b"".join(chunks)
                except TimeoutError as exc:
                    raise APITimeoutError(f"Download of {safe_url} timed out", **ident) from exc
                except (aiohttp.ClientError, ConnectionError) as exc:
                    # Only the connection's errors: one of the local file (a full disk, a path
                    # that cannot be created) is raised as Python raised it, and not retried.
                    raise APIConnectionError(
                        f"Download of {safe_url} failed: {describe_error(exc, url, safe_url)}",
                        **ident,
                    ) from exc
                finally:
                    if pending is not None and not pending.done():
                        # The worker thread cannot be interrupted: let it finish with the file
                        # before the file is discarded.
                        await asyncio.shield(asyncio.wait([pending]))
                    if sink is not None and sink.temp.exists():
                        await async_run_blocking(sink.discard)
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover


async def _write_after(
    pending: asyncio.Future[None] | None, sink: AtomicFile, batch: list[bytes]
) -> asyncio.Future[None]:
    """Once the write in progress (if any) is done, start writing ``batch`` on a worker."""
    if pending is not None:
        await pending
    return asyncio.ensure_future(async_run_blocking(sink.write, batch))


def _transfer_timeout(config: ClientConfig) -> aiohttp.ClientTimeout:
    # A large file may take far longer than one API call: bound each read, not the whole.
    return aiohttp.ClientTimeout(
        total=None, sock_connect=DEFAULT_CONNECT_TIMEOUT, sock_read=config.timeout
    )


async def _chunks(
    reader: BinaryIO, total: int, progress: Progress | None, callers_error: list[BaseException]
) -> AsyncIterator[bytes]:
    """``reader``'s bytes for aiohttp; an error of the file or of ``progress`` is noted."""
    done = 0
    while True:
        try:
            chunk = await async_run_blocking(reader.read, CHUNK)
        except Exception as exc:
            callers_error.append(exc)
            raise
        if not chunk:
            return
        done += len(chunk)
        yield chunk
        if progress is not None:
            try:
                progress(done, total)
            except BaseException as exc:
                callers_error.append(exc)
                raise
