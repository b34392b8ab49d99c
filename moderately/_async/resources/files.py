"""Files: uploads through presigned URLs (hashed, streamed, verified) and verified downloads."""

from __future__ import annotations

import builtins
import contextlib
import functools
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self, get_args, overload

from pydantic import Field

from ..._errors import ConflictError, InvalidArgumentError
from ..._file_kinds import FileKinds
from ..._hooks import HookContext, Operation
from ..._models import Model
from ..._params import Direction, Ids, check_choice, join_ids, list_query
from ..._parsing import parse_as
from ..._request import build_path, require_id
from ..._shapes.files import (
    CompleteBody,
    DownloadUrl,
    FileOrder,
    PathArg,
    UploadStatus,
    UploadUrlBody,
    check_upload_args,
    upload_refused,
)
from ..._transfer import (
    Progress,
    UploadInput,
    UploadSource,
    check_transfer_args,
    download_target,
    prepare_upload,
)
from ..._twins import async_run_blocking
from .._bounded import run_bounded
from .._hooked import run_hooked
from .._namespace import AsyncNamespace
from .._pagination import AsyncPageRequest
from .._resource import AsyncCreateHooks, AsyncDeletable, AsyncGettable, AsyncSearchable

if TYPE_CHECKING:
    from .._client import AsyncModeratelyAI


