"""What the wait helpers need of an execution: whether it is finished, and how far it got."""

from __future__ import annotations

from typing import Protocol


class SupportsTerminal(Protocol):
    """An execution whose state can be polled until it is terminal."""

    @property
    def is_terminal(self) -> bool:
        """True once the execution will not change state again."""
        ...
