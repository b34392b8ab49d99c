"""Route family ``files``: presigned uploads, completion with verification, downloads, listing.

The flow the contract describes:

1. ``POST /files/upload-url`` records the file as ``pending`` with the declared ``fileName``,
   ``fileSize``, ``fileHash`` (SHA-256, hex or base64) and ``mimeType`` and returns a presigned
   PUT URL on the emulator's own storage (`_storage.py`);
2. the client PUTs the bytes there (no ``Authorization`` needed);
3. ``POST /files/{fileId}/complete`` compares the stored bytes' size and SHA-256, and the sizes
   and hashes in the body, with the declared ones: all equal -> ``completed`` (the object is
   sealed); any difference -> ``failed`` and 409 whose details name each mismatch. Completing
   a file that is no longer ``pending`` is 409; completing before any bytes arrived is 400.
4. ``GET /files/{fileId}/download`` gives a presigned GET URL (400 until completed);
   ``DELETE /files/{fileId}`` answers 204 and drops the bytes.

Every route is scoped to the caller's teams (403 for another team's file, 404 for none).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Literal

from aiohttp import web
from pydantic import Field

from ._audit import record_audit
from ._auth import get_state, require_member, scope_team_ids
from ._blobs import BlobOwner
from ._errors import EmulatorError, bad_request, conflict
from ._ids import new_id, now_iso
from ._lookup import get_or_404, like, within
from ._pagination import PageQuery, paginate
from ._responses import empty_response, json_response
from ._state import Record, public
from ._storage import blob_store, presign
from ._validation import Body, parse_body, parse_query

FILES = "files"
UploadStatus = Literal["pending", "completed", "failed"]
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


def normalise_sha256(value: str) -> str | None:
    """Return `value` as lowercase hex if it is a SHA-256 digest (hex or base64), else None."""
    text = value.strip()
    if text.lower().startswith("sha256:"):
        text = text[7:]
    if _HEX64.match(text):
        return text.lower()
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw.hex() if len(raw) == 32 else None


class FileListQuery(PageQuery):
    """Query of ``GET /files`` (page size 1-100, default 20, newest first)."""

    pageSize: int = Field(20, ge=1, le=100)
    orderBy: Literal["fileName", "fileSize", "createdAt", "updatedAt"] = "createdAt"
    orderDirection: Literal["asc", "desc"] = "desc"
    fileIds: list[str] | None = None
    teamIds: list[str] | None = None
    nameLike: str | None = None
    mimeTypes: list[str] | None = None
    fileHashes: list[str] | None = None
    uploadStatus: UploadStatus | None = None


class UploadUrlBody(Body):
    """Body of ``POST /files/upload-url``."""

    fileName: str = Field(min_length=1, max_length=1000)
    fileSize: int = Field(ge=0)
    fileHash: str = Field(min_length=1, max_length=255)
    mimeType: str = Field(min_length=1, max_length=255)
    teamId: str = Field(min_length=1)
    metadata: dict[str, Any] | None = None


class CompleteBody(Body):
    """Body of ``POST /files/{fileId}/complete``."""

    fileSize: int = Field(ge=0)
    fileHash: str = Field(min_length=1, max_length=255)


def storage_key(file_id: str) -> str:
    """Return the storage key holding the bytes of file `file_id`."""
    return f"files/{file_id}"


def _file(request: web.Request) -> Record:
    record = get_or_404(get_state(request).collection(FILES), request.match_info["fileId"], "file")
    require_member(request, record["teamId"])
    return record


def _hash_error(field: str) -> EmulatorError:
    return bad_request(
        "Request body is invalid",
        [{"field": field, "message": "must be a SHA-256 digest (hex)", "type": "value_error"}],
    )


async def create_upload_url(request: web.Request) -> web.Response:
    """Record a pending file and return a presigned PUT URL for its bytes."""
    body = await parse_body(request, UploadUrlBody)
    if normalise_sha256(body.fileHash) is None:
        raise _hash_error("fileHash")
    who = require_member(request, body.teamId)
    now = now_iso()
    record: Record = {
        "fileId": new_id(),
        "teamId": body.teamId,
        "fileName": body.fileName,
        "fileSize": body.fileSize,
        "mimeType": body.mimeType,
        "fileHash": body.fileHash,
        "uploadStatus": "pending",
        "uploadedBy": who.user_id,
        "metadata": body.metadata or {},
        "createdAt": now,
        "updatedAt": now,
    }
    key = storage_key(record["fileId"])
    blob_store(request).set_owner(key, BlobOwner(body.teamId, "file", record["fileId"]))
    get_state(request).collection(FILES)[record["fileId"]] = record
    url, expires = presign(request, "PUT", key)
    record_audit(
        request,
        resource_type="file",
        resource_id=record["fileId"],
        action="create",
        team_id=body.teamId,
        changes={"fileName": body.fileName, "fileSize": body.fileSize},
    )
    return json_response({"file": public(record), "uploadUrl": url, "expiresAt": expires}, 201)


def _mismatches(record: Record, body: CompleteBody, size: int, sha256: str) -> list[Any]:
    declared_hash = normalise_sha256(record["fileHash"])
    found: list[dict[str, Any]] = []
    for field, expected, actual, source in (
        ("fileSize", record["fileSize"], body.fileSize, "request"),
        ("fileSize", record["fileSize"], size, "storage"),
        ("fileHash", declared_hash, normalise_sha256(body.fileHash), "request"),
        ("fileHash", declared_hash, sha256, "storage"),
    ):
        if expected != actual:
            found.append({"field": field, "source": source, "expected": expected, "actual": actual})
    return found


async def complete_file(request: web.Request) -> web.Response:
    """Verify the uploaded bytes against the declaration and mark the file completed."""
    record = _file(request)
    body = await parse_body(request, CompleteBody)
    if normalise_sha256(body.fileHash) is None:
        raise _hash_error("fileHash")
    if record["uploadStatus"] != "pending":
        raise conflict(
            f"File upload has already been {record['uploadStatus']}",
            {"uploadStatus": record["uploadStatus"]},
        )
    store = blob_store(request)
    key = storage_key(record["fileId"])
    blob = store.get(key)
    if blob is None:
        raise bad_request(
            "No bytes have been uploaded for this file",
            [{"field": "fileId", "message": "upload the bytes first", "type": "upload_missing"}],
        )
    problems = _mismatches(record, body, blob.size, blob.sha256)
    record["updatedAt"] = now_iso()
    if problems:
        record["uploadStatus"] = "failed"
        store.seal(key)
        raise conflict("Uploaded content does not match the declared size or hash", problems)
    record["uploadStatus"] = "completed"
    store.seal(key)
    record_audit(
        request,
        resource_type="file",
        resource_id=record["fileId"],
        action="update",
        team_id=record["teamId"],
        changes={"uploadStatus": {"from": "pending", "to": "completed"}},
    )
    return json_response(public(record))


async def download_file(request: web.Request) -> web.Response:
    """Return a presigned GET URL for a completed file."""
    record = _file(request)
    if record["uploadStatus"] != "completed":
        raise bad_request(
            "File upload is not completed",
            [{"field": "fileId", "message": "upload is not completed", "type": "upload_state"}],
        )
    url, expires = presign(request, "GET", storage_key(record["fileId"]))
    return json_response({"downloadUrl": url, "expiresAt": expires})


async def get_file(request: web.Request) -> web.Response:
    """Return one file's metadata."""
    return json_response(public(_file(request)))


