"""What the CLI prints: results on stdout (a table, or JSON with ``--json``), notes on stderr.

Results are the only thing written to stdout, so ``--json`` output can be piped into another
program; everything meant for a person watching (steps, notes, progress bars) goes to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel

Column = tuple[str, Callable[[Any], object]]
"""A table column: its header, and how to read the cell from a row object."""

_MAX_CELL = 60


def to_jsonable(value: object) -> Any:
    """A JSON-ready copy of ``value``: models dumped by field name, paths as strings."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=False)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def human_size(size: int | None) -> str:
    """A byte count as a person reads it (``1.4 KiB``)."""
    if size is None:
        return "-"
    amount = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if amount < 1024 or unit == "GiB":
            return f"{size} B" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    raise AssertionError("unreachable")  # the loop returns on its last unit


def cell(value: object) -> str:
    """One table cell: ``-`` for nothing, dates to the second, long text shortened."""
    if value is None:
        text = "-"
    elif isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, dict | list):
        text = json.dumps(to_jsonable(value), separators=(",", ":"))
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def render_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Left-aligned columns under a header and a rule, two spaces apart."""
    body = [list(r) for r in rows]
    widths = [len(h) for h in headers]
    for row in body:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = ["-" * w for w in widths]
    return "\n".join([line(headers), line(rule), *(line(r) for r in body)])


@dataclass
class Output:
    """Where and how one command writes: JSON or tables, quiet or not."""

    json_mode: bool
    quiet: bool
    stdout: TextIO
    stderr: TextIO

    @classmethod
    def for_process(cls, *, json_mode: bool, quiet: bool) -> Output:
        """Write to the process's current stdout and stderr."""
        return cls(json_mode, quiet, sys.stdout, sys.stderr)

    def note(self, message: str) -> None:
        """A line for the person watching (stderr), unless ``--quiet``."""
        if not self.quiet:
            print(message, file=self.stderr, flush=True)

    def error(self, message: str) -> None:
        """An error line (stderr), shown even with ``--quiet``."""
        print(message, file=self.stderr, flush=True)

    def narrate(self, message: str) -> None:
        """A line of a story told to a person (the demo): stdout, or stderr with ``--json``."""
        if self.quiet:
            return
        if self.json_mode:
            self.note(message)
        else:
            self.text(message)

    def text(self, message: str) -> None:
        """A line of result text on stdout (table mode only)."""
        print(message, file=self.stdout, flush=True)

    def data(self, value: object) -> None:
        """A JSON document on stdout, stable across runs: indented, keys in model order."""
        print(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False), file=self.stdout)
        self.stdout.flush()

    def json_line(self, value: object) -> None:
        """One compact JSON document on its own line (for streams such as ``tail``)."""
        print(json.dumps(to_jsonable(value), ensure_ascii=False), file=self.stdout, flush=True)

    def items(self, items: Sequence[Any], columns: Sequence[Column], *, empty: str) -> None:
        """A list of results: a JSON array, or a table (``empty`` when there are none)."""
        if self.json_mode:
            self.data(list(items))
            return
        if not items:
            self.text(empty)
            return
        rows = [[cell(read(item)) for _, read in columns] for item in items]
        self.text(render_table([h for h, _ in columns], rows))

    def record(self, item: Any, fields: Sequence[Column] | None = None) -> None:
        """One result: a JSON object, or a two-column table of its fields."""
        if self.json_mode:
            self.data(item)
            return
        if fields is None:
            dumped = to_jsonable(item)
            pairs = [(k, cell(v)) for k, v in dumped.items()] if isinstance(dumped, dict) else []
        else:
            pairs = [(name, cell(read(item))) for name, read in fields]
        self.text(render_table(["field", "value"], pairs))
