"""File transfers: upload sources measured and hashed as streams, downloads written atomically.

Nothing here holds a whole file in memory unless the caller handed over bytes or asked for bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import mimetypes
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ._errors import InvalidArgumentError, ModeratelyError

CHUNK = 1024 * 1024
"""Bytes read or written per step; large enough to keep per-chunk overhead negligible."""

Progress = Callable[[int, int | None], object]
"""Called with (bytes done, bytes in all or None when unknown) as a transfer advances."""

UploadInput = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO
"""What an upload accepts: a path, bytes, or a binary file object."""

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
)


class TransferError(ModeratelyError):
    """A transfer's bytes did not arrive intact; nothing partial was kept."""


@dataclass(slots=True)
class UploadSource:
    """An upload ready to send: where its bytes are, and what they add up to."""

    name: str
    size: int
    sha256: str
    mime_type: str
    path: Path | None = None
    data: bytes | None = None
    stream: BinaryIO | None = field(default=None, repr=False)
    offset: int = 0
    _spooled: bool = field(default=False, repr=False)

    @contextlib.contextmanager
    def open(self) -> Iterator[BinaryIO]:
        """A reader at the first byte; every attempt reads from the start.

        A caller's own file object is rewound, not closed: it stays the caller's.
        """
        if self.data is not None:
            yield io.BytesIO(self.data)
        elif self.stream is not None:
            self.stream.seek(self.offset)
            yield self.stream
        else:
            assert self.path is not None
            with self.path.open("rb") as handle:
                yield handle

    def cleanup(self) -> None:
        """Put a caller's file object back where it was; delete a spool file made, if any."""
        if self.stream is not None:
            # The object stays the caller's: leave it at the position it was handed over at.
            with contextlib.suppress(OSError, ValueError):
                self.stream.seek(self.offset)
        if self._spooled and self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


def guess_mime_type(name: str, head: bytes = b"") -> str:
    """MIME type from the file name, else from the first bytes, else octet-stream."""
    guessed, _ = mimetypes.guess_type(name, strict=False)
    # "octet-stream" (say, for the default name upload.bin) says nothing: look at the bytes.
    if guessed and guessed != "application/octet-stream":
        return guessed
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "text/csv"
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return mime
    if head and _looks_like_text(head):
        return "text/plain"
    return "application/octet-stream"


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def prepare_upload(
    source: UploadInput, *, name: str | None = None, mime_type: str | None = None
) -> UploadSource:
    """Measure and hash ``source`` in one streaming pass (blocking: run it off the loop).

    Paths are read in chunks; a seekable file object is read from its current position and
    rewound; an unseekable one is copied to a temporary spool file while hashed, so that a retry
    can send the same bytes again.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        label = name or "upload.bin"
        return UploadSource(
            name=label,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            mime_type=mime_type or guess_mime_type(label, data[:512]),
            data=data,
        )
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise InvalidArgumentError(f"No such file to upload: {path}")
        digest, size, head = _hash_stream(path.open("rb"))
        label = name or path.name
        return UploadSource(
            name=label,
            size=size,
            sha256=digest,
            mime_type=mime_type or guess_mime_type(label, head),
            path=path,
        )
    if not hasattr(source, "read"):
        raise InvalidArgumentError(
            f"Cannot upload a {type(source).__name__}: pass a path, bytes or a binary file object"
        )
    label = name or Path(str(getattr(source, "name", "") or "upload.bin")).name
    if _seekable(source):
        # The object is the caller's: nothing is copied; each attempt rewinds it to here.
        start = source.tell()
        digest, size, head = _hash_stream(source, close=False)
        source.seek(start)
        mime = mime_type or guess_mime_type(label, head)
        return UploadSource(label, size, digest, mime, stream=source, offset=start)
    spool_path, digest, size, head = _spool_and_hash(source)
    mime = mime_type or guess_mime_type(label, head)
    return UploadSource(label, size, digest, mime, path=spool_path, _spooled=True)


def _seekable(obj: BinaryIO) -> bool:
    try:
        return bool(obj.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _hash_stream(
    stream: BinaryIO, *, close: bool = True, copy_to: BinaryIO | None = None
) -> tuple[str, int, bytes]:
    """SHA-256, size and first bytes of ``stream``, read once (and copied to ``copy_to``)."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        while chunk := stream.read(CHUNK):
            if not isinstance(chunk, bytes | bytearray):
                raise InvalidArgumentError("The file object must be opened in binary mode ('rb')")
            if not head:
                head = bytes(chunk[:512])
            digest.update(chunk)
            size += len(chunk)
            if copy_to is not None:
                copy_to.write(chunk)
    finally:
        if close:
            stream.close()
    return digest.hexdigest(), size, head


