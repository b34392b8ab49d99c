"""Waiting for an execution to finish: polling with back-off, a deadline, progress callbacks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Generic, TypeVar

from .._deadline import deadline_scope
from .._errors import InvalidArgumentError, WaitTimeoutError
from .._execution import SupportsTerminal
from .._retry import RetryPolicy
from .._twins import async_sleep, monotonic

E = TypeVar("E", bound=SupportsTerminal)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WaitSettings(Generic[E]):
    """How ``run()`` waits: overall timeout, first and longest poll interval, progress callback."""

    timeout: float | None
    poll_interval: float
    max_poll_interval: float
    on_progress: Callable[[E], object] | None

    def __post_init__(self) -> None:
        # Checked here, when run() builds the settings, so a bad interval is refused before
        # the execution starts rather than after (an orphaned run nobody waits for).
        _check_intervals(self.poll_interval, self.max_poll_interval)
        _check_wait(self.timeout, self.on_progress)


def check_pacing(timeout: object, poll_interval: float, max_poll_interval: float) -> None:
    """Refuse a bad timeout or poll interval with InvalidArgumentError, before any request."""
    _check_intervals(poll_interval, max_poll_interval)
    _check_wait(timeout, None)


def _check_intervals(poll_interval: float, max_poll_interval: float) -> None:
    if poll_interval <= 0 or max_poll_interval <= 0:
        raise InvalidArgumentError("poll_interval and max_poll_interval must be positive")


def _check_wait(timeout: object, on_progress: object) -> None:
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout >= 0
    ):
        raise InvalidArgumentError(f"timeout must be None or seconds >= 0; got {timeout!r}")
    if on_progress is not None and not callable(on_progress):
        raise InvalidArgumentError(
            f"on_progress must be a callable; got {type(on_progress).__name__}"
        )


# Polls are GETs, and for a GET the policy's classification depends on no setting (only
# POST/PATCH consult retry_unknown_outcome), so a default policy decides as the client's would.
_POLL_RULES = RetryPolicy()


def _transient(error: Exception) -> bool:
    # The retry policy's own rules, so the two never drift apart (a TLS certificate failure,
    # say, is final for both: polling it again fails the same way until the timeout).
    return _POLL_RULES.should_retry("GET", error)


class PollPacer:
    """When to poll next: intervals growing x1.5 up to a cap, never past an overall deadline.

    The deadline starts when the pacer is made; ``poll`` bounds each request by it and turns a
    transient failure into None, so callers poll again instead of failing. The caller checks
    the arguments first (``check_pacing``), when they are given rather than when used.
    """

    __slots__ = ("_deadline", "_first", "_interval", "_longest")

    def __init__(
        self, timeout: float | None, poll_interval: float, max_poll_interval: float
    ) -> None:
        self._deadline = None if timeout is None else monotonic() + timeout
        self._first = self._interval = poll_interval
        self._longest = max_poll_interval

    def reset(self) -> None:
        """Poll soon again: something changed, so more change is likely."""
        self._interval = self._first

    async def pause(self) -> bool:
        """Sleep until the next poll; False, without sleeping, once the deadline has passed."""
        delay = self._interval
        if self._deadline is not None:
            remaining = self._deadline - monotonic()
            if remaining <= 0:
                return False
            delay = min(delay, remaining)
        await async_sleep(delay)
        self._interval = min(self._interval * 1.5, self._longest)
        return True

    async def poll(self, fetch: Callable[[], Awaitable[T]]) -> T | None:
        """``fetch()`` bounded by the deadline; None when it failed transiently (poll again)."""
        try:
            # The poll request itself is bounded by what is left of the wait.
            with deadline_scope(self._deadline):
                return await fetch()
        except Exception as exc:
            if not _transient(exc):
                raise
            return None


async def wait_until_terminal(
    poll: Callable[[E], Awaitable[E]],
    execution: E,
    *,
    timeout: float | None = 600.0,
    poll_interval: float = 0.5,
    max_poll_interval: float = 5.0,
    on_progress: Callable[[E], object] | None = None,
) -> E:
    """Poll ``execution`` until it is terminal, sleeping longer between polls as it runs.

    Never sleeps past the deadline; a transient error while polling (what the retry policy
    retries for a GET: connection trouble other than a failed TLS certificate, 408, 429, 5xx)
    is polled through, not taken as the result. Raises WaitTimeoutError, carrying the last
    state seen, once ``timeout`` seconds have passed.
    """
    _check_intervals(poll_interval, max_poll_interval)
    _check_wait(timeout, on_progress)
    pacer = PollPacer(timeout, poll_interval, max_poll_interval)
    if on_progress is not None:
        on_progress(execution)
    while not execution.is_terminal:
        if not await pacer.pause():
            raise WaitTimeoutError(
                f"Still not finished after {timeout} s; last state: {execution!r}",
                last=execution,
            )
        fresh = await pacer.poll(partial(poll, execution))
        if fresh is None:
            continue
        execution = fresh
        if on_progress is not None:
            on_progress(execution)
    return execution
