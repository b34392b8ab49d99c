"""Dataset schema columns: normalising what users write, and inferring columns from a CSV sample.

Shared by the async and sync APIs (nothing here does I/O beyond reading the bounded head of a
local file). Column types are sent by the names the platform's ``convert_dtype`` operation uses
(``string``, ``integer``, ``float``, ``boolean``, ``datetime``); the short names users often
write (``int``, ``str``, ``bool``, ...) are accepted and translated.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from ._errors import InvalidArgumentError

ColumnType = Literal["string", "integer", "float", "boolean", "datetime"]
"""The column types inference produces (any other type name is passed through as given)."""

SampleInput = str | os.PathLike[str] | bytes
"""A CSV sample: a path, CSV bytes, or CSV text (a ``str`` holding a line break)."""

DEFAULT_SAMPLE_ROWS = 1000
"""Data rows inspected by default."""
DEFAULT_SAMPLE_BYTES = 1024 * 1024
"""Bytes read from the head of a sample at most, whatever its size."""

_ALIASES: dict[str, str] = {
    "int": "integer",
    "integer": "integer",
    "long": "integer",
    "bigint": "integer",
    "float": "float",
    "double": "float",
    "decimal": "float",
    "number": "float",
    "bool": "boolean",
    "boolean": "boolean",
    "str": "string",
    "string": "string",
    "text": "string",
    "date": "datetime",
    "datetime": "datetime",
    "timestamp": "datetime",
}
# Python names of a column's fields, as the platform's column object has them.
_COLUMN_KEYS = frozenset(
    {"pos", "name", "source", "type", "nullable", "transform_expr", "description", "operations"}
)
_CAMEL = {"transformExpr": "transform_expr"}
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")
_TRUE_FALSE = frozenset({"true", "false", "yes", "no", "t", "f", "y", "n"})
_DATE_FORMATS = ("%Y/%m/%d", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d %H:%M:%S", "%m/%d/%Y %H:%M:%S")


def normalise_type(value: object) -> str:
    """The platform's name for a column type (``int`` -> ``integer``); other names pass through."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentError(f"A column type must be a non-empty string; got {value!r}")
    return _ALIASES.get(value.strip().lower(), value.strip())


def column_fields(spec: Mapping[str, Any] | BaseModel, position: int) -> dict[str, Any]:
    """One column as the request model's Python names, from a user's mapping or a loaded column.

    ``required=True`` means ``nullable=False`` (the platform only knows ``nullable``, which it
    requires; the default is nullable). ``pos`` defaults to the 1-based ``position``.
    """
    if isinstance(spec, BaseModel):
        # A column of a loaded schema: its declared fields only, unset ones left out.
        spec = spec.model_dump(include=set(_COLUMN_KEYS), exclude_none=True)
    if not isinstance(spec, Mapping):
        raise InvalidArgumentError(
            f"Each column must be a mapping such as {{'name': 'id', 'type': 'int'}}; "
            f"got {type(spec).__name__}"
        )
    fields = {_CAMEL.get(key, key): value for key, value in spec.items()}
    required = fields.pop("required", None)
    if required is not None and not isinstance(required, bool):
        raise InvalidArgumentError(f"column {position}: required must be a bool; got {required!r}")
    unknown = sorted(set(fields) - _COLUMN_KEYS)
    if unknown:
        raise InvalidArgumentError(
            f"column {position}: unknown key(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(_COLUMN_KEYS | {'required'}))}"
        )
    if "nullable" in fields and required is not None and fields["nullable"] == required:
        raise InvalidArgumentError(f"column {position}: required and nullable contradict")
    fields.setdefault("nullable", True if required is None else not required)
    fields["type"] = normalise_type(fields.get("type", "string"))
    fields.setdefault("pos", position)
    return fields


def columns_fields(columns: Iterable[Mapping[str, Any] | BaseModel]) -> list[dict[str, Any]]:
    """Every column normalised, refusing an empty list and repeated names before sending."""
    if isinstance(columns, Mapping | str | bytes):
        raise InvalidArgumentError("columns must be a list of column mappings")
    out = [column_fields(spec, index) for index, spec in enumerate(columns, start=1)]
    if not out:
        raise InvalidArgumentError("A schema needs at least one column")
    seen: set[str] = set()
    for column in out:
        name = column.get("name")
        if name in seen:
            raise InvalidArgumentError(f"Column name {name!r} appears twice")
        if isinstance(name, str):
            seen.add(name)
    return out


