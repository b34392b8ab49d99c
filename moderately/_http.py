"""The async HTTP core: one aiohttp session per client, requests with retries, typed errors."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from ._config import ClientConfig, api_timeout
from ._constants import (
    IDEMPOTENCY_HEADER,
    REQUEST_ID_HEADER,
    RETRY_COUNT_HEADER,
)
from ._deadline import current_deadline
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ModeratelyError,
    ResponseTooLargeError,
    status_error_from,
)
from ._logging import describe_error, logger, redact_url, setup_logging
from ._request import Query, encode_query
from ._response import Response
from ._retry import retrying
from ._storage import StorageTransfers
from ._tls import Verify, ssl_option


class ClientClosedError(ModeratelyError, RuntimeError):
    """The client was closed; make a new one (or use it in ``async with``)."""


class AsyncTransport(StorageTransfers):
    """Owns one aiohttp session, made lazily on the loop that first uses it."""

    def __init__(self, *, verify: Verify = True) -> None:
        self._ssl = ssl_option(verify)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        setup_logging()

    @property
    def closed(self) -> bool:
        """True once ``aclose`` has run."""
        return self._closed

    def _session_here(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ClientClosedError("This client is closed; create a new one.")
        loop = asyncio.get_running_loop()
        session = self._session
        if session is None:
            connector = aiohttp.TCPConnector(limit=100, ttl_dns_cache=300, ssl=self._ssl)
            session = aiohttp.ClientSession(
                connector=connector,
                # The session must not keep cookies: auth is by header, and cookies from one
                # call must never leak into another (or into a presigned storage URL).
                cookie_jar=aiohttp.DummyCookieJar(),
                # No skip_auto_headers: every API request carries the SDK's User-Agent (from
                # config.request_headers) and every storage request sets it too, so aiohttp
                # never adds its own; skipping any header sends aiohttp down a path that copies
                # the request's headers on every request.
                # Certificates are verified unless the client was made with verify=False
                # (see _tls.py), which the connector's ssl= carries.
                raise_for_status=False,
            )
            # aiohttp silently re-sends a GET/PUT/DELETE once when its connection resets; the
            # retry policy must be the only place that retries, or the platform sees up to twice
            # the attempts max_retries allows, with repeated retry-count headers and no budget
            # spent (tests/reliability/test_retry_protocol.py counts them). No public switch.
            if hasattr(session, "_retry_connection"):
                session._retry_connection = False
            self._session = session
            self._loop = loop
        elif loop is not self._loop:
            raise RuntimeError(
                "This async client was first used on another event loop; an aiohttp session "
                "cannot move between loops. Create one client per loop (for example inside "
                "the coroutine that asyncio.run() runs)."
            )
        return session

    def close_if_unused(self) -> bool:
        """Mark closed without a loop when no session was ever made; True if that sufficed."""
        if self._session is None:
            self._closed = True
            return True
        return False

    async def aclose(self) -> None:
        """Close the session and its connections; safe to call twice."""
        if self._session is not None and asyncio.get_running_loop() is not self._loop:
            # Closing from another loop would report success and leak the sockets, which
            # belong to the first loop (closed, typically, when asyncio.run() returned).
            raise RuntimeError(
                "This async client must be closed on the event loop that used it: use "
                "`async with AsyncModeratelyAI() as client:` inside the coroutine that runs it."
            )
        self._closed = True
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def request(
        self,
        config: ClientConfig,
        method: str,
        path: str,
        *,
        params: Query | None = None,
        body: bytes | None = None,
        deadline: float | None = None,
    ) -> Response:
        """Send a request with the client's retry policy and return the read response.

        ``deadline`` (a ``time.monotonic()`` value; default: the one in scope, see
        ``_deadline.py``) bounds every attempt and stops retries that would cross it.

        Raises the typed ``APIStatusError`` subclass for 4xx/5xx, ``APIConnectionError`` or
        ``APITimeoutError`` when no response arrived, after the policy's retries are spent.
        """
        session = self._session_here()
        url_text = config.base_url + path
        url = URL(url_text, encoded=True)
        headers = config.request_headers.copy()
        if body is not None:
            headers["Content-Type"] = "application/json"
        idempotency_key: str | None = None
        if method != "GET":
            idempotency_key = str(uuid.uuid4())
            headers[IDEMPOTENCY_HEADER] = idempotency_key
        query = encode_query(params)
        safe_url = redact_url(url_text)
        if deadline is None:
            deadline = current_deadline()
        # The first attempt runs without the retry machinery: most calls succeed at once, and
        # building a tenacity controller for each of them would be pure overhead. It is awaited
        # here directly (no per-call closure) because every suspension of the call resumes
        # through each coroutine frame on the way down, once per frame.
        request = (
            session,
            config,
            method,
            url,
            safe_url,
            query,
            body,
            headers,
            deadline,
            idempotency_key,
        )
        try:
            return await self._attempt(0, *request)
        except APIError as exc:
            if config.retry.max_retries == 0 or not config.retry.should_retry(method, exc):
                raise
            first_failure: APIError | None = exc
        # Tenacity takes over from here. The first failure is replayed as its attempt 1, so the
        # policy (what to retry, how long to wait) is applied by one controller from the start.
        async for controlled in retrying(
            config.retry,
            method,
            deadline=deadline,
            budget=config.retry_budget,
        ):
            with controlled:
                if first_failure is not None:
                    failure, first_failure = first_failure, None
                    raise failure
                number = controlled.retry_state.attempt_number - 1
                return await self._attempt(number, *request)
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    async def _attempt(
        self,
        number: int,
        session: aiohttp.ClientSession,
        config: ClientConfig,
        method: str,
        url: URL,
        safe_url: str,
        query: dict[str, str] | None,
        body: bytes | None,
        headers: CIMultiDict[str],
        deadline: float | None,
        idempotency_key: str | None,
    ) -> Response:
        """Attempt ``number`` (0 for the first): send once, read the body, map failures."""
        headers[RETRY_COUNT_HEADER] = str(number)
        timeout = config.client_timeout
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise APITimeoutError(
                    f"{method} {safe_url}: the caller's deadline passed before this attempt",
                    outcome_unknown=False,
                    method=method,
                    url=safe_url,
                    idempotency_key=idempotency_key,
                )
            if timeout.total is None or left < timeout.total:
                timeout = api_timeout(left)
        debug = logger.isEnabledFor(10)
        started = time.perf_counter() if debug else 0.0
        limit = config.max_response_size
        try:
            async with session.request(
                method,
                url,
                params=query,
                data=body,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
            ) as resp:
                if _announced_within(resp, limit):
                    # The common case, read here rather than in _read_limited: one coroutine
                    # frame fewer for the read to resume through.
                    content = await resp.read()
                else:
                    content = await _read_limited(
                        resp, limit, _ident(method, safe_url, idempotency_key)
                    )
                status = resp.status
                resp_headers = resp.headers
        except TimeoutError as exc:
            # A connect timeout means nothing was sent; a read timeout leaves the outcome open.
            connect_only = isinstance(exc, aiohttp.ConnectionTimeoutError)
            raise APITimeoutError(
                f"{method} {safe_url} timed out",
                outcome_unknown=not connect_only,
                **_ident(method, safe_url, idempotency_key),
            ) from exc
        except aiohttp.ClientConnectorCertificateError as exc:
            raise APIConnectionError(
                f"TLS certificate verification failed for {method} {safe_url}: "
                f"{exc.certificate_error}. If the server uses a private CA, pass "
                "verify='/path/to/ca.pem' to the client (see docs/reliability.md).",
                outcome_unknown=False,
                **_ident(method, safe_url, idempotency_key),
            ) from exc
        except aiohttp.ClientConnectorError as exc:
            raise APIConnectionError(
                f"Could not connect for {method} {safe_url}: {exc.os_error}",
                outcome_unknown=False,
                **_ident(method, safe_url, idempotency_key),
            ) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise APIConnectionError(
                f"Connection failed during {method} {safe_url}: "
                f"{describe_error(exc, str(url), safe_url)}",
                outcome_unknown=True,
                **_ident(method, safe_url, idempotency_key),
            ) from exc
        request_id = resp_headers.get(REQUEST_ID_HEADER)
        response = Response(
            method, safe_url, status, resp_headers, content, request_id, idempotency_key
        )
        if debug:
            logger.debug(
                "%s %s -> %d in %.1f ms (request_id=%s, retry=%s)",
                method,
                safe_url,
                status,
                (time.perf_counter() - started) * 1000,
                request_id,
                headers.get(RETRY_COUNT_HEADER),
            )
        if status >= 400:
            raise status_error_from(response, idempotency_key=idempotency_key)
        config.retry_budget.record_success()
        return response


def _ident(method: str, safe_url: str, idempotency_key: str | None) -> dict[str, Any]:
    """The request's identity as the error types take it; built only when raising."""
    return {"method": method, "url": safe_url, "idempotency_key": idempotency_key}


def _announced_within(resp: aiohttp.ClientResponse, limit: int) -> bool:
    """Whether the body's announced length is its real length and within ``limit``."""
    length = resp.content_length
    return length is not None and length <= limit and "Content-Encoding" not in resp.headers


async def _read_limited(resp: aiohttp.ClientResponse, limit: int, ident: dict[str, Any]) -> bytes:
    """Read a body that ``_announced_within`` did not vouch for, refusing one over ``limit``."""
    length = resp.content_length
    if length is not None and length > limit:
        raise ResponseTooLargeError(
            f"Response of {length} bytes exceeds max_response_size={limit}", **ident
        )
    # No length announced (chunked or compressed): read in pieces so that an oversized or
    # decompression-bomb body is refused once it crosses the limit, not after it is all in memory.
    chunks: list[bytes] = []
    total = 0
    async for chunk in resp.content.iter_chunked(256 * 1024):
        total += len(chunk)
        if total > limit:
            resp.close()
            raise ResponseTooLargeError(
                f"Response exceeds max_response_size={limit} bytes", **ident
            )
        chunks.append(chunk)
    return b"".join(chunks)
