"""The sync facade's transport: the async HTTP core on one event loop, run by the caller.

Every sync client of a process shares one event loop, so each client's aiohttp session and its
connections live on it and are reused across calls. The loop does not run on a thread of its
own: a sync call runs it in the calling thread until that call's coroutine is done, as
``asyncio.run`` would, and then leaves it. That saves two thread switches per call (measured in
docs/benchmarks.md), which is most of what a fast local request costs.

Only one thread runs the loop at a time; calls that arrive meanwhile are put on the loop and
their threads wait. When the thread running the loop finishes its own call and others are still
pending, a helper thread (started on first need) runs the loop until none is left. The helper
also runs calls made from a thread whose own event loop is running (a notebook), which cannot
run a second loop, and the closing of clients dropped without ``close()``. A call made from
code that runs on the SDK's loop itself raises a clear error instead of deadlocking.

After ``fork()`` the child makes its own loop on first use; sessions inherited from the parent
are set aside untouched, because their sockets and loop belong to the parent. At interpreter
exit the sessions are closed on the loop, then the helper stops and the loop is closed, so
nothing warns about unclosed sessions or a closed loop.
"""

from __future__ import annotations

import asyncio
import atexit
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
_HELPER_NAME = "moderately-sync-loop"

_HELPER = object()
"""Marks the helper thread as the one running the loop (otherwise the driving call is named)."""


class _Call:
    """A coroutine put on the loop, and the lock its caller waits on."""

    __slots__ = ("cancelled", "coro", "done", "error", "finished", "result", "task")

    def __init__(self, coro: Coroutine[Any, Any, Any]) -> None:
        self.coro = coro
        self.done = threading.Lock()
        self.done.acquire()  # released once the coroutine has ended
        self.finished = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.task: asyncio.Task[None] | None = None
        self.cancelled = False


class _LoopDriver:
    """One event loop for all sync clients, run by whichever thread needs it to move."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        # Guards `_pending` and `_driver`, the decision of who runs the loop next.
        self._state = threading.Lock()
        self._pending = 0
        # The call whose thread runs (or is about to run) the loop, _HELPER, or None.
        self._driver: object = None
        # Held while a thread is inside run_forever: the loop cannot run on two threads, and
        # a newly chosen runner may have to wait a moment for the previous one to leave.
        self._running = threading.Lock()
        self._wake = threading.Event()
        self._helper: threading.Thread | None = None
        self._shutting_down = False
        self._detached: set[asyncio.Task[None]] = set()

    # -- calls -------------------------------------------------------------------------------

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop and return its result (or raise its exception)."""
        running = asyncio._get_running_loop()
        if running is self.loop:
            coro.close()
            raise RuntimeError(
                "A sync moderately client was called from code running on its own event loop "
                "(for example from a progress callback); use AsyncModeratelyAI there instead."
            )
        call = _Call(coro)
        with self._state:
            self._pending += 1
            # A thread whose own loop is running (a notebook cell) cannot run a second one.
            drive = self._driver is None and running is None
            if drive:
                self._driver = call
            elif self._driver is None:
                self._call_helper()
        try:
            if drive:
                self._drive(call)
            else:
                self.loop.call_soon_threadsafe(_start, self, call)
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

    def submit(self, coro: Coroutine[Any, Any, None]) -> None:
        """Put ``coro`` on the loop without waiting for it (callable from any thread)."""
        call = _Call(coro)
        with self._state:
            self._pending += 1
            if self._driver is None:
                self._call_helper()
        self.loop.call_soon_threadsafe(_start, self, call, True)

    def _drive(self, call: _Call) -> None:
        with self._running:
            try:
                # The call may have been run to its end by the previous runner already.
                if not call.finished:
                    # Nobody else runs the loop now, so no wake-up through its pipe is needed.
                    self.loop.call_soon(_start, self, call)
                    self.loop.run_forever()  # stopped by _finished once this call is done
            finally:
                self._hand_over(call)
        # Normally released already; if the loop stopped early, the helper completes the call.
        call.done.acquire()

    def _finished(self, call: _Call) -> None:
        """On the loop, as a call ends: stop the loop if its runner has nothing left to do."""
        with self._state:
            call.finished = True
            self._pending -= 1
            if self._driver is call or (self._driver is _HELPER and self._pending == 0):
                self._driver = None
                self.loop.stop()
        call.done.release()

    def _hand_over(self, runner: object) -> None:
        """As a runner leaves the loop: pass it to the helper if calls are still pending."""
        with self._state:
            if self._driver is runner:  # left without its call ending (interrupted)
                self._driver = None
            if self._driver is None and self._pending > 0:
                self._call_helper()

    # -- the helper thread -------------------------------------------------------------------

    def _call_helper(self) -> None:
        """With ``_state`` held: make the helper thread the loop's runner."""
        self._driver = _HELPER
        if self._helper is None:
            self._helper = threading.Thread(
                target=self._helper_main, name=_HELPER_NAME, daemon=True
            )
            self._helper.start()
        self._wake.set()

    def _helper_main(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._shutting_down:
                return
            with self._state:
                if self._driver is not _HELPER:
                    continue
                if self._pending == 0:
                    self._driver = None
                    continue
            with self._running:
                try:
                    self.loop.run_forever()
                finally:
                    self._hand_over(_HELPER)

    # -- exit --------------------------------------------------------------------------------

    async def drain(self) -> None:
        """Wait (bounded) for the closes of dropped clients still running on the loop."""
        if self._detached:
            await asyncio.wait(set(self._detached), timeout=_SHUTDOWN_TIMEOUT)

    def shutdown(self) -> None:
        """Stop the helper thread and close the loop (at interpreter exit)."""
        if self.loop.is_closed():
            return
        self._shutting_down = True
        self._wake.set()
        helper = self._helper
        if helper is not None:
            helper.join(_SHUTDOWN_TIMEOUT)
        if self._running.acquire(timeout=_SHUTDOWN_TIMEOUT):
            try:
                self.loop.close()
            finally:
                self._running.release()


def _start(driver: _LoopDriver, call: _Call, detached: bool = False) -> None:
    """On the loop: run the call's coroutine as a task (unless already given up)."""
    if call.cancelled:
        call.coro.close()
        driver._finished(call)
        return
    task = driver.loop.create_task(_finish(driver, call))
    call.task = task
    if detached:
        driver._detached.add(task)
        task.add_done_callback(driver._detached.discard)


async def _finish(driver: _LoopDriver, call: _Call) -> None:
    try:
        call.result = await call.coro
    except BaseException as exc:  # handed to the caller's thread, which raises it
        call.error = exc
    finally:
        driver._finished(call)


def _cancel(call: _Call) -> None:
    """On the loop, after the caller was interrupted: stop the call's coroutine."""
    if call.task is not None:
        call.task.cancel()
    else:
        call.cancelled = True


_lock = threading.Lock()
_driver: _LoopDriver | None = None
_live: weakref.WeakSet[SyncTransport] = weakref.WeakSet()
# Objects inherited across fork(): kept referenced so that their finalizers never run in the
# child (they would touch the parent's loop and sockets).
_inherited: list[object] = []


def _loop_driver() -> _LoopDriver:
    global _driver
    driver = _driver
    if driver is None:
        with _lock:
            if _driver is None:
                _driver = _LoopDriver()
            driver = _driver
    return driver


def _after_fork_in_child() -> None:
    global _driver, _lock
    _lock = threading.Lock()
    if _driver is not None:
        # Its loop, locks and helper thread belong to the parent (the helper does not exist
        # here, and a lock may have been held by a thread that did not come along).
        _inherited.append(_driver)
    _driver = None


def _close_all_at_exit() -> None:
    driver = _driver
    if driver is None or driver.loop.is_closed():
        return
    # Best effort at exit: there is no caller left to report a failure to.
    with contextlib.suppress(Exception):
        # Closes scheduled for clients dropped just before exit must finish before the loop closes.
        driver.run(driver.drain())
    for transport in [t for t in list(_live) if t._pid == os.getpid()]:
        inner = transport._inner
        if not inner.closed:
            with contextlib.suppress(Exception):
                driver.run(asyncio.wait_for(inner.aclose(), _SHUTDOWN_TIMEOUT))
    driver.shutdown()


def _close_dropped(inner: AsyncTransport, pid: int) -> None:
    """Close the session of a sync client that was garbage-collected without ``close()``."""
    # This runs on whichever thread dropped the client, possibly one running the loop right
    # now: only put the close on the loop, never wait for it. Left alone, aiohttp would
    # finalize the session from this thread and log "Unclosed client session".
    if pid != os.getpid() or inner.closed or inner.close_if_unused():
        return
    driver = _driver
    if driver is None or driver.loop.is_closed() or driver._shutting_down:
        return
    # Nobody waits for this close: a failure stays on its _Call, which is then dropped.
    driver.submit(inner.aclose())


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_close_all_at_exit)


