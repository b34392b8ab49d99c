"""One transfer by one client, in a process of its own, so that its peak RSS is its own.

    python benchmarks/transfer.py CLIENT DIRECTION URL FILE SHA256 WORKDIR

CLIENT is ``raw aiohttp``, ``raw aiohttp+sha256`` (the same, plus the SHA-256 the SDK
computes: a hash pass before an upload, hashing while downloading), ``moderately async`` or
``moderately sync``; DIRECTION is
``upload`` (stream FILE to a PUT of URL) or ``download`` (stream a GET of URL into a file in
WORKDIR). Prints one JSON object: seconds, client CPU seconds (all threads), bytes, and the
process's resident memory before the transfer and at its peak during it (kB, from
/proc/self/status; the peak is reset just before the transfer where Linux allows it).

The SDK clients go through the same code as ``files.upload`` and ``File.download`` after their
API calls: the upload is measured and hashed in one streaming pass (``prepare_upload``, timed
apart as ``prepare_s``) and then streamed; the download is streamed into an atomic file and
verified against the expected size and SHA-256.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

CHUNK = 1024 * 1024


def memory_kb() -> dict[str, int]:
    """VmRSS and VmHWM (peak) of this process, in kB."""
    out: dict[str, int] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux ``clear_refs`` 5); False when not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def warm_free_memory(size: int) -> None:
    """Write to ``size`` bytes of memory and free them again, so that fresh pages are backed.

    On this kind of virtual machine the host takes back guest memory that stays free for a
    while, and the first write to such a page is slow: writing a fresh 512 MiB file to a RAM
    folder took 0.2 s right after another file was deleted and 0.7-1.5 s a few seconds later.
    Every download writes a fresh file, so without this its number would follow how long
    the machine had been idle before it rather than the client. Done for every client alike.
    """
    block = bytearray(size)
    view = memoryview(block)
    filler = b"\x01" * CHUNK
    for start in range(0, size, CHUNK):
        view[start : start + CHUNK] = filler[: min(CHUNK, size - start)]
    del view, block


async def raw_upload(url: str, path: Path, size: int, digest: Any = None) -> None:
    import aiohttp

    if digest is not None:
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                digest.update(chunk)

    async def chunks() -> AsyncIterator[bytes]:
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk

    headers = {"Content-Length": str(size)}
    async with (
        aiohttp.ClientSession() as session,
        session.put(url, data=chunks(), headers=headers) as resp,
    ):
        await resp.read()
        assert resp.status < 300, resp.status


async def raw_download(url: str, target: Path, digest: Any = None) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        assert resp.status < 300, resp.status
        with target.open("wb") as f:
            async for chunk in resp.content.iter_chunked(CHUNK):
                if digest is not None:
                    digest.update(chunk)
                f.write(chunk)


def run(client: str, direction: str, url: str, path: Path, sha256: str, workdir: Path) -> Any:
    import moderately
    from moderately._transfer import prepare_upload

    size = path.stat().st_size
    target = workdir / f"download-{client.replace(' ', '-')}.bin"
    timings: dict[str, float] = {}
    kwargs: dict[str, Any] = {"api_key": "k", "team_id": "t", "base_url": "http://127.0.0.1:1"}

    async def async_sdk() -> None:
        async with moderately.AsyncModeratelyAI(**kwargs) as sdk:
            transport, config = sdk._transport, sdk._config
            if direction == "upload":
                began = time.perf_counter()
                source = prepare_upload(path)
                timings["prepare_s"] = time.perf_counter() - began
                await transport.upload(config, url, source)
            else:
                await transport.download(
                    config, url, path=target, expected_size=size, expected_sha256=sha256
                )

    def sync_sdk() -> None:
        with moderately.ModeratelyAI(**kwargs) as sdk:
            transport, config = sdk._transport, sdk._config
            if direction == "upload":
                began = time.perf_counter()
                source = prepare_upload(path)
                timings["prepare_s"] = time.perf_counter() - began
                transport.upload(config, url, source)
            else:
                transport.download(
                    config, url, path=target, expected_size=size, expected_sha256=sha256
                )

    warmed = direction == "download" and reset_peak()
    if warmed:
        # The peak reset below forgets this allocation; where it cannot, nothing is warmed.
        warm_free_memory(size + 64 * CHUNK)
    before = memory_kb()
    peak_reset = reset_peak()
    started, cpu = time.perf_counter(), time.process_time()
    if client in ("raw aiohttp", "raw aiohttp+sha256"):
        digest = hashlib.sha256() if client.endswith("sha256") else None
        if direction == "upload":
            asyncio.run(raw_upload(url, path, size, digest))
        else:
            asyncio.run(raw_download(url, target, digest))
    elif client == "moderately async":
        asyncio.run(async_sdk())
    elif client == "moderately sync":
        sync_sdk()
    else:
        raise SystemExit(f"unknown client {client!r}")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = memory_kb()
    if direction == "download":
        assert target.stat().st_size == size, "download incomplete"
        target.unlink()
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        "bytes": size,
        "rss_before_kb": before["VmRSS"],
        "peak_kb": after["VmHWM"],
        "peak_reset": peak_reset,
        "memory_warmed": warmed,
        **timings,
    }


def main() -> None:
    client, direction, url, file, sha256, workdir = sys.argv[1:7]
    # Everything the clients import is loaded before the "before" reading, for every client.
    import aiohttp  # noqa: F401

    import moderately._sync_transport  # noqa: F401

    print(json.dumps(run(client, direction, url, Path(file), sha256, Path(workdir))))


if __name__ == "__main__":
    main()