@dataclass(frozen=True, slots=True)
class InferredSchema:
    """Columns inferred from a sample, and how the sample was read."""

    columns: list[dict[str, Any]]
    delimiter: str
    rows_sampled: int


def infer_schema(
    sample: SampleInput,
    *,
    sample_rows: int = DEFAULT_SAMPLE_ROWS,
    max_bytes: int = DEFAULT_SAMPLE_BYTES,
    delimiter: str | None = None,
    encoding: str = "utf-8",
) -> InferredSchema:
    """Infer each column's type from the header and up to ``sample_rows`` data rows.

    Reads at most ``max_bytes`` from the head of a file, so a large file costs no more than a
    small one. A column is ``integer``, ``float``, ``boolean`` or ``datetime`` when every
    non-empty value in the sample parses as one, else ``string``; it is nullable when the sample
    holds an empty value. Blocking: the async API runs it off the event loop.
    """
    if isinstance(sample_rows, bool) or not isinstance(sample_rows, int) or sample_rows < 1:
        raise InvalidArgumentError(f"sample_rows must be an int >= 1; got {sample_rows!r}")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise InvalidArgumentError(f"delimiter must be one character; got {delimiter!r}")
    text = _head(sample, max_bytes, encoding)
    if delimiter is None:
        delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next((row for row in reader if any(cell.strip() for cell in row)), None)
    if header is None:
        raise InvalidArgumentError("The sample has no header row to name the columns")
    names = _names(header)
    values: list[list[str]] = [[] for _ in names]
    rows = 0
    for row in reader:
        if rows >= sample_rows:
            break
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        for index in range(len(names)):
            values[index].append(row[index].strip() if index < len(row) else "")
    columns = [
        {
            "pos": index,
            "name": name,
            "type": infer_type(column),
            "nullable": rows == 0 or any(not value for value in column),
        }
        for index, (name, column) in enumerate(zip(names, values, strict=True), start=1)
    ]
    return InferredSchema(columns, delimiter, rows)


def infer_type(values: Iterable[str]) -> ColumnType:
    """The narrowest type every non-empty value fits (``string`` when none are given)."""
    present = [value for value in values if value]
    if not present:
        return "string"
    if all(_INT.fullmatch(value) for value in present):
        return "integer"
    if all(_FLOAT.fullmatch(value) for value in present):
        return "float"
    if all(value.lower() in _TRUE_FALSE for value in present):
        return "boolean"
    if all(_is_datetime(value) for value in present):
        return "datetime"
    return "string"


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
        return True
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            datetime.strptime(value, pattern)
            return True
        except ValueError:
            continue
    return False


def _head(sample: SampleInput, max_bytes: int, encoding: str) -> str:
    """The sample's first whole lines within ``max_bytes``, as text."""
    if isinstance(sample, str) and ("\n" in sample or "\r" in sample):
        text = sample[:max_bytes]
        truncated = len(sample) > max_bytes
    else:
        if isinstance(sample, bytes | bytearray | memoryview):
            raw = bytes(sample[: max_bytes + 1])
        elif isinstance(sample, str | os.PathLike):
            path = Path(sample)
            if not path.is_file():
                raise InvalidArgumentError(f"No such sample file: {path}")
            with path.open("rb") as handle:
                raw = handle.read(max_bytes + 1)
        else:
            raise InvalidArgumentError(
                f"A sample must be a path, CSV bytes or CSV text; got {type(sample).__name__}"
            )
        truncated = len(raw) > max_bytes
        codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
        try:
            text = raw[:max_bytes].decode(codec, errors="replace")
        except LookupError as exc:
            raise InvalidArgumentError(f"Unknown encoding {encoding!r}") from exc
    if truncated:
        # The last line was cut by the byte limit; a partial row would skew its column types.
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut >= 0 else text
    return text


def _sniff(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[: 64 * 1024], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _names(header: list[str]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(header, start=1):
        base = raw.strip().lstrip("\ufeff") or f"column_{index}"
        name, suffix = base, 2
        while name in seen:
            name, suffix = f"{base}_{suffix}", suffix + 1
        seen.add(name)
        names.append(name)
    return names
