"""Route family ``_storage``: the presigned object storage the files and datasets routes hand out.

``PUT /_storage/{key}`` and ``GET /_storage/{key}`` need no ``Authorization`` header: the
``expires`` and ``signature`` query parameters are the credential (see `_blobs.py`). A
missing, tampered or expired signature answers 403 and an unknown key 404, in the XML error
shape object stores use (``<Error><Code>AccessDenied</Code>...``), never the JSON envelope.

* PUT streams the body in chunks into a spooled temporary file (memory, then disk), hashing
  as it goes; uploading to a key whose resource was completed answers 403.
* GET streams the bytes back with ``Content-Length`` and ``ETag``; a single ``Range:
  bytes=a-b`` answers 206. Faults armed with `BlobStore.corrupt_next_download` apply here.

Families use `blob_store(request)` and `presign(request, method, key)`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from tempfile import SpooledTemporaryFile
from xml.sax.saxutils import escape

from aiohttp import web

from ._audit import record_audit
from ._auth import get_state, public
from ._blobs import CHUNK_SIZE, Blob, BlobStore, CorruptionMode
from ._config import get_config
from ._errors import request_id
from ._idempotency import IDEMPOTENCY_HEADER
from ._ids import iso

ROUTE = "/_storage/{key:.+}"


def blob_store(request: web.Request) -> BlobStore:
    """Return the object storage of the emulator serving `request`."""
    return get_state(request).extension(BlobStore)


def presign(request: web.Request, method: str, key: str) -> tuple[str, str]:
    """Return a presigned URL for `method` on `key` and its expiry as an ISO timestamp."""
    ttl = get_config(request).data.presign_ttl_seconds
    origin = f"{request.scheme}://{request.host}"
    url, expires = blob_store(request).presign(origin, method, key, ttl)
    return url, iso(datetime.fromtimestamp(expires, UTC))


def storage_error(request: web.Request, status: int, code: str, message: str) -> web.Response:
    """Return an object-store style XML error."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"<Resource>{escape(request.path)}</Resource>"
        f"<RequestId>{escape(request_id(request))}</RequestId></Error>"
    )
    return web.Response(status=status, text=body, content_type="application/xml")


def _check(request: web.Request, method: str, key: str) -> web.Response | None:
    expires = request.query.get("expires")
    signature = request.query.get("signature")
    if not expires or not signature:
        return storage_error(
            request, 403, "AccessDenied", "The expires and signature parameters are required"
        )
    problem = blob_store(request).check_signature(method, key, expires, signature)
    if problem == "expired":
        return storage_error(request, 403, "AccessDenied", "Request has expired")
    if problem is not None:
        return storage_error(
            request,
            403,
            "SignatureDoesNotMatch",
            "The request signature does not match the signature the storage computed",
        )
    return None


@public
async def put_object(request: web.Request) -> web.Response:
    """Receive the bytes of one object through a presigned PUT URL."""
    key = request.match_info["key"]
    failure = _check(request, "PUT", key)
    if failure is not None:
        return failure
    store = blob_store(request)
    owner = store.owner(key)
    if owner is None:
        return storage_error(request, 403, "AccessDenied", "This upload is no longer accepted")
    if store.sealed(key):
        return storage_error(request, 403, "AccessDenied", "This object can no longer be written")
    spool_max = get_config(request).data.spool_max_memory_bytes
    body: SpooledTemporaryFile[bytes] = SpooledTemporaryFile(  # noqa: SIM115 - the blob owns it
        max_size=spool_max
    )
    digest = hashlib.sha256()
    size = 0
    try:
        if IDEMPOTENCY_HEADER in request.headers:
            # The idempotency middleware has already read (and cached) the whole body.
            data = await request.read()
            body.write(data)
            digest.update(data)
            size = len(data)
        else:
            async for chunk in request.content.iter_chunked(CHUNK_SIZE):
                body.write(chunk)
                digest.update(chunk)
                size += len(chunk)
    except BaseException:
        body.close()
        raise
    content_type = request.headers.get("Content-Type", "application/octet-stream")
    blob = Blob(key, body, size, digest.hexdigest(), content_type)
    store.store(blob)
    record_audit(
        request,
        resource_type=owner.resource_type,
        resource_id=owner.resource_id,
        action="update",
        team_id=owner.team_id,
        event_type=f"{owner.resource_type}.upload",
        changes={"size": size},
    )
    return web.Response(status=200, headers={"ETag": f'"{blob.sha256}"'})


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """Return ``(start, end_exclusive)`` for a single ``bytes=`` range, None if unusable."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, _, last = spec.strip().partition("-")
    try:
        if not first:
            count = int(last)
            return (max(size - count, 0), size) if count > 0 else None
        start = int(first)
        end = int(last) + 1 if last else size
    except ValueError:
        return None
    if start >= size or end <= start:
        return None
    return start, min(end, size)


def _damage(chunk: bytes, offset: int, flip_at: int) -> bytes:
    if offset <= flip_at < offset + len(chunk):
        damaged = bytearray(chunk)
        damaged[flip_at - offset] ^= 0xFF
        return bytes(damaged)
    return chunk


@public
async def get_object(request: web.Request) -> web.StreamResponse:
    """Stream the bytes of one object through a presigned GET URL."""
    key = request.match_info["key"]
    failure = _check(request, "GET", key)
    if failure is not None:
        return failure
    store = blob_store(request)
    blob = store.get(key)
    if blob is None:
        return storage_error(request, 404, "NoSuchKey", "The specified key does not exist")
    start, end, status = 0, blob.size, 200
    headers = {
        "Content-Type": blob.content_type,
        "ETag": f'"{blob.sha256}"',
        "Accept-Ranges": "bytes",
    }
    if "Range" in request.headers:
        found = _byte_range(request.headers["Range"], blob.size)
        if found is None:
            headers = {"Content-Range": f"bytes */{blob.size}"}
            error = storage_error(request, 416, "InvalidRange", "The range is not satisfiable")
            error.headers.update(headers)
            return error
        start, end = found
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{blob.size}"
    mode: CorruptionMode | None = store.take_fault(key)
    return await _stream(request, blob, start, end, status, headers, mode)


async def _stream(
    request: web.Request,
    blob: Blob,
    start: int,
    end: int,
    status: int,
    headers: dict[str, str],
    mode: CorruptionMode | None,
) -> web.StreamResponse:
    length = end - start
    send_until = end
    if mode in ("truncate", "drop"):
        send_until = start + length // 2
    response = web.StreamResponse(status=status, headers=headers)
    # "truncate" tells the truth about the shortened body; "drop" promises every byte.
    response.content_length = send_until - start if mode == "truncate" else length
    await response.prepare(request)
    flip_at = start + length // 2 if mode == "flip" else -1
    offset = start
    for chunk in blob.iter_chunks(start, send_until):
        await response.write(_damage(chunk, offset, flip_at))
        offset += len(chunk)
    if mode == "drop":
        transport = request.transport
        if transport is not None:
            transport.abort()
        return response
    await response.write_eof()
    return response


def register(app: web.Application) -> None:
    """Add the presigned storage routes."""
    app.router.add_put(ROUTE, put_object)
    app.router.add_get(ROUTE, get_object, allow_head=False)