async def delete_file(request: web.Request) -> web.Response:
    """Delete a file and its bytes."""
    record = _file(request)
    blob_store(request).delete(storage_key(record["fileId"]))
    del get_state(request).collection(FILES)[record["fileId"]]
    record_audit(
        request,
        resource_type="file",
        resource_id=record["fileId"],
        action="delete",
        team_id=record["teamId"],
    )
    return empty_response(204)


async def list_files(request: web.Request) -> web.Response:
    """List files of the caller's teams, filtered."""
    query = parse_query(request, FileListQuery)
    teams = scope_team_ids(request, query.teamIds)
    hashes = None
    if query.fileHashes is not None:
        hashes = {normalise_sha256(h) or h for h in query.fileHashes}
    items = [
        public(f)
        for f in get_state(request).collection(FILES).values()
        if f["teamId"] in teams
        and within(f["fileId"], query.fileIds)
        and like(f["fileName"], query.nameLike)
        and within(f["mimeType"], query.mimeTypes)
        and (hashes is None or (normalise_sha256(f["fileHash"]) or f["fileHash"]) in hashes)
        and (query.uploadStatus is None or f["uploadStatus"] == query.uploadStatus)
    ]
    return json_response(paginate(items, query))


def register(app: web.Application) -> None:
    """Add the file routes."""
    app.router.add_get("/files", list_files, allow_head=False)
    app.router.add_post("/files/upload-url", create_upload_url)
    app.router.add_get("/files/{fileId}", get_file, allow_head=False)
    app.router.add_delete("/files/{fileId}", delete_file)
    app.router.add_post("/files/{fileId}/complete", complete_file)
    app.router.add_get("/files/{fileId}/download", download_file, allow_head=False)
