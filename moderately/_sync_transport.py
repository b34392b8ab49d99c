"""The sync facade's transport: the async HTTP core, run on one background event-loop thread.

Every sync client shares one daemon thread running one event loop. Each client's aiohttp
session lives on that loop, so connections are reused across calls, and a sync call works from
any thread, including one whose own loop is running (a notebook). The thread starts on first
use under a lock. After ``fork()`` the child starts its own thread on first use; sessions
inherited from the parent are set aside untouched, because their sockets and loop belong to
the parent. At interpreter exit the sessions are closed on the loop, then the loop is stopped
and closed, so nothing warns about unclosed sessions or a closed loop. A client dropped without
``close()`` has its session closed on the loop thread when it is garbage-collected.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import os
import threading
import weakref
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from ._config import ClientConfig
from ._deadline import current_deadline
from ._http import AsyncTransport
from ._request import Query
from ._response import Response
from ._tls import Verify
from ._transfer import Progress, UploadSource

T = TypeVar("T")

_SHUTDOWN_TIMEOUT = 5.0


class _LoopThread:
    """One event loop running forever on a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._main, name="moderately-sync-loop", daemon=True)
        self.thread.start()
        self._ready.wait()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(self._ready.set)
        self.loop.run_forever()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        if threading.get_ident() == self.thread.ident:
            coro.close()
            raise RuntimeError(
                "A sync moderately client was called from its own event-loop thread (for "
                "example from inside an async callback); use AsyncModeratelyAI there instead."
            )
        # A lighter handoff than run_coroutine_threadsafe + concurrent.futures.Future (whose
        # Condition, chained callbacks and extra loop step cost ~30% of a call's wall time when
        # the network is fast): the caller blocks on a plain lock that the coroutine's own task
        # releases as it ends. Measured with the network stubbed out: 170 -> 118 us per call.
        call = _Call(coro)
        self.loop.call_soon_threadsafe(_start, call)
        try:
            call.done.acquire()
        except BaseException:
            # Interrupted (Ctrl-C): make sure the request does not run on unseen.
            with contextlib.suppress(RuntimeError):  # the loop is already closed
                self.loop.call_soon_threadsafe(_cancel, call)
            raise
        error = call.error
        if error is not None:
            try:
                raise error  # the coroutine's own exception object, type and cause intact
            finally:
                call.error = error = None  # no cycle through the traceback
        return call.result  # type: ignore[no-any-return]

    def stop(self) -> None:
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(_SHUTDOWN_TIMEOUT)
        if not self.thread.is_alive():
            self.loop.close()


class _Call:
    """A coroutine handed to the loop thread, and the lock its caller waits on."""

    __slots__ = ("cancelled", "coro", "done", "error", "result", "task")

    def __init__(self, coro: Coroutine[Any, Any, Any]) -> None:
        self.coro = coro
        self.done = threading.Lock()
        self.done.acquire()  # released (on the loop thread) once the coroutine has ended
        self.result: Any = None
        self.error: BaseException | None = None
        self.task: asyncio.Task[None] | None = None
        self.cancelled = False


def _start(call: _Call) -> None:
    """On the loop thread: run the call's coroutine as a task (unless already given up)."""
    if call.cancelled:
        call.coro.close()
        call.done.release()
        return
    call.task = asyncio.get_running_loop().create_task(_finish(call))


async def _finish(call: _Call) -> None:
    try:
        call.result = await call.coro
    except BaseException as exc:  # handed to the caller's thread, which raises it
        call.error = exc
    finally:
        call.done.release()


def _cancel(call: _Call) -> None:
    """On the loop thread, after the caller was interrupted: stop the call's coroutine."""
    if call.task is not None:
        call.task.cancel()
    else:
        call.cancelled = True


_lock = threading.Lock()
_runner: _LoopThread | None = None
_live: weakref.WeakSet[SyncTransport] = weakref.WeakSet()
# Objects inherited across fork(): kept referenced so that their finalizers never run in the
# child (they would touch the parent's loop and sockets).
_inherited: list[object] = []
# Closes of dropped clients' sessions still running on the loop thread.
_closing: set[concurrent.futures.Future[None]] = set()


def _loop_thread() -> _LoopThread:
    global _runner
    runner = _runner
    if runner is None:
        with _lock:
            if _runner is None:
                _runner = _LoopThread()
            runner = _runner
    return runner


