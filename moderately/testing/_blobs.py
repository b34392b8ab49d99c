"""The emulator's object storage: bytes by key, presigned-URL signing and download faults.

`BlobStore` is one per emulator (``state.extension(BlobStore)``, also ``emu.storage``). Keys are
paths such as ``files/<fileId>``; each key remembers its `BlobOwner` (team and resource) so
the storage routes can audit uploads and tests can address a blob by resource id.

Signing: a presigned URL carries ``expires`` (Unix time in milliseconds) and ``signature``,
the hex HMAC-SHA256 of the method, key and expiry (newline-separated) under a secret drawn
per store, so a URL works for one method and one key until it expires and any edit invalidates it.

Bodies are kept in `SpooledTemporaryFile`s: in memory up to a threshold, on disk above it, so
large uploads do not hold their bytes in RAM.

Download faults (for transfer-verification tests)::

    emu.storage.corrupt_next_download(file_id, mode="flip")      # one byte inverted
    emu.storage.corrupt_next_download(file_id, mode="truncate")  # first half, honest length
    emu.storage.corrupt_next_download(file_id, mode="drop")      # full length promised, cut

Each call arms the next `times` downloads (default 1) of the blob whose key or owning
resource id is `target`. All public methods are safe to call from the test's thread.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from tempfile import SpooledTemporaryFile
from typing import Literal
from urllib.parse import quote

CorruptionMode = Literal["flip", "truncate", "drop"]
CHUNK_SIZE = 64 * 1024
STORAGE_PREFIX = "/_storage/"


@dataclass(frozen=True)
class BlobOwner:
    """Who a storage key belongs to: the team and the platform resource it holds bytes for."""

    team_id: str | None
    resource_type: str
    resource_id: str


@dataclass
class Blob:
    """Stored bytes of one key with their size and SHA-256."""

    key: str
    body: SpooledTemporaryFile[bytes]
    size: int
    sha256: str
    content_type: str
    # Tests may read a blob from their own thread while the loop streams it.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def read_at(self, offset: int, length: int) -> bytes:
        """Return up to `length` bytes from `offset`."""
        with self._lock:
            self.body.seek(offset)
            return self.body.read(length)

    def iter_chunks(self, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Yield the bytes from `start` to `end` (exclusive) in chunks."""
        stop = self.size if end is None else min(end, self.size)
        offset = start
        while offset < stop:
            chunk = self.read_at(offset, min(CHUNK_SIZE, stop - offset))
            if not chunk:
                return
            offset += len(chunk)
            yield chunk

    def read_all(self) -> bytes:
        """Return every byte (for small blobs and tests)."""
        return b"".join(self.iter_chunks())


@dataclass
class _Fault:
    mode: CorruptionMode
    remaining: int


