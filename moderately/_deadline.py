"""An overall deadline that bounds every request made inside its scope.

Waiting helpers set one (``run(timeout=...)``), so a poll request never outlives the wait: the
transport shortens each attempt to the time left and retries stop once a wait would cross it.
A context variable carries it through the async call chain; the sync transport reads it in the
caller's thread and passes it on explicitly, since the call may run on the helper thread, where
the caller's context does not reach.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_DEADLINE: ContextVar[float | None] = ContextVar("moderately_deadline", default=None)


@contextmanager
def deadline_scope(at: float | None) -> Iterator[None]:
    """Bound requests made inside the block by ``at`` (a ``time.monotonic()`` value)."""
    outer = _DEADLINE.get()
    if at is not None and outer is not None:
        at = min(at, outer)
    token = _DEADLINE.set(at if at is not None else outer)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def current_deadline() -> float | None:
    """The deadline in force here, as a ``time.monotonic()`` value, or None."""
    return _DEADLINE.get()
