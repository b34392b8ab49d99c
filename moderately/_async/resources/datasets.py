"""Datasets: a team's tabular data, with numbered data versions and schema versions."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Self, Unpack, get_args, overload

from pydantic import Field

from ..._dataset_models import (
    DataFileType,
    ParsingOptions,
    ProcessingStatus,
    VersionStatus,
    parsing_fields,
)
from ..._errors import InvalidArgumentError
from ..._models import RequestModel
from ..._params import Direction, Ids, join_ids, list_query
from ..._schema_infer import DEFAULT_SAMPLE_ROWS, SampleInput, infer_schema
from ..._shapes.dataset_schema_versions import ColumnSpec
from ..._shapes.datasets import DatasetChanges, DatasetCreate, DatasetOrder, DatasetUpdate
from ..._shapes.files import PathArg
from ..._transfer import Progress, UploadInput
from ..._twins import async_run_blocking
from .._namespace import AsyncNamespace
from .._pagination import AsyncPageRequest
from .._polling import wait_until_terminal
from .._resource import (
    AsyncCreatable,
    AsyncDeletable,
    AsyncGettable,
    AsyncSavable,
    AsyncSearchable,
)
from .dataset_data_versions import AsyncDatasetDataVersion, AsyncDatasetDataVersions
from .dataset_schema_versions import AsyncDatasetSchemaVersion, AsyncDatasetSchemaVersions
from .schema_builder import AsyncSchemaBuilder


class AsyncDataset(AsyncSearchable, AsyncGettable, AsyncCreatable, AsyncSavable, AsyncDeletable):
    """A dataset of a team; change ``name`` or ``description`` and ``save()``."""

    _path: ClassVar[str] = "/datasets"
    _id_field: ClassVar[str] = "dataset_id"
    _create_model: ClassVar[type[RequestModel]] = DatasetCreate
    _update_model: ClassVar[type[RequestModel]] = DatasetUpdate

    dataset_id: str = Field(frozen=True)
    team_id: str = Field(frozen=True)
    name: str
    description: str | None = None
    created_at: datetime | None = Field(default=None, frozen=True)
    updated_at: datetime | None = Field(default=None, frozen=True)
    current_schema_version_id: str | None = Field(default=None, frozen=True)
    current_data_version_id: str | None = Field(default=None, frozen=True)
    # The list route leaves out the next three; retrieve() or refresh() fills them in.
    active_data_schema_version_id: str | None = Field(default=None, frozen=True)
    active_data_version_id: str | None = Field(default=None, frozen=True)
    processing_status: ProcessingStatus | None = Field(default=None, frozen=True)

    @property
    def record_count(self) -> int | None:
        """Records the platform reports for the dataset, or None: its contract has no count."""
        extra = self.model_extra or {}
        value = extra.get("recordCount", extra.get("rowCount"))
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def is_processing(self) -> bool:
        """True while the platform is queued to process, or processing, the current data."""
        return self.processing_status in ("needs-processing", "in_progress")

    @property
    def is_terminal(self) -> bool:
        """True when no processing is queued or running (there may be none at all)."""
        return not self.is_processing

    async def wait_until_processed(
        self,
        *,
        timeout: float | None = 300.0,
        poll_interval: float = 0.5,
        max_poll_interval: float = 5.0,
    ) -> Self:
        """Poll until processing has finished (``completed`` or ``failed``); returns ``self``.

        A dataset left ``needs-processing`` by a new current schema only moves once
        ``process()`` is called. Raises WaitTimeoutError past ``timeout`` seconds.
        """

        async def poll(dataset: Self) -> Self:
            await dataset._reload()
            return dataset

        return await wait_until_terminal(
            poll,
            self,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
        )

    async def process(self) -> Self:
        """Ask the platform to process the dataset's current data again; reloads this object."""
        fresh = await type(self).update(self.client, self.dataset_id, should_process=True)
        self._take_server_fields(fresh)
        return self

    async def upload_data(
        self,
        file: UploadInput,
        *,
        file_type: DataFileType | None = None,
        file_name: str | None = None,
        status: VersionStatus | None = None,
        progress: Progress | None = None,
    ) -> AsyncDatasetDataVersion:
        """Upload a path, bytes or binary file object as this dataset's new current data.

        Afterwards this object's version ids and processing status are read again.
        """
        version = await AsyncDatasetDataVersion.upload(
            self.client,
            self.dataset_id,
            file,
            file_type=file_type,
            file_name=file_name,
            status=status,
            progress=progress,
        )
        await self._reload()
        return version

    @overload
    async def download_data(
        self,
        version_id: str | None = None,
        *,
        path: None = None,
        progress: Progress | None = None,
    ) -> bytes: ...

    @overload
    async def download_data(
        self, version_id: str | None = None, *, path: PathArg, progress: Progress | None = None
    ) -> Path: ...

    async def download_data(
        self,
        version_id: str | None = None,
        *,
        path: PathArg | None = None,
        progress: Progress | None = None,
    ) -> bytes | Path:
        """The bytes of data version ``version_id`` (default: the current one), or the path.

        Raises InvalidArgumentError when no version is given and the dataset has no data.
        """
        if version_id is None:
            await self._reload()
            version_id = self.current_data_version_id
            if version_id is None:
                raise InvalidArgumentError(
                    f"Dataset {self.dataset_id} has no current data; upload_data() first or "
                    "pass version_id"
                )
        return await AsyncDatasetDataVersions(self.client).download(
            version_id, path=path, progress=progress
        )

    def list_data_versions(
        self, *, status: VersionStatus | None = None, page_size: int | None = None
    ) -> AsyncPageRequest[AsyncDatasetDataVersion]:
        """Data versions of the dataset, oldest first: a page, or every item when iterated."""
        return AsyncDatasetDataVersions(self.client).list(
            dataset_ids=self.dataset_id,
            status=status,
            page_size=page_size,
            order_by="version_no",
            order_direction="asc",
        )

    def list_schema_versions(
        self, *, status: VersionStatus | None = None, page_size: int | None = None
    ) -> AsyncPageRequest[AsyncDatasetSchemaVersion]:
        """Schema versions of the dataset, oldest first: a page, or every item when iterated."""
        return AsyncDatasetSchemaVersions(self.client).list(
            dataset_ids=self.dataset_id,
            status=status,
            page_size=page_size,
            order_by="version_no",
            order_direction="asc",
        )

    async def get_current_schema(self) -> AsyncDatasetSchemaVersion | None:
        """The schema the platform reads this dataset with now, or None when it has none."""
        await self._reload()
        if self.current_schema_version_id is None:
            return None
        return await AsyncDatasetSchemaVersion.get(self.client, self.current_schema_version_id)

    async def create_schema(
        self,
        columns: Iterable[ColumnSpec],
        *,
        parsing_options: Mapping[str, Any] | ParsingOptions | None = None,
        status: VersionStatus | None = None,
    ) -> AsyncDatasetSchemaVersion:
        """Create a schema version from column mappings (``draft`` unless ``status`` says).

        Columns look like ``{"name": "user_id", "type": "int", "required": True}``.
        """
        schema = await AsyncDatasetSchemaVersions(self.client).create(
            self.dataset_id, columns, parsing_options=parsing_options, status=status
        )
        await self._schema_created(schema)
        return schema

    async def create_schema_from_sample(
        self,
        sample: SampleInput,
        *,
        sample_rows: int = DEFAULT_SAMPLE_ROWS,
        delimiter: str | None = None,
        encoding: str = "utf-8",
        status: VersionStatus | None = None,
    ) -> AsyncDatasetSchemaVersion:
        """Create a schema whose column types are inferred from a CSV sample.

        ``sample`` is a path, CSV bytes, or CSV text (a ``str`` with a line break). Only the
        header and the first ``sample_rows`` rows (at most 1 MiB) are read; the delimiter is
        detected unless given. Types: integer, float, boolean, datetime, else string.
        """
        inferred = await async_run_blocking(
            functools.partial(
                infer_schema,
                sample,
                sample_rows=sample_rows,
                delimiter=delimiter,
                encoding=encoding,
            )
        )
        options = parsing_fields(delimiter=inferred.delimiter, header_row=1, encoding=encoding)
        return await self.create_schema(inferred.columns, parsing_options=options, status=status)

    def schema_builder(self) -> AsyncSchemaBuilder:
        """A fluent schema builder: ``add_column``, ``with_parsing``, ``as_current``, ``create``."""
        return AsyncSchemaBuilder(self.client, self.dataset_id, self._schema_created)

    async def _schema_created(self, schema: AsyncDatasetSchemaVersion) -> None:
        if schema.is_current:
            await self._reload()

    async def _reload(self) -> None:
        # Reads the platform's copy without losing unsaved edits: the fields the user changed
        # keep their values, the rest (version ids, status) are refreshed.
        fresh = await type(self).get(self.client, self.dataset_id)
        self._take_server_fields(fresh)

    def _take_server_fields(self, fresh: AsyncDataset) -> None:
        changed = self.changed_fields
        for name in type(self).model_fields:
            if name not in changed:
                self.__dict__[name] = fresh.__dict__[name]
        self.__pydantic_extra__ = fresh.__pydantic_extra__