class SyncTransport:
    """Blocking twin of AsyncTransport, used by the generated sync client."""

    def __init__(self, *, verify: Verify = True) -> None:
        self._pid = os.getpid()
        self._closed = False
        self._verify = verify
        self._inner = self._watched(AsyncTransport(verify=verify))
        _live.add(self)

    def _watched(self, inner: AsyncTransport) -> AsyncTransport:
        # Exit is handled by _close_all_at_exit, which waits for each close; this finalizer is
        # only for a client dropped while the program runs.
        weakref.finalize(self, _close_dropped, inner, self._pid).atexit = False
        return inner

    @property
    def closed(self) -> bool:
        """True once ``close`` has run."""
        return self._closed

    def _current(self) -> AsyncTransport:
        if self._pid != os.getpid():
            # Forked: the inherited session belongs to the parent; start afresh in this process.
            _inherited.append(self._inner)
            self._pid = os.getpid()
            self._inner = self._watched(AsyncTransport(verify=self._verify))
        return self._inner

    def request(
        self,
        config: ClientConfig,
        method: str,
        path: str,
        *,
        params: Query | None = None,
        body: bytes | None = None,
    ) -> Response:
        """Send a request on the shared loop and block until it is answered."""
        inner = self._current()
        # The call may run on the helper thread, where this context does not reach: pass it on.
        deadline = current_deadline()
        return _loop_driver().run(
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
        """Stream ``source`` to a presigned URL on the shared loop."""
        inner = self._current()
        _loop_driver().run(inner.upload(config, url, source, progress=progress))

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
        """Fetch a presigned URL on the shared loop, verified (see AsyncTransport)."""
        inner = self._current()
        return _loop_driver().run(
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
        """Close the session on the shared loop; safe to call twice."""
        if self._closed:
            return
        inner = self._current()
        if not inner.close_if_unused():
            # Raises (leaving the client open, so close() can be retried) on the loop itself.
            _loop_driver().run(inner.aclose())
        self._closed = True
