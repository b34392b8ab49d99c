"""What agent and pipeline executions share: their end states, and waiting for the end."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Self, TypeVar

from .._run_types import TERMINAL_STATUSES
from ._polling import WaitSettings, wait_until_terminal
from ._resource import AsyncGettable

X = TypeVar("X", bound="AsyncExecution")


class AsyncExecution(AsyncGettable):
    """A run on the platform that ends: whether it has, how, and ``wait()`` for it."""

    if TYPE_CHECKING:
        # Each execution model declares its own ``status`` field (frozen or not); declared
        # here for the type checker only, so pydantic does not make it a field of the mixin.
        status: str

    @property
    def is_terminal(self) -> bool:
        """True once the execution will not change state again (completed, failed, cancelled)."""
        return self.status in TERMINAL_STATUSES

    @property
    def is_running(self) -> bool:
        """True while the execution is queued or running (``pending`` or ``running``)."""
        return self.status in ("pending", "running")

    @property
    def succeeded(self) -> bool:
        """True when the execution completed."""
        return self.status == "completed"

    async def wait(
        self,
        *,
        timeout: float | None = 600.0,
        poll_interval: float = 0.5,
        max_poll_interval: float = 5.0,
        on_progress: Callable[[Self], object] | None = None,
    ) -> Self:
        """Poll until the execution ends, this object taking each state; returns ``self``.

        ``on_progress`` sees a snapshot per poll. Past ``timeout`` seconds, WaitTimeoutError is
        raised with the last snapshot as ``last``. A failed or cancelled end is returned, not
        raised: check ``succeeded`` or ``status``.
        """
        await wait_until_terminal(
            self._follow,
            self,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_progress=on_progress,
        )
        return self

    async def _follow(self, _previous: Self) -> Self:
        snapshot = await self._snapshot()
        self._adopt(snapshot)
        return snapshot

    async def _snapshot(self) -> Self:
        # A fresh object per poll, so progress callbacks can keep what they were shown.
        return self._parse(self.client, await self.client._request("GET", self._item_path(self.id)))


async def wait_for_id(
    retrieve: Callable[[str], Awaitable[X]],
    execution_id: str,
    *,
    timeout: float | None,
    poll_interval: float,
    max_poll_interval: float,
    on_progress: Callable[[X], object] | None,
) -> X:
    """Retrieve an execution with ``retrieve`` (a namespace's) and wait until it ends."""
    # Checked first: a bad interval must not cost a request.
    WaitSettings(timeout, poll_interval, max_poll_interval, on_progress)
    execution = await retrieve(execution_id)
    return await execution.wait(
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        on_progress=on_progress,
    )