def _after_fork_in_child() -> None:
    global _runner, _lock
    _lock = threading.Lock()
    if _runner is not None:
        _inherited.append(_runner)
    _runner = None
    # The parent's loop does not run here, so its pending closes would never finish.
    _closing.clear()


def _close_all_at_exit() -> None:
    runner = _runner
    if runner is None or runner.loop.is_closed():
        return
    # Closes scheduled for clients dropped just before exit must finish before the loop stops.
    for pending in list(_closing):
        with contextlib.suppress(Exception):
            pending.result(_SHUTDOWN_TIMEOUT)
    transports = [t for t in list(_live) if t._pid == os.getpid()]
    for transport in transports:
        inner = transport._inner
        if inner is not None and not inner.closed:
            future = asyncio.run_coroutine_threadsafe(inner.aclose(), runner.loop)
            # Best effort at exit: there is no caller left to report a failure to.
            with contextlib.suppress(Exception):
                future.result(_SHUTDOWN_TIMEOUT)
    runner.stop()


def _close_dropped(inner: AsyncTransport, pid: int) -> None:
    """Close the session of a sync client that was garbage-collected without ``close()``."""
    # This runs on whichever thread dropped the client, possibly the loop thread itself: only
    # schedule the close there, never wait for it. Left alone, aiohttp would finalize the
    # session from this thread and log "Unclosed client session".
    if pid != os.getpid() or inner.closed or inner.close_if_unused():
        return
    runner = _runner
    if runner is None or runner.loop.is_closed() or not runner.thread.is_alive():
        return
    future = asyncio.run_coroutine_threadsafe(inner.aclose(), runner.loop)
    _closing.add(future)
    future.add_done_callback(_closing.discard)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_close_all_at_exit)


class SyncTransport:
    """Blocking twin of AsyncTransport, used by the generated sync client."""

    def __init__(self, *, verify: Verify = True) -> None:
        self._inner: AsyncTransport | None = None
        self._pid = os.getpid()
        self._closed = False
        self._verify = verify
        self._adopt(AsyncTransport(verify=verify))
        _live.add(self)

    def _adopt(self, inner: AsyncTransport) -> None:
        self._inner = inner
        # Exit is handled by _close_all_at_exit, which waits for each close; this finalizer is
        # only for a client dropped while the program runs.
        weakref.finalize(self, _close_dropped, inner, self._pid).atexit = False

    @property
    def closed(self) -> bool:
        """True once ``close`` has run."""
        return self._closed

    def _current(self) -> AsyncTransport:
        if self._pid != os.getpid():
            # Forked: the inherited session belongs to the parent; start afresh in this process.
            if self._inner is not None:
                _inherited.append(self._inner)
            self._pid = os.getpid()
            self._adopt(AsyncTransport(verify=self._verify))
        inner = self._inner
        assert inner is not None
        return inner

    def request(
        self,
        config: ClientConfig,
        method: str,
        path: str,
        *,
        params: Query | None = None,
        body: bytes | None = None,
    ) -> Response:
        """Send a request through the background loop and block until it is answered."""
        inner = self._current()
        # Context variables do not cross to the loop thread: hand the deadline over explicitly.
        deadline = current_deadline()
        return _loop_thread().run(
            inner.request(config, method, path, params=params, body=body, deadline=deadline)
        )

    def upload(
        self,
        config: ClientConfig,
        url: str,
        source: UploadSource,
        *,
        progress: Progress | None = None,
    ) -> None:
        """Stream ``source`` to a presigned URL through the background loop."""
        inner = self._current()
        _loop_thread().run(inner.upload(config, url, source, progress=progress))

    def download(
        self,
        config: ClientConfig,
        url: str,
        *,
        path: Path | None,
        expected_size: int | None = None,
        expected_sha256: str | None = None,
        progress: Progress | None = None,
    ) -> bytes | Path:
        """Fetch a presigned URL through the background loop, verified (see AsyncTransport)."""
        inner = self._current()
        return _loop_thread().run(
            inner.download(
                config,
                url,
                path=path,
                expected_size=expected_size,
                expected_sha256=expected_sha256,
                progress=progress,
            )
        )

    def close(self) -> None:
        """Close the session on the loop thread; safe to call twice."""
        if self._closed:
            return
        inner = self._current()
        if not inner.close_if_unused():
            # Raises (leaving the client open, so close() can be retried) on the loop thread.
            _loop_thread().run(inner.aclose())
        self._closed = True