class AsyncDatasets(AsyncNamespace[AsyncDataset]):
    """``client.datasets``: the team's datasets."""

    __slots__ = ()
    _default_model = AsyncDataset

    def list(
        self,
        *,
        dataset_ids: Ids | None = None,
        name_like: str | None = None,
        name: str | None = None,
        team_ids: Ids | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: DatasetOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncDataset]:
        """Datasets of the client's team (or ``team_ids``): a page, or every item when iterated.

        Listed datasets lack the ``active_*`` ids and ``processing_status``; ``refresh()`` one.
        """
        teams = join_ids(team_ids, "team_ids") or self._client._config.require_team("datasets.list")
        query = list_query(
            page=page,
            page_size=page_size,
            order_by=order_by,
            order_by_allowed=get_args(DatasetOrder),
            order_direction=order_direction,
            filters={
                "team_ids": teams,
                "dataset_ids": join_ids(dataset_ids, "dataset_ids"),
                "name_like": name_like,
                "name": name,
            },
        )
        return self._model.search(self._client, query, page=page)

    async def retrieve(self, dataset_id: str) -> AsyncDataset:
        """The dataset with id ``dataset_id``."""
        return await self._model.get(self._client, dataset_id)

    async def create(
        self, *, name: str, description: str | None = None, team_id: str | None = None
    ) -> AsyncDataset:
        """Create a dataset in the client's team (or ``team_id``)."""
        team = (
            team_id if team_id is not None else self._client._config.require_team("datasets.create")
        )
        fields: dict[str, Any] = {"team_id": team, "name": name}
        if description is not None:
            fields["description"] = description
        return await self._model.create(self._client, **fields)

    async def update(self, dataset_id: str, **changes: Unpack[DatasetChanges]) -> AsyncDataset:
        """Change the given fields of a dataset; ``should_process=True`` also reprocesses it."""
        return await self._model.update(self._client, dataset_id, **changes)

    async def delete(self, dataset_id: str) -> None:
        """Delete dataset ``dataset_id`` with its data and schema versions."""
        await self._model.delete_by_id(self._client, dataset_id)
