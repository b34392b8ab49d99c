"""client.files against the emulator over a real socket, async and sync."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest

from moderately import (
    APIConnectionError,
    AsyncFile,
    AsyncModeratelyAI,
    AsyncPage,
    ConflictError,
    File,
    HookContext,
    InvalidArgumentError,
    ModeratelyAI,
    NotFoundError,
    Outcome,
    Page,
    Replace,
    TransferError,
    UploadError,
)
from moderately._async.resources import files as async_files_module
from moderately._sync.resources import files as sync_files_module
from moderately.testing import Emulator

CSV = b"id,name\n1,Ann\n2,Bob\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Unseekable(io.RawIOBase):
    """A stream that can only be read forward, like a pipe or a socket."""

    def __init__(self, data: bytes, name: str | None = None) -> None:
        self._inner = io.BytesIO(data)
        if name is not None:
            self.name = name

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> int:
        chunk = self._inner.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def spool_files() -> set[str]:
    return {n for n in os.listdir(tempfile.gettempdir()) if n.startswith("moderately-upload-")}


# --- happy paths ------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_upload_list_retrieve_download_delete(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI, tmp_path: Path
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    source = tmp_path / "customers.csv"
    source.write_bytes(CSV)

    file = await client.files.upload(source, metadata={"category": "sales"})
    assert isinstance(file, AsyncFile)
    assert (file.file_name, file.name) == ("customers.csv", "customers.csv")
    assert file.file_size == len(CSV)
    assert (file.mime_type, file.file_hash, file.team_id) == ("text/csv", sha(CSV), emu.team_id)
    assert file.upload_status == "completed"
    assert file.is_ready
    assert file.is_csv
    assert file.is_text
    assert not file.is_image
    assert (file.extension, file.metadata) == ("csv", {"category": "sales"})
    assert file.uploaded_by == emu.user_id
    assert emu.stats.count("POST /files/upload-url") == 1
    assert emu.stats.count("POST /files/{fileId}/complete") == 1

    other = await client.files.upload(PNG, name="logo.png")
    page = await client.files.list(mime_types=["text/csv"], page_size=20)
    assert isinstance(page, AsyncPage)
    assert [f.file_id for f in page.items] == [file.file_id]
    assert [f.file_id async for f in client.files.list(name_like="logo")] == [other.file_id]
    by_hash = await client.files.list(file_hashes=sha(PNG), upload_status="completed")
    assert [f.file_id for f in by_hash.items] == [other.file_id]
    both = await client.files.list(
        file_ids=[file.file_id, other.file_id], order_by="file_name", order_direction="asc"
    )
    assert [f.file_name for f in both.items] == ["customers.csv", "logo.png"]
    assert [f.file_id async for f in client.files.list(team_ids=emu.team_id, page_size=1)] == [
        other.file_id,
        file.file_id,
    ]

    fetched = await client.files.retrieve(file.file_id)
    assert fetched == file
    assert await fetched.download() == CSV
    assert await client.files.download(file.file_id) == CSV
    written = await client.files.download(file.file_id, path=tmp_path / "copy.csv")
    assert written == tmp_path / "copy.csv"
    assert written.read_bytes() == CSV
    into_folder = await other.download(tmp_path)
    assert into_folder == tmp_path / "logo.png"
    assert into_folder.read_bytes() == PNG

    await fetched.refresh()
    await file.delete()
    await client.files.delete(other.file_id)
    assert emu.stats.count("DELETE /files/{fileId}") == 2
    with pytest.raises(NotFoundError):
        await client.files.retrieve(file.file_id)
    assert (await client.files.list()).items == []


def test_sync_upload_list_retrieve_download_delete(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI, tmp_path: Path
) -> None:
    emu, client = moderately_emulator, moderately_client
    source = tmp_path / "report.pdf"
    source.write_bytes(b"%PDF-1.7 tiny")

    file = client.files.upload(source)
    assert isinstance(file, File)
    assert (file.mime_type, file.is_document, file.is_pdf, file.is_ready) == (
        "application/pdf",
        True,
        True,
        True,
    )
    page = client.files.list(mime_types="application/pdf")
    assert isinstance(page, Page)
    assert [f.file_id for f in page] == [file.file_id]
    assert client.files.retrieve(file.file_id).file_hash == sha(b"%PDF-1.7 tiny")
    assert client.files.download(file.file_id) == b"%PDF-1.7 tiny"
    assert file.download(tmp_path / "out.pdf").read_bytes() == b"%PDF-1.7 tiny"
    client.files.delete(file.file_id)
    assert emu.stats.count("DELETE /files/{fileId}") == 1
    with pytest.raises(NotFoundError):
        file.refresh()


def test_reference_examples_with_our_names(moderately_client: ModeratelyAI, tmp_path: Path) -> None:
    client = moderately_client
    data_csv = tmp_path / "data.csv"
    data_csv.write_bytes(CSV)
    # Upload with a custom name and metadata.
    file = client.files.upload(
        data_csv, name="Customer Data.csv", metadata={"category": "sales", "quarter": "Q1"}
    )
    # Properties instead of the old is_ready()/is_csv() methods.
    if file.is_ready and file.is_csv:
        content = file.download()
        file.download(path=tmp_path / "local_copy.csv")
    assert content == CSV
    assert (tmp_path / "local_copy.csv").read_bytes() == CSV
    # Raw bytes with a display name.
    picture = client.files.upload(PNG, name="Profile Picture")
    assert picture.is_image
    assert picture.mime_type == "image/png"
    # A file-like object.
    greeting = client.files.upload(io.BytesIO(b"Hello, World!"), name="greeting.txt")
    assert greeting.is_text
    assert greeting.file_size == 13
    # Listing returns a page (iterable) rather than a dict.
    response = client.files.list(mime_types="text/csv", page_size=20, order_direction="desc")
    ready = [f.name for f in response.items if f.is_ready]
    assert ready == ["Customer Data.csv"]
    assert f"{file.name} ({file.file_size} bytes)" == f"Customer Data.csv ({len(CSV)} bytes)"
    assert file.extension == "csv"
    # Delete through the model or the namespace.
    file.delete()
    client.files.delete(picture.file_id)
    assert [f.file_id for f in client.files.list()] == [greeting.file_id]


# --- sources, progress, MIME types --------------------------------------------------------------


@pytest.mark.anyio
async def test_async_sources_path_bytes_seekable_and_unseekable(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI, tmp_path: Path
) -> None:
    client = moderately_async_client
    path = tmp_path / "a.txt"
    path.write_bytes(b"from a path")
    assert (await client.files.upload(str(path))).file_size == 11
    assert (await client.files.upload(bytearray(b"bytes!"))).file_size == 6

    buffer = io.BytesIO(b"skip:the rest is sent")
    buffer.seek(5)
    from_buffer = await client.files.upload(buffer, name="part.txt")
    assert from_buffer.file_hash == sha(b"the rest is sent")
    assert buffer.tell() == 5  # the caller's object is left where it was
    assert await from_buffer.download() == b"the rest is sent"

    before = spool_files()
    stream = Unseekable(b"forward only" * 1000, name="/somewhere/stream.log")
    piped = await client.files.upload(stream)
    assert (piped.file_name, piped.file_size) == ("stream.log", 12000)
    assert await piped.download() == b"forward only" * 1000
    assert spool_files() <= before  # the spool copy made for retries is gone


def test_sync_upload_from_a_real_pipe(moderately_client: ModeratelyAI) -> None:
    payload = os.urandom(3 * 1024 * 1024 + 17)
    read_end, write_end = os.pipe()

    def feed() -> None:
        with os.fdopen(write_end, "wb") as writer:
            writer.write(payload)

    writer = threading.Thread(target=feed)
    writer.start()
    with os.fdopen(read_end, "rb") as reader:
        file = moderately_client.files.upload(reader, name="piped.bin")
    writer.join()
    assert (file.file_size, file.file_hash) == (len(payload), sha(payload))
    assert moderately_client.files.download(file.file_id) == payload


@pytest.mark.anyio
async def test_async_progress_counts_rise_to_the_total(
    moderately_async_client: AsyncModeratelyAI, tmp_path: Path
) -> None:
    payload = os.urandom(3 * 1024 * 1024 + 5)
    up: list[tuple[int, int | None]] = []
    down: list[tuple[int, int | None]] = []
    file = await moderately_async_client.files.upload(
        payload, name="blob.bin", progress=lambda done, total: up.append((done, total))
    )
    await file.download(tmp_path / "blob.bin", progress=lambda d, t: down.append((d, t)))
    for calls in (up, down):
        counts = [done for done, _ in calls]
        assert len(counts) >= 3
        assert counts == sorted(counts)
        assert len(set(counts)) == len(counts)
        assert calls[-1] == (len(payload), len(payload))


@pytest.mark.anyio
async def test_an_error_of_the_progress_callback_is_raised_as_it_is(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    # Not a connection error, and not retried: the caller's own exception, after one attempt.
    class Stop(Exception):
        pass

    def stop(done: int, total: int | None) -> None:
        raise Stop(done)

    with pytest.raises(Stop):
        await moderately_async_client.files.upload(os.urandom(300_000), progress=stop)
    assert moderately_emulator.stats.count("PUT /_storage/{key}") == 1
    # The unfinished file record is not left behind.
    assert (await moderately_async_client.files.list()).items == []


class FailsOnSecondPass(io.BytesIO):
    """A file that reads fine while it is hashed, then fails while it is sent (a disk error)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.passes = 0

    def seek(self, pos: int, whence: int = 0) -> int:
        if pos == 0 and whence == 0:
            self.passes += 1
        return super().seek(pos, whence)

    def read(self, size: int | None = -1) -> bytes:
        if self.passes >= 2 and self.tell() > 0:
            raise OSError(5, "Input/output error")
        return super().read(size)


