"""The retry budget: a token bucket that stops a client from turning an outage into a storm.

Per-call ``max_retries`` bounds one call; it does not bound a program. A thousand tasks that all
meet a failing platform would each retry ``max_retries`` times, multiplying the load exactly
when the platform can least take it. The budget bounds the *retries of a client* as a whole:

* it holds up to ``capacity`` tokens and starts full;
* every retry spends one token; when none is left, the failure surfaces at once (with a note
  saying why) instead of being retried;
* every successful call adds ``refill_per_success`` tokens, and time adds ``refill_per_second``
  tokens per second, up to ``capacity``.

So over any stretch of time, retries are at most ``capacity + refill_per_second * seconds +
refill_per_success * successes``, whatever the number of tasks. The defaults (100 tokens, 0.1
per success, 1 per second) never get in the way of ordinary retries: a client would have to
retry 100 times more than its successes and the clock earn back before a retry is refused.

A client makes one budget and shares it with every ``with_options`` copy (they share the
connection pool too); pass ``retry_budget=RetryBudget(...)`` to size it, to share one between
clients, or ``RetryBudget.unlimited()`` to switch it off.
"""

from __future__ import annotations

import math
import threading
import time

from ._errors import ConfigurationError


class RetryBudget:
    """A thread-safe token bucket bounding how many retries a client (and its copies) make."""

    __slots__ = (
        "_last",
        "_lock",
        "_tokens",
        "capacity",
        "refill_per_second",
        "refill_per_success",
    )

    def __init__(
        self,
        capacity: float = 100.0,
        *,
        refill_per_success: float = 0.1,
        refill_per_second: float = 1.0,
    ) -> None:
        for name, value in (
            ("capacity", capacity),
            ("refill_per_success", refill_per_success),
            ("refill_per_second", refill_per_second),
        ):
            # inf is allowed (an unlimited budget); nan and negatives can never be meant.
            if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
                raise ConfigurationError(f"{name} must be a number >= 0; got {value!r}")
        self.capacity = float(capacity)
        self.refill_per_success = float(refill_per_success)
        self.refill_per_second = float(refill_per_second)
        self._tokens = self.capacity
        self._last = time.monotonic()
        # Sync clients share one loop, but async clients on several threads may share a
        # budget passed to each of them: the bucket must stay consistent across threads.
        self._lock = threading.Lock()

    @classmethod
    def unlimited(cls) -> RetryBudget:
        """A budget that never refuses a retry (only ``max_retries`` then bounds them)."""
        return cls(math.inf)

    @property
    def tokens(self) -> float:
        """Retries that could be made right now."""
        with self._lock:
            self._refill_by_time()
            return self._tokens

    def try_spend(self) -> bool:
        """Take one token for a retry; False (and nothing taken) when the budget is spent."""
        with self._lock:
            self._refill_by_time()
            if self._tokens < 1.0:
                return False
            self._tokens -= 1.0
            return True

    def record_success(self) -> None:
        """Earn back ``refill_per_success`` tokens for a call the platform answered."""
        # The unlocked check keeps the common case (a full bucket) free of the lock; a stale
        # read only skips or repeats a refill that min() below keeps within capacity.
        if self.refill_per_success and self._tokens < self.capacity:
            with self._lock:
                self._tokens = min(self.capacity, self._tokens + self.refill_per_success)

    def _refill_by_time(self) -> None:
        now = time.monotonic()
        if self.refill_per_second:
            earned = (now - self._last) * self.refill_per_second
            self._tokens = min(self.capacity, self._tokens + earned)
        self._last = now

    def __repr__(self) -> str:
        return (
            f"RetryBudget(capacity={self.capacity:g}, refill_per_success="
            f"{self.refill_per_success:g}, refill_per_second={self.refill_per_second:g})"
        )


BUDGET_SPENT_NOTE = (
    "Not retried: this client's retry budget is spent (too many retries recently, across all "
    "its calls). Size it with AsyncModeratelyAI(retry_budget=RetryBudget(...))."
)
"""Added (as an exception note) to a failure that the budget stopped from being retried."""
