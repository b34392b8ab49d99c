"""Primitives with an async and a sync twin, named so that the generator maps one to the other.

``async_sleep`` becomes ``sleep`` and ``async_run_blocking`` becomes ``run_blocking`` in the
generated sync API.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar, TypeVarTuple

import anyio.to_thread

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

monotonic = time.monotonic


async def async_sleep(seconds: float) -> None:
    """Sleep without blocking the event loop."""
    await anyio.sleep(seconds)


def sleep(seconds: float) -> None:
    """Sleep the calling thread."""
    time.sleep(seconds)


async def async_run_blocking(func: Callable[[*Ts], T], *args: *Ts) -> T:
    """Run blocking ``func`` (file I/O, hashing) on a worker thread, off the event loop."""
    return await anyio.to_thread.run_sync(func, *args)


def run_blocking(func: Callable[[*Ts], T], *args: *Ts) -> T:
    """Run ``func`` in the calling thread (the sync API is allowed to block)."""
    return func(*args)