class BlobStore:
    """Bytes by key, the signing secret, owners, sealed keys and armed download faults."""

    def __init__(self) -> None:
        """Start empty with a fresh signing secret."""
        self._secret = secrets.token_bytes(32)
        self._blobs: dict[str, Blob] = {}
        self._owners: dict[str, BlobOwner] = {}
        self._sealed: set[str] = set()
        self._faults: dict[str, _Fault] = {}
        self._lock = threading.Lock()

    # -- signing ---------------------------------------------------------------------------

    def _sign(self, method: str, key: str, expires_ms: int) -> str:
        message = f"{method.upper()}\n{key}\n{expires_ms}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def presign(self, origin: str, method: str, key: str, ttl_seconds: float) -> tuple[str, float]:
        """Return a URL on `origin` allowing `method` on `key`, and its expiry (Unix seconds)."""
        expires = time.time() + ttl_seconds
        expires_ms = int(expires * 1000)
        signature = self._sign(method, key, expires_ms)
        url = f"{origin}{STORAGE_PREFIX}{quote(key)}?expires={expires_ms}&signature={signature}"
        return url, expires_ms / 1000

    def check_signature(self, method: str, key: str, expires: str, signature: str) -> str | None:
        """Return None if the signed request is valid, else ``"expired"`` or ``"mismatch"``."""
        try:
            expires_ms = int(expires)
        except ValueError:
            return "mismatch"
        expected = self._sign(method, key, expires_ms)
        if not hmac.compare_digest(expected, signature):
            return "mismatch"
        if time.time() * 1000 >= expires_ms:
            return "expired"
        return None

    # -- bytes -----------------------------------------------------------------------------

    def set_owner(self, key: str, owner: BlobOwner) -> None:
        """Record which team and resource `key` belongs to."""
        with self._lock:
            self._owners[key] = owner

    def owner(self, key: str) -> BlobOwner | None:
        """Return the owner recorded for `key`."""
        with self._lock:
            return self._owners.get(key)

    def store(self, blob: Blob) -> None:
        """Keep `blob`, replacing (and closing) what its key held before."""
        with self._lock:
            old = self._blobs.get(blob.key)
            self._blobs[blob.key] = blob
        if old is not None:
            old.body.close()

    def put_bytes(
        self, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> Blob:
        """Store `data` under `key` directly (for bytes the emulator itself produces)."""
        body: SpooledTemporaryFile[bytes] = SpooledTemporaryFile(  # noqa: SIM115 - the blob owns it
            max_size=len(data) + 1
        )
        body.write(data)
        blob = Blob(key, body, len(data), hashlib.sha256(data).hexdigest(), content_type)
        self.store(blob)
        return blob

    def get(self, key: str) -> Blob | None:
        """Return the blob under `key`, if any."""
        with self._lock:
            return self._blobs.get(key)

    def delete(self, key: str) -> None:
        """Forget `key`: its bytes, owner, seal and armed faults."""
        with self._lock:
            blob = self._blobs.pop(key, None)
            self._owners.pop(key, None)
            self._sealed.discard(key)
        if blob is not None:
            blob.body.close()

    def close(self) -> None:
        """Release every stored body (their temporary files); the store is empty afterwards."""
        with self._lock:
            blobs = list(self._blobs.values())
            self._blobs.clear()
            self._owners.clear()
            self._sealed.clear()
        for blob in blobs:
            blob.body.close()

    def seal(self, key: str) -> None:
        """Refuse further uploads to `key` (its resource has been completed)."""
        with self._lock:
            self._sealed.add(key)

    def sealed(self, key: str) -> bool:
        """Return whether uploads to `key` are refused."""
        with self._lock:
            return key in self._sealed

    def keys(self) -> list[str]:
        """Return every key holding bytes."""
        with self._lock:
            return list(self._blobs)

    def resolve(self, target: str) -> str | None:
        """Return the key named by `target`: a key, or the id of the resource owning one."""
        with self._lock:
            if target in self._blobs or target in self._owners:
                return target
            for key, owner in self._owners.items():
                if owner.resource_id == target:
                    return key
        return None

    def read(self, target: str) -> bytes | None:
        """Return the bytes stored for `target` (key or resource id), for tests."""
        key = self.resolve(target)
        blob = self.get(key) if key is not None else None
        return blob.read_all() if blob is not None else None

    # -- faults ----------------------------------------------------------------------------

    def corrupt_next_download(
        self, target: str, mode: CorruptionMode = "flip", *, times: int = 1
    ) -> None:
        """Serve the next `times` downloads of `target` (key or resource id) damaged by `mode`."""
        if mode not in ("flip", "truncate", "drop"):
            raise ValueError("mode must be 'flip', 'truncate' or 'drop'")
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._faults[target] = _Fault(mode, times)

    def clear_faults(self) -> None:
        """Disarm every download fault."""
        with self._lock:
            self._faults.clear()

    def take_fault(self, key: str) -> CorruptionMode | None:
        """Consume and return the fault armed for `key` (or its owning resource), if any."""
        with self._lock:
            owner = self._owners.get(key)
            names = [key] + ([owner.resource_id] if owner is not None else [])
            for name in names:
                fault = self._faults.get(name)
                if fault is None:
                    continue
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self._faults[name]
                return fault.mode
        return None
