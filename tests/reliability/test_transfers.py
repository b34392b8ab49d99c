"""File transfers: verified downloads that never leave partial files, honest uploads, no key leak.

Against the emulator's object storage (with its download-corruption and fault switches) and,
for redirects, two scripted servers on different ports.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from reliability_support import CANARY_KEY, ScriptedServer

from moderately import (
    APIConnectionError,
    APIStatusError,
    AsyncModeratelyAI,
    RetryPolicy,
    UploadError,
)
from moderately._transfer import TransferError, UploadSource, prepare_upload
from moderately.testing import Emulator

pytestmark = pytest.mark.anyio

PAYLOAD = os.urandom(300_000)  # several chunks of the emulator's 64 KiB stream
STORAGE_PUT = "PUT /_storage/{key}"
STORAGE_GET = "GET /_storage/{key}"
FAST = RetryPolicy(initial_backoff=0.001, max_backoff=0.01)


@pytest.fixture
async def client(moderately_emulator: Emulator) -> AsyncIterator[AsyncModeratelyAI]:
    """An async client of the per-test emulator, with backoff scaled down."""
    emu = moderately_emulator
    async with AsyncModeratelyAI(
        api_key=emu.api_key, team_id=emu.team_id, base_url=emu.base_url, retry_policy=FAST
    ) as made:
        yield made


def leftovers(folder: Path) -> list[str]:
    """Every entry in ``folder`` (temporary ``.part`` files included)."""
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("mode", ["flip", "truncate"])
async def test_a_corrupted_download_raises_and_leaves_nothing(
    moderately_emulator: Emulator, client: AsyncModeratelyAI, tmp_path: Path, mode: str
) -> None:
    uploaded = await client.files.upload(PAYLOAD, name="data.bin")
    moderately_emulator.storage.corrupt_next_download(uploaded.file_id, mode=mode)  # type: ignore[arg-type]
    with pytest.raises(TransferError):
        await client.files.download(uploaded.file_id, path=tmp_path / "data.bin")
    assert leftovers(tmp_path) == []  # neither the file nor a temporary file


async def test_a_failed_download_keeps_the_previous_file(
    moderately_emulator: Emulator, client: AsyncModeratelyAI, tmp_path: Path
) -> None:
    uploaded = await client.files.upload(PAYLOAD, name="data.bin")
    target = tmp_path / "data.bin"
    target.write_bytes(b"the old version")
    moderately_emulator.storage.corrupt_next_download(uploaded.file_id, mode="flip")
    with pytest.raises(TransferError):
        await client.files.download(uploaded.file_id, path=target)
    assert target.read_bytes() == b"the old version"
    assert leftovers(tmp_path) == ["data.bin"]


async def test_a_cut_download_is_retried_from_the_start(
    moderately_emulator: Emulator, client: AsyncModeratelyAI, tmp_path: Path
) -> None:
    uploaded = await client.files.upload(PAYLOAD, name="data.bin")
    moderately_emulator.storage.corrupt_next_download(uploaded.file_id, mode="drop")
    written = await client.files.download(uploaded.file_id, path=tmp_path / "data.bin")
    assert written.read_bytes() == PAYLOAD
    assert leftovers(tmp_path) == ["data.bin"]


async def test_a_download_cut_every_time_fails_and_leaves_nothing(
    moderately_emulator: Emulator, client: AsyncModeratelyAI, tmp_path: Path
) -> None:
    uploaded = await client.files.upload(PAYLOAD, name="data.bin")
    moderately_emulator.storage.corrupt_next_download(uploaded.file_id, mode="drop", times=10)
    with pytest.raises(APIConnectionError):
        await client.files.download(uploaded.file_id, path=tmp_path / "data.bin")
    assert leftovers(tmp_path) == []


async def test_a_download_of_many_batches_arrives_whole_and_in_order(
    client: AsyncModeratelyAI, tmp_path: Path
) -> None:
    # Larger than two of the batches the download hands to its worker thread, and not a
    # multiple of any chunk size.
    payload = os.urandom(9 * 1024 * 1024 + 123)
    uploaded = await client.files.upload(payload, name="big.bin")
    seen: list[tuple[int, int | None]] = []

    written = await client.files.download(
        uploaded.file_id, path=tmp_path / "big.bin", progress=lambda d, t: seen.append((d, t))
    )
    in_memory = await client.files.download(uploaded.file_id)

    assert written.read_bytes() == payload
    assert in_memory == payload
    assert seen == sorted(seen)
    assert seen[-1] == (len(payload), len(payload))
    assert leftovers(tmp_path) == ["big.bin"]


async def test_a_download_that_cannot_be_written_raises_the_file_error_at_once(
    moderately_emulator: Emulator, client: AsyncModeratelyAI, tmp_path: Path
) -> None:
    # A local file problem is not a connection problem: it is raised as Python raised it,
    # and not retried (a retry would fail the same way, after downloading everything again).
    uploaded = await client.files.upload(PAYLOAD, name="data.bin")
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"a file where a folder would have to be")
    downloads_before = moderately_emulator.stats.count(STORAGE_GET)

    with pytest.raises(FileExistsError, match="not-a-folder"):
        await client.files.download(uploaded.file_id, path=blocker / "data.bin")

    assert moderately_emulator.stats.count(STORAGE_GET) - downloads_before == 1
    assert leftovers(tmp_path) == ["not-a-folder"]


class ChangesAfterHashing(io.BytesIO):
    """A seekable file whose bytes change once it is rewound after hashing (a file edited
    between measuring and sending)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.rewinds = 0

    def seek(self, pos: int, whence: int = 0) -> int:
        self.rewinds += 1
        if self.rewinds == 1:
            super().seek(0)
            super().write(b"\x00" * 16)
        return super().seek(pos, whence)


