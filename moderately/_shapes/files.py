"""Files: local paths, request bodies and upload checks, shared by both APIs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import Field

from .._errors import ConflictError, InvalidArgumentError, UploadError
from .._models import Model, RequestModel
from .._request import require_id

FileOrder = Literal["file_name", "file_size", "created_at", "updated_at"]
"""Fields files can be sorted by."""
UploadStatus = Literal["pending", "completed", "failed"]
"""Where a file's upload stands."""
PathArg = str | os.PathLike[str]
"""A local path, as a string or a path object."""


class UploadUrlBody(RequestModel):
    """Body of ``POST /files/upload-url``."""

    what: ClassVar[str] = "files.upload"
    file_name: str = Field(min_length=1, max_length=1000)
    file_size: int = Field(ge=0)
    file_hash: str = Field(min_length=1, max_length=255)
    mime_type: str = Field(min_length=1, max_length=255)
    team_id: str = Field(min_length=1)
    metadata: dict[str, Any] | None = None


class CompleteBody(RequestModel):
    """Body of ``POST /files/{fileId}/complete``."""

    what: ClassVar[str] = "files.complete"
    file_size: int = Field(ge=0)
    file_hash: str = Field(min_length=1, max_length=255)


class DownloadUrl(Model):
    """A presigned GET URL and when it stops working."""

    download_url: str
    expires_at: datetime | None = None


def check_upload_args(params: Mapping[str, Any]) -> None:
    for key, limit in (("name", 1000), ("mime_type", 255)):
        value = params.get(key)
        if value is not None and (not isinstance(value, str) or not 1 <= len(value) <= limit):
            raise InvalidArgumentError(
                f"Invalid arguments for files.upload: {key} must be a string of 1 to {limit} "
                f"characters; got {value!r}"
            )
    metadata = params.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise InvalidArgumentError(
            f"Invalid arguments for files.upload: metadata must be a mapping; got {metadata!r}"
        )
    require_id(params.get("team_id"), "team_id")


def upload_refused(exc: ConflictError, file_id: str, name: str) -> UploadError:
    return UploadError(
        f"The platform refused to complete the upload of {name!r} (file {file_id}): {exc.message}",
        file_id=file_id,
        status_code=exc.status_code,
        code=exc.code,
        details=exc.details,
        body=exc.body,
        headers=exc.headers,
        method=exc.method,
        url=exc.url,
        request_id=exc.request_id,
        idempotency_key=exc.idempotency_key,
    )
