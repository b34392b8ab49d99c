"""Counting the data rows of an uploaded CSV without loading it whole.

`count_csv_rows(blob, options)` decodes the blob chunk by chunk and feeds the lines to `csv`,
so quoted fields may span lines. It honours the schema's ``parsingOptions``, as the emulator
reads them:

* ``delimiter`` (default ``,``) and ``encoding`` (default UTF-8, a byte-order mark ignored);
* ``headerRow`` - 1-based record number of the header (default 1); records before it and the
  header itself are not data;
* ``skipRows`` - an integer skips that many data rows after the header; a list skips the data
  rows at those 0-based positions.

Blank records are not counted. Undecodable bytes are replaced rather than failing the count.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Mapping
from typing import Any

from ._blobs import Blob


def _lines(blob: Blob, encoding: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    pending = ""
    for chunk in blob.iter_chunks():
        pending += decoder.decode(chunk)
        lines = pending.splitlines(keepends=True)
        # The last piece may be the start of a line that continues in the next chunk.
        pending = lines.pop() if lines and not lines[-1].endswith(("\n", "\r")) else ""
        yield from lines
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


def count_csv_rows(blob: Blob, options: Mapping[str, Any] | None = None) -> int:
    """Return how many data rows the CSV in `blob` holds."""
    opts = dict(options or {})
    encoding = str(opts.get("encoding") or "utf-8-sig")
    try:
        if codecs.lookup(encoding).name == "utf-8":
            encoding = "utf-8-sig"
    except LookupError:
        encoding = "utf-8-sig"
    delimiter = str(opts.get("delimiter") or ",")[:1]
    header_row = int(opts.get("headerRow") or 1)
    skip = opts.get("skipRows")
    skip_first = skip if isinstance(skip, int) else 0
    skip_at = frozenset(skip) if isinstance(skip, list) else frozenset()
    records = (r for r in csv.reader(_lines(blob, encoding), delimiter=delimiter) if any(r))
    count = 0
    for number, _record in enumerate(records, start=1):
        position = number - header_row - 1
        if position < 0 or position < skip_first or position in skip_at:
            continue
        count += 1
    return count
