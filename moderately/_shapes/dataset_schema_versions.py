"""Dataset schema versions: column specs and update fields, shared by both APIs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from pydantic import BaseModel

from .._dataset_models import ParsingOptions, SchemaColumn, VersionStatus

ColumnSpec = Mapping[str, Any] | SchemaColumn
"""A column: a mapping like ``{"name": "id", "type": "int", "required": True}``, or a loaded one."""


class SchemaChanges(TypedDict, total=False):
    """Fields a schema version update may change (Python names of the request)."""

    status: VersionStatus
    columns: Iterable[ColumnSpec]
    parsing_options: Mapping[str, Any] | ParsingOptions


def options_payload(value: Mapping[str, Any] | BaseModel) -> Any:
    # A loaded ParsingOptions goes through as is; the request model turns it into fields.
    return value if isinstance(value, BaseModel) else dict(value)
