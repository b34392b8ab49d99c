from __future__ import annotations

import hashlib
import io
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import aiohttp
import pytest
from _http import call

from moderately.testing import Emulator

pytestmark = pytest.mark.anyio


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def declare(team_id: str, data: bytes, name: str = "a.txt", **extra: Any) -> dict[str, Any]:
    return {
        "fileName": name,
        "fileSize": len(data),
        "fileHash": sha(data),
        "mimeType": "text/plain",
        "teamId": team_id,
        **extra,
    }


async def upload(
    http: aiohttp.ClientSession, anon: aiohttp.ClientSession, team_id: str, data: bytes, **kw: Any
) -> dict[str, Any]:
    """Create, PUT and complete a file; return the completed record."""
    created = await call(
        http, "POST", "/files/upload-url", status=201, json=declare(team_id, data, **kw)
    )
    async with anon.put(created["uploadUrl"], data=io.BytesIO(data)) as resp:
        assert resp.status == 200, await resp.text()
    return await call(
        http,
        "POST",
        "/files/{fileId}/complete",
        created["file"]["fileId"],
        status=200,
        json={"fileSize": len(data), "fileHash": sha(data)},
    )


def tamper(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


async def test_upload_complete_download_delete(
    emu: Emulator, http: aiohttp.ClientSession, anon: aiohttp.ClientSession
) -> None:
    data = b"hello, storage\n" * 1000
    created = await call(
        http,
        "POST",
        "/files/upload-url",
        status=201,
        json=declare(emu.team_id, data, metadata={"source": "test"}),
    )
    file = created["file"]
    assert file["uploadStatus"] == "pending"
    assert file["uploadedBy"] == emu.user_id
    assert file["metadata"] == {"source": "test"}
    assert created["uploadUrl"].startswith(emu.base_url + "/_storage/")
    assert created["expiresAt"] > file["createdAt"]
    # Presigned storage needs no Authorization header.
    async with anon.put(created["uploadUrl"], data=data) as resp:
        assert resp.status == 200
    done = await call(
        http,
        "POST",
        "/files/{fileId}/complete",
        file["fileId"],
        status=200,
        json={"fileSize": len(data), "fileHash": sha(data)},
    )
    assert done["uploadStatus"] == "completed"
    assert emu.storage.read(file["fileId"]) == data
    link = await call(http, "GET", "/files/{fileId}/download", file["fileId"], status=200)
    async with anon.get(link["downloadUrl"]) as resp:
        assert resp.status == 200
        assert resp.content_length == len(data)
        chunks = [chunk async for chunk in resp.content.iter_chunked(4096)]
    assert b"".join(chunks) == data
    got = await call(http, "GET", "/files/{fileId}", file["fileId"], status=200)
    assert got == done
    await call(
        http,
        "POST",
        "/files/{fileId}/complete",
        file["fileId"],
        status=409,
        json={"fileSize": len(data), "fileHash": sha(data)},
    )
    await call(http, "DELETE", "/files/{fileId}", file["fileId"], status=204)
    await call(http, "GET", "/files/{fileId}", file["fileId"], status=404)
    assert emu.storage.read(file["fileId"]) is None
    async with anon.get(link["downloadUrl"]) as resp:
        assert resp.status == 404
        assert "<Code>NoSuchKey</Code>" in await resp.text()


async def test_large_upload_spools_to_disk_and_streams_back(
    emu: Emulator, http: aiohttp.ClientSession, anon: aiohttp.ClientSession
) -> None:
    emu.config.data.spool_max_memory_bytes = 1024
    data = bytes(range(256)) * 8192  # 2 MiB
    file = await upload(http, anon, emu.team_id, data, name="big.bin")
    link = await call(http, "GET", "/files/{fileId}/download", file["fileId"], status=200)
    async with anon.get(link["downloadUrl"]) as resp:
        assert resp.content_length == len(data)
        assert await resp.read() == data
    async with anon.get(link["downloadUrl"], headers={"Range": "bytes=10-19"}) as resp:
        assert resp.status == 206
        assert resp.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
        assert await resp.read() == data[10:20]


async def test_complete_rejects_size_or_hash_mismatch(
    emu: Emulator, http: aiohttp.ClientSession, anon: aiohttp.ClientSession
) -> None:
    data = b"declared bytes"
    created = await call(
        http, "POST", "/files/upload-url", status=201, json=declare(emu.team_id, data)
    )
    file_id = created["file"]["fileId"]
    # Completing before anything was uploaded is a 400 and leaves the file pending.
    await call(
        http,
        "POST",
        "/files/{fileId}/complete",
        file_id,
        status=400,
        json={"fileSize": len(data), "fileHash": sha(data)},
    )
    async with anon.put(created["uploadUrl"], data=b"other bytes!!") as resp:
        assert resp.status == 200
    body = await call(
        http,
        "POST",
        "/files/{fileId}/complete",
        file_id,
        status=409,
        json={"fileSize": len(data), "fileHash": sha(data)},
    )
    assert {(d["field"], d["source"]) for d in body["error"]["details"]} == {
        ("fileSize", "storage"),
        ("fileHash", "storage"),
    }
    got = await call(http, "GET", "/files/{fileId}", file_id, status=200)
    assert got["uploadStatus"] == "failed"
    await call(http, "GET", "/files/{fileId}/download", file_id, status=400)

    # The declaration and the body disagreeing is also a mismatch.
    created = await call(
        http, "POST", "/files/upload-url", status=201, json=declare(emu.team_id, data)
    )
    async with anon.put(created["uploadUrl"], data=data) as resp:
        assert resp.status == 200
    body = await call(
        http,
        "POST",
        "/files/{fileId}/complete",
        created["file"]["fileId"],
        status=409,
        json={"fileSize": len(data) + 1, "fileHash": sha(data)},
    )
    assert [d["field"] for d in body["error"]["details"]] == ["fileSize"]


async def test_presigned_urls_reject_tampering_and_expiry(
    emu: Emulator, http: aiohttp.ClientSession, anon: aiohttp.ClientSession
) -> None:
    data = b"signed"
    created = await call(
        http, "POST", "/files/upload-url", status=201, json=declare(emu.team_id, data)
    )
    url = created["uploadUrl"]
    bad_signature = tamper(url, signature="0" * 64)
    longer = tamper(url, expires=str(int(parse_qs(urlsplit(url).query)["expires"][0]) + 1000))
    other_key = url.replace(created["file"]["fileId"], "x" * 21)
    unsigned = url.split("?", 1)[0]
    for forged in (bad_signature, longer, other_key, unsigned):
        async with anon.put(forged, data=data) as resp:
            assert resp.status == 403, forged
            assert resp.content_type == "application/xml"
            text = await resp.text()
            assert "<Error><Code>" in text
            assert "signature=" not in text
    # An upload URL does not work for downloads.
    async with anon.get(url) as resp:
        assert resp.status == 403
        assert "SignatureDoesNotMatch" in await resp.text()

    emu.config.data.presign_ttl_seconds = 0.0
    created = await call(
        http, "POST", "/files/upload-url", status=201, json=declare(emu.team_id, data)
    )
    async with anon.put(created["uploadUrl"], data=data) as resp:
        assert resp.status == 403
        assert "expired" in await resp.text()


async def test_storage_download_faults(
    emu: Emulator, http: aiohttp.ClientSession, anon: aiohttp.ClientSession
) -> None:
    data = bytes(range(200)) * 50
    file = await upload(http, anon, emu.team_id, data, name="f.bin")
    link = await call(http, "GET", "/files/{fileId}/download", file["fileId"], status=200)

    emu.storage.corrupt_next_download(file["fileId"], mode="flip")
    async with anon.get(link["downloadUrl"]) as resp:
        flipped = await resp.read()
    assert len(flipped) == len(data)
    assert flipped != data
    assert sum(a != b for a, b in zip(flipped, data, strict=True)) == 1

    emu.storage.corrupt_next_download(file["fileId"], mode="truncate")
    async with anon.get(link["downloadUrl"]) as resp:
        short = await resp.read()
    assert short == data[: len(data) // 2]

    emu.storage.corrupt_next_download(file["fileId"], mode="drop")
    with pytest.raises(aiohttp.ClientPayloadError):
        async with anon.get(link["downloadUrl"]) as resp:
            await resp.read()

    # Faults are one-shot: the next download is intact.
    async with anon.get(link["downloadUrl"]) as resp:
        assert await resp.read() == data


async def test_list_files_filters_and_paging(
    emu: Emulator, http: aiohttp.ClientSession, anon: aiohttp.ClientSession
) -> None:
    a = await upload(http, anon, emu.team_id, b"aaa", name="alpha.txt")
    b_created = await call(
        http,
        "POST",
        "/files/upload-url",
        status=201,
        json={**declare(emu.team_id, b"bbbb", name="Beta.csv"), "mimeType": "text/csv"},
    )
    b = b_created["file"]
    c = await upload(http, anon, emu.team_id, b"cc", name="gamma.txt")

    async def ids(**params: str) -> list[str]:
        page = await call(http, "GET", "/files", status=200, params=params)
        return [f["fileId"] for f in page["items"]]

    # Newest first by default.
    assert await ids() == [c["fileId"], b["fileId"], a["fileId"]]
    assert await ids(fileIds=f"{a['fileId']},{c['fileId']}", orderDirection="asc") == [
        a["fileId"],
        c["fileId"],
    ]
    assert await ids(nameLike="BETA") == [b["fileId"]]
    assert await ids(mimeTypes="text/csv") == [b["fileId"]]
    assert await ids(fileHashes=sha(b"cc")) == [c["fileId"]]
    assert await ids(uploadStatus="pending") == [b["fileId"]]
    assert await ids(teamIds=emu.team_id, orderBy="fileSize", orderDirection="asc") == [
        c["fileId"],
        a["fileId"],
        b["fileId"],
    ]
    assert await ids(orderBy="fileName", orderDirection="asc") == [
        a["fileId"],
        b["fileId"],
        c["fileId"],
    ]
    page = await call(http, "GET", "/files", status=200, params={"pageSize": "2", "page": "2"})
    assert page["pagination"] == {
        "page": 2,
        "pageSize": 2,
        "totalItems": 3,
        "totalPages": 2,
        "hasNextPage": False,
        "hasPreviousPage": True,
    }
    assert (await call(http, "GET", "/files", status=200))["pagination"]["pageSize"] == 20
    for params, field in (
        ({"pageSize": "101"}, "pageSize"),
        ({"orderBy": "mimeType"}, "orderBy"),
        ({"uploadStatus": "done"}, "uploadStatus"),
    ):
        body = await call(http, "GET", "/files", status=400, params=params)
        assert [d["field"] for d in body["error"]["details"]] == [field]


async def test_files_are_team_scoped(
    emu: Emulator, http: aiohttp.ClientSession, anon: aiohttp.ClientSession
) -> None:
    other = emu.new_identity()
    headers = {"Authorization": f"Bearer {other.api_key}"}
    async with aiohttp.ClientSession(base_url=emu.base_url, headers=headers) as them:
        theirs = await upload(them, anon, other.team_id, b"private", name="theirs.txt")
    file_id = theirs["fileId"]
    await call(http, "GET", "/files/{fileId}", file_id, status=403)
    await call(http, "GET", "/files/{fileId}/download", file_id, status=403)
    await call(http, "DELETE", "/files/{fileId}", file_id, status=403)
    await call(
        http,
        "POST",
        "/files/{fileId}/complete",
        file_id,
        status=403,
        json={"fileSize": 7, "fileHash": sha(b"private")},
    )
    await call(http, "GET", "/files", status=403, params={"teamIds": other.team_id})
    assert (await call(http, "GET", "/files", status=200))["items"] == []
    await call(http, "POST", "/files/upload-url", status=403, json=declare(other.team_id, b"x"))
    await call(http, "GET", "/files/{fileId}", "nosuchfilenosuchfile0", status=404)
    await call(http, "GET", "/files", status=401, headers={"Authorization": "Bearer nope"})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fileName": ""}, "fileName"),
        ({"fileSize": -1}, "fileSize"),
        ({"fileSize": "12"}, "fileSize"),
        ({"fileHash": "not-a-sha"}, "fileHash"),
        ({"mimeType": None}, "mimeType"),
        ({"teamId": None}, "teamId"),
        ({"extra": 1}, "extra"),
    ],
)
async def test_upload_url_validation(
    emu: Emulator, http: aiohttp.ClientSession, change: dict[str, Any], field: str
) -> None:
    body = {**declare(emu.team_id, b"x"), **change}
    err = await call(http, "POST", "/files/upload-url", status=400, json=body)
    assert [d["field"] for d in err["error"]["details"]] == [field]


async def test_upload_url_is_idempotent_with_a_key(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    body = declare(emu.team_id, b"once")
    headers = {"Idempotency-Key": "files-1"}
    first = await call(http, "POST", "/files/upload-url", status=201, json=body, headers=headers)
    async with http.post("/files/upload-url", json=body, headers=headers) as resp:
        assert resp.status == 201
        assert resp.headers["Idempotent-Replayed"] == "true"
        again = await resp.json()
    assert again == first
    page = await call(http, "GET", "/files", status=200)
    assert page["pagination"]["totalItems"] == 1
