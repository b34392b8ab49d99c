"""A fluent builder for a dataset schema version: columns, parsing options, status, create."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Self

from ..._dataset_models import (
    ParsingOptionsBody,
    SchemaVersionCreate,
    VersionStatus,
    parsing_fields,
)
from ..._errors import InvalidArgumentError
from ..._schema_infer import column_fields
from .dataset_schema_versions import AsyncDatasetSchemaVersion

if TYPE_CHECKING:
    from .._client import AsyncModeratelyAI


class AsyncSchemaBuilder:
    """Builds a schema step by step, each step checked at once; ``create()`` sends it.

    A mistake is raised by the call that made it and leaves the builder unchanged.

    ``dataset.schema_builder().add_column("id", "int", required=True).as_current().create()``
    """

    __slots__ = ("_client", "_columns", "_created", "_dataset_id", "_parsing", "_status")

    def __init__(
        self,
        client: AsyncModeratelyAI,
        dataset_id: str,
        created: Callable[[AsyncDatasetSchemaVersion], Awaitable[None]] | None = None,
    ) -> None:
        self._client = client
        self._dataset_id = dataset_id
        # Told about the new version, so the dataset that made the builder can catch up.
        self._created = created
        self._columns: list[dict[str, Any]] = []
        self._parsing: dict[str, Any] = {}
        self._status: VersionStatus | None = None

    def add_column(
        self,
        name: str,
        type: str = "string",
        *,
        required: bool | None = None,
        nullable: bool | None = None,
        description: str | None = None,
        source: str | None = None,
        transform_expr: str | None = None,
        operations: Iterable[Mapping[str, Any]] | None = None,
    ) -> Self:
        """Append a column; ``type`` may be short (``int``, ``bool``); nullable unless required."""
        spec: dict[str, Any] = {"name": name, "type": type}
        optional = {
            "required": required,
            "nullable": nullable,
            "description": description,
            "source": source,
            "transform_expr": transform_expr,
            "operations": None if operations is None else [dict(op) for op in operations],
        }
        spec.update({key: value for key, value in optional.items() if value is not None})
        column = column_fields(spec, len(self._columns) + 1)
        if any(existing["name"] == name for existing in self._columns):
            raise InvalidArgumentError(f"Column name {name!r} appears twice")
        # Checked before it is kept, so that a refused column leaves the builder as it was.
        SchemaVersionCreate.check(**{**self._fields(), "columns": [*self._columns, column]})
        self._columns.append(column)
        return self

    def with_parsing(
        self,
        *,
        delimiter: str | None = None,
        header_row: int | None = None,
        skip_rows: int | list[int] | None = None,
        encoding: str | None = None,
    ) -> Self:
        """Set how the platform reads the data (only the options given are changed)."""
        given = parsing_fields(
            delimiter=delimiter, header_row=header_row, skip_rows=skip_rows, encoding=encoding
        )
        ParsingOptionsBody.check(**{**self._parsing, **given})
        self._parsing.update(given)
        return self

    def as_current(self) -> Self:
        """Make the schema current when created (the previous current one is archived)."""
        self._status = "current"
        return self

    def as_draft(self) -> Self:
        """Create the schema as a draft (the platform's default)."""
        self._status = "draft"
        return self

    @property
    def columns(self) -> list[dict[str, Any]]:
        """The columns so far, as they will be sent (Python names)."""
        return [dict(column) for column in self._columns]

    def _fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"dataset_id": self._dataset_id, "columns": self.columns}
        if self._parsing:
            fields["parsing_options"] = dict(self._parsing)
        if self._status is not None:
            fields["status"] = self._status
        return fields

    async def create(self) -> AsyncDatasetSchemaVersion:
        """Send the schema; returns the created version."""
        if not self._columns:
            raise InvalidArgumentError("A schema needs at least one column: call add_column()")
        schema = await AsyncDatasetSchemaVersion.create(self._client, **self._fields())
        if self._created is not None:
            await self._created(schema)
        return schema

    def __repr__(self) -> str:
        names = ", ".join(column["name"] for column in self._columns)
        return f"<{type(self).__name__} dataset={self._dataset_id!r} columns=[{names}]>"
