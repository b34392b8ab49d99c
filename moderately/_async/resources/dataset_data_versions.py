"""Dataset data versions: a dataset's uploaded files (CSV or Excel), numbered per dataset."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar, Self, get_args, overload

from pydantic import Field

from ..._dataset_models import (
    DataFileType,
    VersionOrder,
    VersionStatus,
    check_choice,
    check_version_no,
)
from ..._hooks import HookContext, Operation
from ..._models import Model
from ..._params import Direction, Ids, join_ids, list_query
from ..._parsing import parse_as
from ..._request import build_path
from ..._shapes.dataset_data_versions import (
    DataVersionCreate,
    check_upload_args,
    default_name,
    detect_type,
    unnamed,
)
from ..._shapes.files import DownloadUrl, PathArg
from ..._transfer import (
    Progress,
    UploadInput,
    UploadSource,
    check_transfer_args,
    download_target,
    prepare_upload,
)
from ..._twins import async_run_blocking
from .._hooked import run_hooked
from .._namespace import AsyncNamespace
from .._pagination import AsyncPageRequest
from .._resource import AsyncCreateHooks, AsyncGettable, AsyncSearchable

if TYPE_CHECKING:
    from .._client import AsyncModeratelyAI


class AsyncDatasetDataVersion(AsyncSearchable, AsyncGettable, AsyncCreateHooks):
    """One uploaded file of a dataset; read-only (the platform has no route to change it)."""

    _path: ClassVar[str] = "/dataset-data-versions"
    _id_field: ClassVar[str] = "dataset_data_version_id"

    dataset_data_version_id: str = Field(frozen=True)
    dataset_id: str = Field(frozen=True)
    version_no: int = Field(frozen=True)
    source_file_uri: str = Field(frozen=True)
    file_type: DataFileType = Field(frozen=True)
    status: VersionStatus = Field(frozen=True)
    created_at: datetime | None = Field(default=None, frozen=True)
    updated_at: datetime | None = Field(default=None, frozen=True)

    @property
    def row_count(self) -> int | None:
        """Data rows counted by the platform, or None: its published contract has no count."""
        value = (self.model_extra or {}).get("rowCount")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def is_current(self) -> bool:
        """True for the version the dataset currently holds."""
        return self.status == "current"

    @property
    def file_name(self) -> str:
        """The uploaded file's name (the last part of ``source_file_uri``)."""
        name = PurePosixPath(self.source_file_uri).name
        return name or f"{self.dataset_id}-v{self.version_no}.{self.file_type}"

    @overload
    async def download(self, path: None = None, *, progress: Progress | None = None) -> bytes: ...

    @overload
    async def download(self, path: PathArg, *, progress: Progress | None = None) -> Path: ...

    async def download(
        self, path: PathArg | None = None, *, progress: Progress | None = None
    ) -> bytes | Path:
        """The version's bytes, or (with ``path``, file or folder) the path written atomically."""
        check_transfer_args(path=path, progress=progress)
        target = None if path is None else download_target(path, self.file_name)
        client = self.client
        route = build_path("/dataset-data-versions/{}/download", self.dataset_data_version_id)
        link = parse_as(DownloadUrl, await client._request("GET", route))
        # The platform declares no size or hash for data versions, so only the transfer
        # itself (length, atomic rename) can be checked here.
        return await client._transport.download(
            client._config, link.download_url, path=target, progress=progress
        )

    @classmethod
    async def upload(
        cls,
        client: AsyncModeratelyAI,
        dataset_id: str,
        file: UploadInput,
        *,
        file_type: DataFileType | None = None,
        file_name: str | None = None,
        status: VersionStatus | None = None,
        progress: Progress | None = None,
    ) -> Self:
        """Upload ``file`` as a new data version of ``dataset_id`` (operation ``create``)."""
        params: dict[str, Any] = {
            "dataset_id": dataset_id,
            "file": file,
            "file_type": file_type,
            "file_name": file_name,
            "status": status,
        }
        check_upload_args(params)
        ctx = HookContext(Operation.CREATE, cls, params, client=client)
        return await run_hooked(
            ctx, cls.before_create, cls.after_create, functools.partial(cls._upload, progress)
        )

    @classmethod
    async def _upload(cls, progress: Progress | None, ctx: HookContext[Self]) -> Self:
        params = ctx.params
        check_upload_args(params)
        label = default_name(params["file"], params["file_name"], params["file_type"])
        source = await async_run_blocking(
            functools.partial(prepare_upload, params["file"], name=label)
        )
        try:
            return await cls._send(ctx.client, source, params, progress)
        finally:
            source.cleanup()

    @classmethod
    async def _send(
        cls,
        client: AsyncModeratelyAI,
        source: UploadSource,
        params: Mapping[str, Any],
        progress: Progress | None,
    ) -> Self:
        file_type = params["file_type"] or detect_type(source)
        name = source.name
        if params["file_name"] is None and unnamed(params["file"]):
            # A stream without a name: give the platform one whose extension fits the type.
            name = f"data.{file_type}"
        fields = {"dataset_id": params["dataset_id"], "file_type": file_type, "file_name": name}
        if params["status"] is not None:
            fields["status"] = params["status"]
        body = DataVersionCreate.check(**fields).wire()
        ticket = parse_as(_DataUploadTicket, await client._request("POST", cls._path, json=body))
        await client._transport.upload(client._config, ticket.upload_url, source, progress=progress)
        version_id = ticket.data_version.dataset_data_version_id
        route = build_path("/dataset-data-versions/{}/complete", version_id)
        return cls._parse(client, await client._request("POST", route, json={}))