async def test_an_upload_whose_hash_the_platform_rejects_is_a_clear_error(
    client: AsyncModeratelyAI,
) -> None:
    with pytest.raises(UploadError) as caught:
        await client.files.upload(ChangesAfterHashing(PAYLOAD), name="edited.bin")
    error = caught.value
    assert "refused to complete the upload of 'edited.bin'" in str(error)
    assert error.file_id
    assert any(error.file_id in note for note in error.__notes__)  # the record was deleted
    assert [f async for f in client.files.list()] == []


class Unseekable(io.RawIOBase):
    """A read-once stream (like a pipe or a socket): it cannot be rewound."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        return self._inner.readinto(buffer)


@pytest.mark.parametrize("fault", ["status_503", "drop_before"])
async def test_an_unseekable_upload_is_spooled_and_resent_identically(
    moderately_emulator: Emulator,
    client: AsyncModeratelyAI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
) -> None:
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))
    seen_during: list[list[str]] = []
    # The first PUT to storage fails (503, or the connection cut before the handler ran).
    moderately_emulator.faults.set(route=STORAGE_PUT, times=1, **{fault: 1.0})
    uploaded = await client.files.upload(
        Unseekable(PAYLOAD),
        name="stream.bin",
        progress=lambda done, total: seen_during.append(leftovers(spool_dir)),
    )
    assert moderately_emulator.stats.count(STORAGE_PUT) == 2  # the retry happened
    assert await client.files.download(uploaded.file_id) == PAYLOAD
    assert uploaded.file_hash.removeprefix("sha256:") == hashlib.sha256(PAYLOAD).hexdigest()
    assert any(names for names in seen_during)  # a spool file existed while sending...
    assert leftovers(spool_dir) == []  # ...and is gone afterwards


async def test_an_unseekable_upload_that_fails_still_removes_its_spool(
    moderately_emulator: Emulator,
    client: AsyncModeratelyAI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    moderately_emulator.faults.set(route=STORAGE_PUT, status_503=1.0)
    with pytest.raises(APIStatusError):
        await client.files.upload(Unseekable(PAYLOAD), name="stream.bin")
    assert leftovers(tmp_path) == []


# --- no credentials to storage hosts, even through a redirect -----------------------------


async def test_no_authorization_reaches_storage_directly_or_via_cross_origin_redirect() -> None:
    async def target(request: web.BaseRequest, n: int) -> web.StreamResponse:
        return web.Response(body=b"bytes from the other origin")

    with ScriptedServer(target) as other:

        async def redirect(request: web.BaseRequest, n: int) -> web.StreamResponse:
            raise web.HTTPFound(f"{other.url}/bucket/obj?signature=abc")

        with ScriptedServer(redirect) as storage:
            async with AsyncModeratelyAI(
                api_key=CANARY_KEY,
                team_id="t1",
                base_url=storage.url,
                default_headers={"X-Custom": "custom"},
            ) as client:
                got = await client._transport.download(
                    client._config, f"{storage.url}/obj?signature=s3cr3t", path=None
                )
                with pytest.raises(Exception, match="302"):
                    await client._transport.upload(
                        client._config,
                        f"{storage.url}/obj?signature=s3cr3t",
                        _source(b"payload"),
                    )
    assert got == b"bytes from the other origin"
    requests = storage.seen + other.seen
    assert [s.method for s in storage.seen] == ["GET", "PUT"]
    assert [s.method for s in other.seen] == ["GET"]  # the PUT redirect was not followed
    for seen in requests:
        lowered = {k.lower(): v for k, v in seen.headers.items()}
        assert "authorization" not in lowered
        assert "x-custom" not in lowered  # no client header at all goes to storage
        assert CANARY_KEY not in repr(seen)


def _source(data: bytes) -> UploadSource:
    return prepare_upload(data)