@pytest.mark.anyio
async def test_a_read_error_of_the_file_is_raised_as_it_is(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    # The caller's file failing is not a connection error: raised as it is, after one attempt.
    source = FailsOnSecondPass(os.urandom(3 * 1024 * 1024))
    with pytest.raises(OSError, match="Input/output error"):
        await moderately_async_client.files.upload(source, name="data.bin")
    assert moderately_emulator.stats.count("PUT /_storage/{key}") == 1
    assert (await moderately_async_client.files.list()).items == []


def test_sync_progress_counts_rise_to_the_total(moderately_client: ModeratelyAI) -> None:
    payload = os.urandom(2 * 1024 * 1024 + 1)
    seen: list[int] = []
    file = moderately_client.files.upload(payload, progress=lambda done, total: seen.append(done))
    assert seen == sorted(seen)
    assert seen[-1] == len(payload)
    assert len(seen) >= 2
    seen.clear()
    assert moderately_client.files.download(file.file_id, progress=lambda d, t: seen.append(d))
    assert seen[-1] == len(payload)


@pytest.mark.parametrize(
    ("source", "name", "mime", "expected"),
    [
        (b"%PDF-1.4 body", None, None, "application/pdf"),
        (PNG, None, None, "image/png"),
        (b"plain words", None, None, "text/plain"),
        (b"\x00\x01\x02\x03", None, None, "application/octet-stream"),
        (b'{"a": 1}', "data.json", None, "application/json"),
        (b"a,b\n", "sheet.csv", None, "text/csv"),
        (b"a,b\n", "sheet.csv", "application/vnd.custom", "application/vnd.custom"),
    ],
)
def test_mime_type_detection(
    moderately_client: ModeratelyAI,
    source: bytes,
    name: str | None,
    mime: str | None,
    expected: str,
) -> None:
    file = moderately_client.files.upload(source, name=name, mime_type=mime)
    assert file.mime_type == expected
    assert file.is_json == (expected == "application/json")


def test_file_kind_properties_from_type_and_name() -> None:
    def make(name: str, mime: str, status: str = "completed") -> File:
        return File.model_validate(
            {
                "fileId": "f",
                "teamId": "t",
                "fileName": name,
                "fileSize": 1,
                "mimeType": mime,
                "fileHash": "h",
                "uploadStatus": status,
                "uploadedBy": None,
                "createdAt": None,
                "updatedAt": None,
            }
        )

    assert make("a.JPG", "image/jpeg").is_image
    assert make("a.jpg", "image/jpeg").extension == "jpg"
    assert make("notes", "text/markdown; charset=utf-8").is_text
    assert make("notes", "text/plain").extension == ""
    assert make("deck.pptx", "application/octet-stream").is_document
    assert make("book.xlsx", "application/vnd.ms-excel").is_spreadsheet
    assert make("x.geojson", "application/geo+json").is_json
    assert make("x.csv", "text/csv", "pending").is_pending
    assert not make("x.csv", "text/csv", "pending").is_ready
    assert make("x.csv", "text/csv", "failed").is_failed
    with pytest.raises(ValueError, match="frozen"):
        make("x.csv", "text/csv").file_name = "y.csv"  # type: ignore[misc]


# --- verified downloads -----------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["flip", "truncate"])
async def test_async_damaged_download_raises_and_leaves_nothing(
    moderately_emulator: Emulator,
    moderately_async_client: AsyncModeratelyAI,
    tmp_path: Path,
    mode: str,
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    payload = os.urandom(200_000)
    file = await client.files.upload(payload, name="data.bin")
    folder = tmp_path / "out"
    folder.mkdir()
    emu.storage.corrupt_next_download(file.file_id, mode=mode)  # type: ignore[arg-type]
    with pytest.raises(TransferError):
        await file.download(folder / "data.bin")
    assert leftovers(folder) == []
    emu.storage.corrupt_next_download(file.file_id, mode=mode)  # type: ignore[arg-type]
    with pytest.raises(TransferError):
        await file.download()
    assert await file.download(folder / "data.bin") == folder / "data.bin"
    assert leftovers(folder) == ["data.bin"]


def test_sync_damaged_download_keeps_the_old_file(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI, tmp_path: Path
) -> None:
    emu, client = moderately_emulator, moderately_client
    file = client.files.upload(b"new contents", name="a.txt")
    target = tmp_path / "a.txt"
    target.write_bytes(b"old contents")
    emu.storage.corrupt_next_download(file.file_id, mode="flip")
    with pytest.raises(TransferError, match="SHA-256"):
        client.files.download(file.file_id, path=target)
    assert target.read_bytes() == b"old contents"
    assert leftovers(tmp_path) == ["a.txt"]


def test_sync_cut_download_is_retried_then_given_up(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI, tmp_path: Path
) -> None:
    emu, client = moderately_emulator, moderately_client
    payload = os.urandom(300_000)
    file = client.files.upload(payload, name="cut.bin")
    emu.storage.corrupt_next_download(file.file_id, mode="drop")
    assert file.download(tmp_path / "cut.bin").read_bytes() == payload  # retried from byte 0
    emu.storage.corrupt_next_download(file.file_id, mode="drop", times=10)
    with pytest.raises(APIConnectionError):
        file.download(tmp_path / "again.bin")
    assert leftovers(tmp_path) == ["cut.bin"]


# --- refused uploads and bad arguments -------------------------------------------------------


@pytest.mark.anyio
async def test_async_refused_completion_raises_upload_error_and_removes_the_record(
    moderately_emulator: Emulator,
    moderately_async_client: AsyncModeratelyAI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    real = async_files_module.prepare_upload

    def lying(*args: Any, **kwargs: Any) -> Any:
        return dataclasses.replace(real(*args, **kwargs), sha256="0" * 64)

    monkeypatch.setattr(async_files_module, "prepare_upload", lying)
    with pytest.raises(UploadError) as caught:
        await client.files.upload(b"these bytes", name="x.txt")
    error = caught.value
    assert isinstance(error, ConflictError)
    assert error.status_code == 409
    assert error.file_id
    assert error.file_id in str(error)
    assert any("deleted" in note for note in error.__notes__)
    assert emu.stats.count("DELETE /files/{fileId}") == 1
    assert (await client.files.list()).items == []


def test_sync_refused_completion(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sync_files_module.prepare_upload
    monkeypatch.setattr(
        sync_files_module,
        "prepare_upload",
        lambda *a, **k: dataclasses.replace(real(*a, **k), sha256="f" * 64),
    )
    with pytest.raises(UploadError):
        moderately_client.files.upload(b"abc")
    assert list(moderately_client.files.list()) == []


def test_failed_upload_put_is_retried_from_the_first_byte(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    emu = moderately_emulator
    emu.faults.set("PUT /_storage/{key}", status_503=1.0, times=1)
    payload = os.urandom(1024 * 1024 + 3)
    file = moderately_client.files.upload(io.BytesIO(payload), name="retry.bin")
    assert emu.stats.count("PUT /_storage/{key}") == 2
    assert moderately_client.files.download(file.file_id) == payload


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.files.upload(12345),
        lambda c: c.files.upload("/no/such/file.csv"),
        lambda c: c.files.upload(io.StringIO("text mode")),
        lambda c: c.files.upload(b"x", name=""),
        lambda c: c.files.upload(b"x", name="n" * 1001),
        lambda c: c.files.upload(b"x", mime_type=""),
        lambda c: c.files.upload(b"x", metadata=["not", "a", "mapping"]),
        lambda c: c.files.list(page_size=101),
        lambda c: c.files.list(page_size=0),
        lambda c: c.files.list(upload_status="done"),
        lambda c: c.files.list(order_by="size"),
        lambda c: c.files.list(file_ids=[]),
        lambda c: c.files.list(mime_types=["text/csv", ""]),
        lambda c: c.files.retrieve(""),
        lambda c: c.files.download(""),
        lambda c: c.files.delete(""),
        lambda c: c.files.upload_many([b"a"], concurrency=0),
        lambda c: c.files.download_many({"": "x"}),
        lambda c: c.files.download_many({"f": "x"}, concurrency=True),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI, call: Any
) -> None:
    before = moderately_emulator.stats.count()
    with pytest.raises(InvalidArgumentError):
        call(moderately_client)
    assert moderately_emulator.stats.count() == before


def test_team_less_client_is_refused_before_any_request(moderately_emulator: Emulator) -> None:
    emu = moderately_emulator
    with ModeratelyAI(api_key=emu.api_key, base_url=emu.base_url, team_id=None) as client:
        if client.team_id is not None:
            pytest.skip("a team id comes from the environment")
        with pytest.raises(Exception, match="team"):
            client.files.upload(b"x")
        with pytest.raises(Exception, match="team"):
            client.files.list()
    assert emu.stats.count() == 0


# --- hooks ------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_upload_runs_through_create_hooks(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    client = moderately_async_client
    seen: list[tuple[str, Any]] = []

    async def rename(ctx: HookContext[Any]) -> None:
        seen.append(("before", ctx.params["name"]))
        ctx.params["name"] = "renamed.txt"

    async def record(ctx: HookContext[Any], outcome: Outcome[Any]) -> None:
        seen.append(("after", outcome.result.file_name if outcome.ok else outcome.error))

    client.hooks.add_before(rename, operation="create", resource=AsyncFile)
    client.hooks.add_after(record, operation="create", resource=AsyncFile)
    file = await client.files.upload(b"hooked", name="original.txt")
    assert file.file_name == "renamed.txt"
    assert seen == [("before", "original.txt"), ("after", "renamed.txt")]


def test_sync_before_hook_can_skip_the_upload(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    cached = moderately_client.files.upload(b"already there", name="cached.txt")
    before = moderately_emulator.stats.count()

    def reuse(ctx: HookContext[Any]) -> Replace[Any]:
        return Replace(cached)

    moderately_client.hooks.add_before(reuse, operation="create", resource=File)
    assert moderately_client.files.upload(b"new bytes") is cached
    assert moderately_emulator.stats.count() == before