class _DataUploadTicket(Model):
    """Answer of ``POST /dataset-data-versions``."""

    data_version: AsyncDatasetDataVersion
    upload_url: str
    upload_expiry: datetime | None = None


class AsyncDatasetDataVersions(AsyncNamespace[AsyncDatasetDataVersion]):
    """``client.dataset_data_versions``: the uploaded data of datasets."""

    __slots__ = ()
    _default_model = AsyncDatasetDataVersion

    def list(
        self,
        *,
        dataset_ids: Ids | None = None,
        dataset_data_version_ids: Ids | None = None,
        status: VersionStatus | None = None,
        version_no: int | None = None,
        file_type: DataFileType | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: VersionOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncDatasetDataVersion]:
        """Data versions, filtered: a page, or every item when iterated."""
        check_choice("status", status, get_args(VersionStatus))
        check_choice("file_type", file_type, get_args(DataFileType))
        check_version_no(version_no)
        query = list_query(
            page=page,
            page_size=page_size,
            order_by=order_by,
            order_by_allowed=get_args(VersionOrder),
            order_direction=order_direction,
            filters={
                "dataset_data_version_ids": join_ids(
                    dataset_data_version_ids, "dataset_data_version_ids"
                ),
                "dataset_ids": join_ids(dataset_ids, "dataset_ids"),
                "status": status,
                "version_no": version_no,
                "file_type": file_type,
            },
        )
        return self._model.search(self._client, query, page=page)

    async def retrieve(self, dataset_data_version_id: str) -> AsyncDatasetDataVersion:
        """The data version with id ``dataset_data_version_id``."""
        return await self._model.get(self._client, dataset_data_version_id)

    async def upload(
        self,
        dataset_id: str,
        file: UploadInput,
        *,
        file_type: DataFileType | None = None,
        file_name: str | None = None,
        status: VersionStatus | None = None,
        progress: Progress | None = None,
    ) -> AsyncDatasetDataVersion:
        """Upload a path, bytes or binary file object as dataset ``dataset_id``'s new data.

        ``file_type`` is taken from the name's extension (or the first bytes) when not given.
        Completing the upload makes the version current and starts the dataset's processing.
        """
        check_transfer_args(progress=progress)
        return await self._model.upload(
            self._client,
            dataset_id,
            file,
            file_type=file_type,
            file_name=file_name,
            status=status,
            progress=progress,
        )

    @overload
    async def download(
        self, dataset_data_version_id: str, *, path: None = None, progress: Progress | None = None
    ) -> bytes: ...

    @overload
    async def download(
        self, dataset_data_version_id: str, *, path: PathArg, progress: Progress | None = None
    ) -> Path: ...

    async def download(
        self,
        dataset_data_version_id: str,
        *,
        path: PathArg | None = None,
        progress: Progress | None = None,
    ) -> bytes | Path:
        """The bytes of a data version, or (with ``path``) the path written atomically."""
        check_transfer_args(path=path, progress=progress)
        version = await self.retrieve(dataset_data_version_id)
        return await version.download(path, progress=progress)
