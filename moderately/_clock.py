"""Sleeping and time, named so that the sync twin of ``async_sleep`` is plain ``sleep``."""

from __future__ import annotations

import time

import anyio

monotonic = time.monotonic


async def async_sleep(seconds: float) -> None:
    """Sleep without blocking the event loop."""
    await anyio.sleep(seconds)


def sleep(seconds: float) -> None:
    """Sleep the calling thread."""
    time.sleep(seconds)
