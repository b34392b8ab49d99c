"""Dataset schema versions: the columns and parsing options the platform reads a dataset with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, ClassVar, Self, Unpack, get_args

from pydantic import Field

from ..._dataset_models import (
    ParsingOptions,
    SchemaColumn,
    SchemaVersionCreate,
    SchemaVersionUpdate,
    VersionOrder,
    VersionStatus,
    check_choice,
    check_version_no,
)
from ..._models import RequestModel
from ..._params import Direction, Ids, join_ids, list_query
from ..._shapes.dataset_schema_versions import ColumnSpec, SchemaChanges, options_payload
from .._namespace import AsyncNamespace
from .._pagination import AsyncPageRequest
from .._resource import AsyncCreatable, AsyncGettable, AsyncSavable, AsyncSearchable


class AsyncDatasetSchemaVersion(AsyncSearchable, AsyncGettable, AsyncCreatable, AsyncSavable):
    """A numbered schema of a dataset; change its status, columns or options and ``save()``."""

    _path: ClassVar[str] = "/dataset-schema-versions"
    _id_field: ClassVar[str] = "dataset_schema_version_id"
    _create_model: ClassVar[type[RequestModel]] = SchemaVersionCreate
    _update_model: ClassVar[type[RequestModel]] = SchemaVersionUpdate

    dataset_schema_version_id: str = Field(frozen=True)
    dataset_id: str = Field(frozen=True)
    version_no: int = Field(frozen=True)
    columns_json: list[SchemaColumn]
    status: VersionStatus
    parsing_options: ParsingOptions | None = None
    created_at: datetime | None = Field(default=None, frozen=True)
    updated_at: datetime | None = Field(default=None, frozen=True)

    @property
    def columns(self) -> list[SchemaColumn]:
        """The columns (``columns_json``, the platform's name for them)."""
        return self.columns_json

    @property
    def column_names(self) -> list[str]:
        """The columns' names, in order."""
        return [column.name for column in self.columns_json]

    @property
    def is_current(self) -> bool:
        """True when this is the schema the platform reads the dataset with."""
        return self.status == "current"

    def column(self, name: str) -> SchemaColumn | None:
        """The column called ``name``, or None."""
        return next((c for c in self.columns_json if c.name == name), None)

    async def make_current(self) -> Self:
        """Make this the dataset's current schema (the previous current one is archived)."""
        self.status = "current"
        return await self.save()


class AsyncDatasetSchemaVersions(AsyncNamespace[AsyncDatasetSchemaVersion]):
    """``client.dataset_schema_versions``: the schemas of datasets."""

    __slots__ = ()
    _default_model = AsyncDatasetSchemaVersion

    def list(
        self,
        *,
        dataset_ids: Ids | None = None,
        dataset_schema_version_ids: Ids | None = None,
        status: VersionStatus | None = None,
        version_no: int | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: VersionOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncDatasetSchemaVersion]:
        """Schema versions, filtered: a page, or every item when iterated."""
        check_choice("status", status, get_args(VersionStatus))
        check_version_no(version_no)
        query = list_query(
            page=page,
            page_size=page_size,
            order_by=order_by,
            order_by_allowed=get_args(VersionOrder),
            order_direction=order_direction,
            filters={
                "dataset_schema_version_ids": join_ids(
                    dataset_schema_version_ids, "dataset_schema_version_ids"
                ),
                "dataset_ids": join_ids(dataset_ids, "dataset_ids"),
                "status": status,
                "version_no": version_no,
            },
        )
        return self._model.search(self._client, query, page=page)

    async def retrieve(self, dataset_schema_version_id: str) -> AsyncDatasetSchemaVersion:
        """The schema version with id ``dataset_schema_version_id``."""
        return await self._model.get(self._client, dataset_schema_version_id)

    async def create(
        self,
        dataset_id: str,
        columns: Iterable[ColumnSpec],
        *,
        parsing_options: Mapping[str, Any] | ParsingOptions | None = None,
        status: VersionStatus | None = None,
    ) -> AsyncDatasetSchemaVersion:
        """Create a schema for dataset ``dataset_id`` (a ``draft`` unless ``status`` says).

        Column types may be written short (``int``, ``bool``, ``str``); ``required=True`` is
        ``nullable=False``. Everything is checked before the request is sent.
        """
        fields: dict[str, Any] = {"dataset_id": dataset_id, "columns": list(columns)}
        if parsing_options is not None:
            fields["parsing_options"] = options_payload(parsing_options)
        if status is not None:
            fields["status"] = status
        return await self._model.create(self._client, **fields)

    async def update(
        self, dataset_schema_version_id: str, **changes: Unpack[SchemaChanges]
    ) -> AsyncDatasetSchemaVersion:
        """Change the given fields of a schema version; others stay as they are."""
        fields: dict[str, Any] = dict(changes)
        if "columns" in fields:
            fields["columns_json"] = list(fields.pop("columns"))
        if "parsing_options" in fields:
            fields["parsing_options"] = options_payload(fields["parsing_options"])
        return await self._model.update(self._client, dataset_schema_version_id, **fields)
