"""Batched writes of a download: every byte lands once and in order, short writes included."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moderately._transfer import Buffers, drain, write_all


@given(
    chunks=st.lists(st.binary(max_size=64), max_size=40),
    limits=st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=20),
)
def test_short_writes_resume_where_they_stopped(chunks: list[bytes], limits: list[int]) -> None:
    out = io.BytesIO()
    calls = 0

    def short_write(group: Buffers) -> int:
        # Takes at most `limit` bytes per call, as a full pipe or an interrupted call would.
        nonlocal calls
        limit = limits[calls % len(limits)]
        calls += 1
        data = b"".join(bytes(part) for part in group)[:limit]
        out.write(data)
        return len(data)

    drain(chunks, short_write)

    assert out.getvalue() == b"".join(chunks)


def test_a_write_that_takes_nothing_is_an_error_not_a_hang() -> None:
    with pytest.raises(OSError, match="took none of 3 bytes"):
        drain([b"abc"], lambda group: 0)


def test_empty_chunks_need_no_write() -> None:
    drain([b"", b""], lambda group: 0)


def test_more_chunks_than_one_system_call_takes(tmp_path: Path) -> None:
    chunks = [os.urandom(n % 97) for n in range(3000)]
    target = tmp_path / "out.bin"
    with target.open("wb", buffering=0) as handle:
        write_all(handle.fileno(), chunks)

    assert target.read_bytes() == b"".join(chunks)
