"""client.files.upload_many / download_many, the bounded runner, and a large transfer's memory."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import anyio
import pytest

from moderately import (
    AsyncModeratelyAI,
    InvalidArgumentError,
    ModeratelyAI,
    NotFoundError,
)
from moderately._async._bounded import run_bounded as async_run_bounded
from moderately._sync._bounded import run_bounded as sync_run_bounded
from moderately.testing import Emulator


@pytest.mark.anyio
async def test_async_upload_many_and_download_many_keep_input_order(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI, tmp_path: Path
) -> None:
    client = moderately_async_client
    payloads = [os.urandom(1000 + i) for i in range(7)]
    files = await client.files.upload_many(payloads, concurrency=3, metadata={"batch": "1"})
    assert [f.file_size for f in files] == [len(p) for p in payloads]
    assert all(f.metadata == {"batch": "1"} for f in files)
    assert moderately_emulator.stats.count("POST /files/upload-url") == 7

    targets = {f.file_id: tmp_path / f"{i}.bin" for i, f in enumerate(files)}
    paths = await client.files.download_many(targets, concurrency=2)
    assert paths == list(targets.values())
    assert [p.read_bytes() for p in paths] == payloads
    assert await client.files.upload_many([]) == []


def test_sync_upload_many_and_download_many_keep_input_order(
    moderately_client: ModeratelyAI, tmp_path: Path
) -> None:
    sources: list[object] = [tmp_path / "a.csv", b"raw bytes", (tmp_path / "c.txt")]
    (tmp_path / "a.csv").write_bytes(b"x,y\n")
    (tmp_path / "c.txt").write_bytes(b"third")
    files = moderately_client.files.upload_many(sources, concurrency=2)  # type: ignore[arg-type]
    assert [f.file_name for f in files] == ["a.csv", "upload.bin", "c.txt"]
    out = tmp_path / "out"
    out.mkdir()
    paths = moderately_client.files.download_many({f.file_id: out for f in files})
    assert [p.name for p in paths] == ["a.csv", "upload.bin", "c.txt"]
    assert paths[2].read_bytes() == b"third"


@pytest.mark.anyio
async def test_async_upload_many_finishes_the_others_then_raises_the_first_error(
    moderately_async_client: AsyncModeratelyAI, tmp_path: Path
) -> None:
    client = moderately_async_client
    sources = [b"one", tmp_path / "missing-1.csv", b"three", tmp_path / "missing-2.csv"]
    with pytest.raises(InvalidArgumentError, match="missing-1") as caught:
        await client.files.upload_many(sources, concurrency=4)  # type: ignore[arg-type]
    notes = "\n".join(caught.value.__notes__)
    assert "item 3" in notes
    assert "missing-2" in notes
    assert "2 of 4 items failed" in notes
    assert "2 succeeded" in notes
    assert sorted([f.file_size async for f in client.files.list()]) == [3, 5]


def test_sync_download_many_reports_every_failure(
    moderately_client: ModeratelyAI, tmp_path: Path
) -> None:
    file = moderately_client.files.upload(b"kept", name="kept.txt")
    targets = {"nope-1": tmp_path / "a", file.file_id: tmp_path / "b", "nope-2": tmp_path / "c"}
    with pytest.raises(NotFoundError) as caught:
        moderately_client.files.download_many(targets)
    assert any("item 2" in note for note in caught.value.__notes__)
    assert (tmp_path / "b").read_bytes() == b"kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]


@pytest.mark.anyio
async def test_async_runner_never_exceeds_the_bound() -> None:
    running = peak = 0

    async def job(value: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await anyio.sleep(0.01)
        running -= 1
        return value * 2

    calls = [lambda v=v: job(v) for v in range(12)]  # type: ignore[misc]
    assert await async_run_bounded(calls, 3) == [v * 2 for v in range(12)]
    assert peak == 3


def test_sync_runner_uses_threads_up_to_the_bound() -> None:
    lock = threading.Lock()
    running = peak = 0
    threads: set[int] = set()

    def job(value: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            threads.add(threading.get_ident())
        time.sleep(0.02)
        with lock:
            running -= 1
        return -value

    calls = [lambda v=v: job(v) for v in range(10)]
    assert sync_run_bounded(calls, 4) == [-v for v in range(10)]
    assert peak == 4
    assert len(threads) == 4


_CHILD = textwrap.dedent(
    """
    import hashlib, sys
    from pathlib import Path
    from moderately import ModeratelyAI

    def peak_kib():
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise SystemExit("no VmHWM")

    base_url, api_key, team_id, source, target = sys.argv[1:]
    with ModeratelyAI(api_key=api_key, team_id=team_id, base_url=base_url) as client:
        warm = client.files.upload(b"warm-up", name="warm.txt")  # loads every code path once
        client.files.download(warm.file_id)
        before = peak_kib()
        file = client.files.upload(source)
        written = file.download(target)
        after = peak_kib()
    print(file.file_size, file.file_hash, written, after - before)
    """
)


@pytest.mark.slow
def test_large_transfer_streams_without_holding_the_file(
    moderately_emulator: Emulator, tmp_path: Path
) -> None:
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc to read the peak resident set size")
    size = 256 * 1024 * 1024
    source, target = tmp_path / "big.bin", tmp_path / "back.bin"
    digest = hashlib.sha256()
    block = os.urandom(1024 * 1024)
    with source.open("wb") as out:
        for i in range(size // len(block)):
            # A different megabyte each time, cheaply: the counter makes every block unique.
            chunk = i.to_bytes(8, "big") + block[8:]
            digest.update(chunk)
            out.write(chunk)
    emu = moderately_emulator
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, emu.base_url, emu.api_key, emu.team_id, str(source), target],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    file_size, file_hash, written, growth_kib = done.stdout.split()
    assert (int(file_size), file_hash) == (size, digest.hexdigest())
    assert Path(written) == target
    assert target.stat().st_size == size
    # The client holds a few chunks at a time, never the file: well under a tenth of it.
    assert int(growth_kib) * 1024 < size // 10, f"peak RSS grew by {int(growth_kib) // 1024} MiB"
    assert time.monotonic() - started < 60