def _spool_and_hash(stream: BinaryIO) -> tuple[Path, str, int, bytes]:
    fd, name = tempfile.mkstemp(prefix="moderately-upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            digest, size, head = _hash_stream(stream, close=False, copy_to=out)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name), digest, size, head


class AtomicFile:
    """A temporary file beside ``target`` that becomes ``target`` only when committed."""

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        self.temp = Path(name)
        # Unbuffered: chunks are large and written whole, so a buffer would only copy them.
        self.handle: BinaryIO = os.fdopen(fd, "wb", buffering=0)

    def write(self, chunks: Sequence[bytes]) -> None:
        """Append every byte of ``chunks`` to the temporary file."""
        write_all(self.handle.fileno(), chunks)

    def commit(self) -> Path:
        """Sync to disk, then rename over ``target`` in one step."""
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.temp, self.target)
        return self.target

    def discard(self) -> None:
        """Close and delete the temporary file; the target is left as it was."""
        with contextlib.suppress(OSError):
            self.handle.close()
        self.temp.unlink(missing_ok=True)


def verify(
    *, what: str, size: int, sha256: str, expected_size: int | None, expected_sha256: str | None
) -> None:
    """Raise TransferError when the bytes received differ from what the platform declared."""
    if expected_size is not None and size != expected_size:
        raise TransferError(f"{what}: received {size} bytes, expected {expected_size}")
    if expected_sha256 and sha256.lower() != expected_sha256.lower():
        raise TransferError(f"{what}: SHA-256 {sha256} does not match expected {expected_sha256}")


def check_transfer_args(*, path: object = None, progress: object = None) -> None:
    """Refuse a ``path`` or ``progress`` of the wrong type before any request is made."""
    if path is not None and not isinstance(path, str | os.PathLike):
        raise InvalidArgumentError(f"path must be a str or os.PathLike; got {type(path).__name__}")
    if progress is not None and not callable(progress):
        raise InvalidArgumentError(
            f"progress must be a callable (done, total); got {type(progress).__name__}"
        )


def download_target(path: str | os.PathLike[str], name: str) -> Path:
    """Where a download to ``path`` goes: ``path`` itself, or ``name`` inside it if a folder.

    Only the last part of ``name`` (which comes from the platform) is used, so it can never
    place the file outside the folder.
    """
    target = Path(path)
    if target.is_dir():
        return target / (Path(name.replace("\\", "/")).name or "download")
    return target


# Where the OS has writev, a batch of chunks is one system call (and, on a worker thread, one
# release of the GIL) instead of one per chunk. Linux and macOS take up to 1024 buffers a call.
_writev = getattr(os, "writev", None)
_IOV_MAX = 1024

Buffers = list[bytes | memoryview]


def write_all(fd: int, chunks: Sequence[bytes]) -> None:
    """Write every byte of ``chunks`` to ``fd``, in as few system calls as the OS allows."""
    writev = _writev
    if writev is not None:
        drain(chunks, lambda group: writev(fd, group))
    else:  # pragma: no cover - Windows has no writev: one chunk per call
        drain(chunks, lambda group: os.write(fd, group[0]))


def drain(chunks: Sequence[bytes], write: Callable[[Buffers], int]) -> None:
    """Offer what is left of ``chunks`` to ``write`` until it has taken every byte.

    ``write`` gets at most _IOV_MAX buffers and answers how many bytes it took; after a short
    write the next offer starts at the first byte not taken.
    """
    rest: Buffers = list(chunks)
    start = 0
    while start < len(rest):
        group = rest[start : start + _IOV_MAX]
        written = write(group)
        if written <= 0 and any(group):
            raise OSError(f"a write took none of {sum(map(len, group))} bytes")
        while start < len(rest) and written >= len(rest[start]):
            written -= len(rest[start])
            start += 1
        if written:
            rest[start] = memoryview(rest[start])[written:]
