"""Progress bars on stderr, drawn only for a person at a terminal.

A bar is silent unless its stream is a terminal and ``--quiet`` was not given, so piped or
captured output (and every ``--json`` stdout) never holds carriage returns or bar glyphs.
"""

from __future__ import annotations

import threading
import time
from typing import TextIO

from ._output import human_size

_WIDTH = 28
# Redraws closer together than this are skipped: a fast transfer calls back per chunk.
_MIN_REDRAW_SECONDS = 0.05


def bars_enabled(stream: TextIO, quiet: bool) -> bool:
    """True when progress should be drawn on ``stream``: a terminal, and not ``--quiet``."""
    if quiet:
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class ProgressBar:
    """One line redrawn in place: ``label [#####-----]  45%  detail``; no-op when disabled.

    ``unit`` is ``"bytes"`` (amounts shown as sizes) or ``"steps"``. Callable as the SDK's
    ``progress(done, total)`` callback; transfers may call it from another thread.
    """

    def __init__(self, label: str, *, stream: TextIO, enabled: bool, unit: str = "bytes") -> None:
        """Prepare a bar; nothing is drawn until the first update."""
        self.label = label
        self.stream = stream
        self.enabled = enabled
        self.unit = unit
        self.done = 0
        self.total: int | None = None
        self.note = ""
        self._drawn_at = 0.0
        self._closed = False
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int | None) -> None:
        """The SDK's transfer callback: ``done`` of ``total`` bytes."""
        self.update(done, total)

    def update(self, done: int, total: int | None = None, note: str | None = None) -> None:
        """Record progress and redraw (at most every few hundredths of a second)."""
        with self._lock:
            self.done = done
            if total is not None:
                self.total = total
            if note is not None:
                self.note = note
            now = time.monotonic()
            if self.enabled and not self._closed and now - self._drawn_at >= _MIN_REDRAW_SECONDS:
                self._drawn_at = now
                self._draw()

    def close(self, note: str | None = None) -> None:
        """Draw the final state and end the line; later updates are ignored."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if note is not None:
                self.note = note
            if self.enabled:
                self._draw()
                self.stream.write("\n")
                self.stream.flush()

    def render(self) -> str:
        """The bar's text as it would be drawn now."""
        total = self.total
        if total:
            fraction = min(max(self.done / total, 0.0), 1.0)
            filled = round(fraction * _WIDTH)
            bar = "#" * filled + "-" * (_WIDTH - filled)
            head = f"{self.label} [{bar}] {fraction:4.0%}"
        else:
            # No total known: a block sliding back and forth shows that work goes on.
            span = _WIDTH - 4
            tick = int(time.monotonic() * 10) % (2 * span)
            at = tick if tick < span else 2 * span - tick
            head = f"{self.label} [{' ' * at}<=>{' ' * (_WIDTH - 3 - at)}]"
        parts = [head, self._amounts()]
        if self.note:
            parts.append(self.note)
        return "  ".join(p for p in parts if p)

    def _amounts(self) -> str:
        if self.unit == "bytes":
            if self.total is None:
                return human_size(self.done)
            return f"{human_size(self.done)} / {human_size(self.total)}"
        if self.total is None:
            return ""
        return f"step {self.done}/{self.total}"

    def _draw(self) -> None:
        # \r returns to the line start, \x1b[K clears what a longer previous draw left behind.
        self.stream.write("\r" + self.render() + "\x1b[K")
        self.stream.flush()
