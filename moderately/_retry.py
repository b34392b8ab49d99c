"""The retry policy, in one place: what is retried, how long to wait, and the tenacity wiring.

Rules, in the order they are applied to a failed attempt:

1. No retries left: give up.
2. The platform answered 408 or 429, or 503: it did not act on the request, so any method is
   retried.
3. The connection could not be made (refused, DNS, connect timeout): nothing was sent, retry.
4. The platform answered another 5xx, or the connection broke / timed out after the request went
   out: the outcome is unknown. Idempotent methods (GET, PUT, DELETE, HEAD, OPTIONS) are
   retried. POST and PATCH are retried only while ``retry_unknown_outcome`` is on (the default),
   which is safe because every non-GET request carries one Idempotency-Key for all its attempts,
   so the platform applies it at most once. Turn it off against a server that ignores the key.
5. Anything else (4xx, a response that does not fit its model, bad arguments) is final.

The wait before retry ``n`` (1-based) is the server's Retry-After when it is a sane number of
seconds no larger than ``max_retry_after``; otherwise full-jitter exponential backoff:
``uniform(0, min(max_backoff, initial_backoff * 2 ** (n - 1)))``. Full jitter spreads a crowd of
clients that failed together, which plain exponential backoff would keep in lockstep.

Every retry also spends one token of the client's ``RetryBudget`` (``_budget.py``), shared by
the client and its ``with_options`` copies; once it is spent, failures surface at once instead
of being retried, so many tasks meeting one outage cannot multiply the load on it.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass

from aiohttp import ClientConnectorCertificateError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_any,
)
from tenacity.stop import stop_base

from ._budget import BUDGET_SPENT_NOTE, RetryBudget
from ._errors import APIConnectionError, APIStatusError, ConfigurationError
from ._retry_after import parse_retry_after

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
NOT_ACTED_ON = frozenset({408, 429, 503})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times, after which failures, and how long to wait between attempts."""

    max_retries: int = 2
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 60.0
    retry_unknown_outcome: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise ConfigurationError(f"max_retries must be an int; got {self.max_retries!r}")
        if self.max_retries < 0:
            raise ConfigurationError(f"max_retries must be >= 0; got {self.max_retries}")
        for name in ("initial_backoff", "max_backoff", "max_retry_after"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise ConfigurationError(f"{name} must be a finite number >= 0; got {value!r}")

    def should_retry(self, method: str, error: BaseException) -> bool:
        """Whether a failed attempt of ``method`` that raised ``error`` is worth another try."""
        if isinstance(error, APIStatusError):
            status = error.status_code
            if status in NOT_ACTED_ON:
                return True
            if status >= 500:
                return self._unknown_outcome_ok(method)
            return False
        if isinstance(error, APIConnectionError):
            if isinstance(error.__cause__, ClientConnectorCertificateError):
                # A certificate that failed verification fails the same way on every attempt.
                return False
            if not error.outcome_unknown:
                return True
            return self._unknown_outcome_ok(method)
        return False

    def _unknown_outcome_ok(self, method: str) -> bool:
        return method in IDEMPOTENT_METHODS or self.retry_unknown_outcome

    def backoff(self, retry_number: int, rng: random.Random | None = None) -> float:
        """Full-jitter exponential delay before retry ``retry_number`` (1-based)."""
        ceiling = min(self.max_backoff, self.initial_backoff * 2 ** max(0, retry_number - 1))
        return (rng or random).uniform(0.0, ceiling)

    def wait_for(self, retry_number: int, error: BaseException | None) -> float:
        """Seconds to wait before retry ``retry_number`` after ``error``."""
        if isinstance(error, APIStatusError):
            asked = parse_retry_after(error.headers, now=time.time())
            if asked is not None and asked <= self.max_retry_after:
                return asked
        return self.backoff(retry_number)


class _StopAtDeadline(stop_base):
    """Stop when the coming wait would end at or past the deadline (a monotonic time)."""

    def __init__(self, deadline: float | None) -> None:
        self.deadline = deadline

    def __call__(self, retry_state: RetryCallState) -> bool:
        if self.deadline is None:
            return False
        return time.monotonic() + retry_state.upcoming_sleep >= self.deadline


class _StopWhenBudgetSpent(stop_base):
    """Stop when the retry budget has no token left (checked last, so only real retries pay)."""

    def __init__(self, budget: RetryBudget) -> None:
        self.budget = budget

    def __call__(self, retry_state: RetryCallState) -> bool:
        if self.budget.try_spend():
            return False
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        if error is not None:
            error.add_note(BUDGET_SPENT_NOTE)
        return True


def retrying(
    policy: RetryPolicy,
    method: str,
    *,
    budget: RetryBudget,
    deadline: float | None = None,
) -> AsyncRetrying:
    """A tenacity controller that applies ``policy`` to attempts of one ``method`` call.

    With a ``deadline`` (a ``time.monotonic()`` value) it also stops before a wait that would
    end past it: the caller's overall time limit is never overslept. Each retry spends one of
    ``budget``'s tokens, and an empty budget stops retrying.
    """
    import anyio

    retries = policy.max_retries

    def wait(state: RetryCallState) -> float:
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        return policy.wait_for(state.attempt_number, error)

    return AsyncRetrying(
        # stop_any checks in order and stops at the first yes, so the budget is charged only
        # for a retry that the attempt count and the deadline would allow.
        stop=stop_any(
            stop_after_attempt(retries + 1),
            _StopAtDeadline(deadline),
            _StopWhenBudgetSpent(budget),
        ),
        wait=wait,
        retry=retry_if_exception(lambda error: policy.should_retry(method, error)),
        sleep=anyio.sleep,
        reraise=True,
    )