class AsyncFile(FileKinds, AsyncSearchable, AsyncGettable, AsyncCreateHooks, AsyncDeletable):
    """A file of a team; its fields are read-only (the platform has no route to change them)."""

    _path: ClassVar[str] = "/files"
    _id_field: ClassVar[str] = "file_id"

    file_id: str = Field(frozen=True)
    team_id: str = Field(frozen=True)
    file_name: str = Field(frozen=True)
    file_size: int = Field(frozen=True)
    mime_type: str = Field(frozen=True)
    file_hash: str = Field(frozen=True)
    upload_status: UploadStatus = Field(frozen=True)
    uploaded_by: str | None = Field(default=None, frozen=True)
    metadata: dict[str, Any] = Field(default_factory=dict, frozen=True)
    created_at: datetime | None = Field(default=None, frozen=True)
    updated_at: datetime | None = Field(default=None, frozen=True)

    @overload
    async def download(self, path: None = None, *, progress: Progress | None = None) -> bytes: ...

    @overload
    async def download(self, path: PathArg, *, progress: Progress | None = None) -> Path: ...

    async def download(
        self, path: PathArg | None = None, *, progress: Progress | None = None
    ) -> bytes | Path:
        """The file's bytes, or (with ``path``) the path written; verified by size and SHA-256.

        A ``path`` that is an existing folder receives the file under its own name. The file
        is written to a temporary name and renamed only once its bytes check out.
        """
        check_transfer_args(path=path, progress=progress)
        target = None if path is None else download_target(path, self.file_name)
        link = parse_as(
            DownloadUrl,
            await self.client._request("GET", build_path("/files/{}/download", self.file_id)),
        )
        return await self.client._transport.download(
            self.client._config,
            link.download_url,
            path=target,
            expected_size=self.file_size,
            expected_sha256=self.file_hash,
            progress=progress,
        )

    @classmethod
    async def upload(
        cls,
        client: AsyncModeratelyAI,
        file: UploadInput,
        *,
        team_id: str,
        name: str | None = None,
        mime_type: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> Self:
        """Upload ``file`` into team ``team_id`` (as operation ``create``, through its hooks)."""
        params: dict[str, Any] = {
            "file": file,
            "team_id": team_id,
            "name": name,
            "mime_type": mime_type,
            "metadata": dict(metadata) if isinstance(metadata, Mapping) else metadata,
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
        source = await async_run_blocking(
            functools.partial(
                prepare_upload, params["file"], name=params["name"], mime_type=params["mime_type"]
            )
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
        params: dict[str, Any],
        progress: Progress | None,
    ) -> Self:
        fields = {
            "file_name": source.name,
            "file_size": source.size,
            "file_hash": source.sha256,
            "mime_type": source.mime_type,
            "team_id": params["team_id"],
        }
        if params["metadata"] is not None:
            fields["metadata"] = params["metadata"]
        body = UploadUrlBody.check(**fields).wire()
        response = await client._request("POST", "/files/upload-url", json=body)
        ticket = parse_as(_UploadTicket, response)
        file_id = ticket.file.file_id
        try:
            await client._transport.upload(
                client._config, ticket.upload_url, source, progress=progress
            )
        except Exception as exc:
            await _discard(client, file_id, exc)
            raise
        done = CompleteBody.check(file_size=source.size, file_hash=source.sha256).wire()
        try:
            completed = await client._request(
                "POST", build_path("/files/{}/complete", file_id), json=done
            )
        except ConflictError as exc:
            refused = upload_refused(exc, file_id, source.name)
            await _discard(client, file_id, refused)
            raise refused from exc
        return cls._parse(client, completed)


class _UploadTicket(Model):
    """Answer of ``POST /files/upload-url``."""

    file: AsyncFile
    upload_url: str
    expires_at: datetime | None = None


async def _discard(client: AsyncModeratelyAI, file_id: str, exc: BaseException) -> None:
    # A pending or failed record is of no use to anyone; removing it is best effort only.
    with contextlib.suppress(Exception):
        await client._request("DELETE", build_path("/files/{}", file_id))
        exc.add_note(f"The unfinished file record {file_id} was deleted.")


class AsyncFiles(AsyncNamespace[AsyncFile]):
    """``client.files``: upload, list, retrieve, download and delete the team's files."""

    __slots__ = ()
    _default_model = AsyncFile

    async def upload(
        self,
        file: UploadInput,
        *,
        name: str | None = None,
        mime_type: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
        team_id: str | None = None,
    ) -> AsyncFile:
        """Upload a path, bytes or binary file object; returns the completed file.

        The bytes are hashed (SHA-256) and measured in one streaming pass, then sent to a
        presigned URL; the platform checks them against the declared size and hash. A refusal
        raises UploadError. ``name`` defaults to the path's or file object's name, ``mime_type``
        to one guessed from the name and first bytes. ``progress(done, total)`` follows the PUT.
        """
        check_transfer_args(progress=progress)
        team = team_id if team_id is not None else self._client._config.require_team("files.upload")
        return await self._model.upload(
            self._client,
            file,
            team_id=team,
            name=name,
            mime_type=mime_type,
            metadata=metadata,
            progress=progress,
        )

    async def upload_many(
        self,
        files: Iterable[UploadInput],
        *,
        concurrency: int = 4,
        metadata: Mapping[str, Any] | None = None,
        team_id: str | None = None,
    ) -> builtins.list[AsyncFile]:
        """Upload several sources, ``concurrency`` at a time; files in input order.

        Every upload runs to its end; if any failed, the earliest failing input's error is
        raised, with a note for each other failure (see ``moderately._async._bounded``).
        """
        sources = list(files)
        team = team_id if team_id is not None else self._client._config.require_team("files.upload")
        calls = [
            functools.partial(self.upload, source, metadata=metadata, team_id=team)
            for source in sources
        ]
        return await run_bounded(calls, concurrency)

    def list(
        self,
        *,
        file_ids: Ids | None = None,
        name_like: str | None = None,
        mime_types: Ids | None = None,
        file_hashes: Ids | None = None,
        upload_status: UploadStatus | None = None,
        team_ids: Ids | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: FileOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncFile]:
        """Files of the client's team (or ``team_ids``): a page, or every item when iterated.

        ``page_size`` is at most 100 here; several ids, types or hashes may be given as a list.
        """
        if page_size is not None and isinstance(page_size, int) and page_size > 100:
            raise InvalidArgumentError(f"page_size must be an int from 1 to 100; got {page_size}")
        check_choice("upload_status", upload_status, get_args(UploadStatus))
        teams = join_ids(team_ids, "team_ids") or self._client._config.require_team("files.list")
        query = list_query(
            page=page,
            page_size=page_size,
            order_by=order_by,
            order_by_allowed=get_args(FileOrder),
            order_direction=order_direction,
            filters={
                "team_ids": teams,
                "file_ids": join_ids(file_ids, "file_ids"),
                "name_like": name_like,
                "mime_types": join_ids(mime_types, "mime_types"),
                "file_hashes": join_ids(file_hashes, "file_hashes"),
                "upload_status": upload_status,
            },
        )
        return self._model.search(self._client, query, page=page)

    async def retrieve(self, file_id: str) -> AsyncFile:
        """The file with id ``file_id`` (its metadata; ``download`` fetches the bytes)."""
        return await self._model.get(self._client, file_id)

    async def delete(self, file_id: str) -> None:
        """Delete file ``file_id`` and its bytes."""
        await self._model.delete_by_id(self._client, file_id)

    @overload
    async def download(
        self, file_id: str, *, path: None = None, progress: Progress | None = None
    ) -> bytes: ...

    @overload
    async def download(
        self, file_id: str, *, path: PathArg, progress: Progress | None = None
    ) -> Path: ...

    async def download(
        self, file_id: str, *, path: PathArg | None = None, progress: Progress | None = None
    ) -> bytes | Path:
        """The bytes of file ``file_id``, or (with ``path``) the path written; verified."""
        check_transfer_args(path=path, progress=progress)
        file = await self.retrieve(file_id)
        return await file.download(path, progress=progress)

    async def download_many(
        self, targets: Mapping[str, PathArg], *, concurrency: int = 4
    ) -> builtins.list[Path]:
        """Download ``{file_id: path}``, ``concurrency`` at a time; paths in input order.

        Each file is verified and written atomically; on failure see ``upload_many``.
        """
        for file_id in targets:
            require_id(file_id, "file_id")
        calls = [
            functools.partial(self._download_to, file_id, path) for file_id, path in targets.items()
        ]
        return await run_bounded(calls, concurrency)

    async def _download_to(self, file_id: str, path: PathArg) -> Path:
        file = await self.retrieve(file_id)
        return await file.download(path)
