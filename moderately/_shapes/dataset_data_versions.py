"""Dataset data versions: the upload body and upload checks, shared by both APIs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any, ClassVar, get_args

from pydantic import Field

from .._dataset_models import DataFileType, VersionStatus, check_choice
from .._errors import InvalidArgumentError
from .._models import RequestModel
from .._request import require_id
from .._transfer import UploadSource

_XLSX_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel",
        "application/zip",
    }
)


class DataVersionCreate(RequestModel):
    """Body of ``POST /dataset-data-versions``."""

    what: ClassVar[str] = "dataset_data_versions.upload"
    dataset_id: str = Field(min_length=1)
    file_type: DataFileType
    file_name: str = Field(min_length=1, max_length=255)
    status: VersionStatus = "draft"


def check_upload_args(params: Mapping[str, Any]) -> None:
    require_id(params.get("dataset_id"), "dataset_id")
    check_choice("file_type", params.get("file_type"), get_args(DataFileType))
    check_choice("status", params.get("status"), get_args(VersionStatus))
    name = params.get("file_name")
    if name is not None and (not isinstance(name, str) or not 1 <= len(name) <= 255):
        raise InvalidArgumentError(f"file_name must be 1 to 255 characters; got {name!r}")


def default_name(file: object, file_name: str | None, file_type: str | None) -> str | None:
    if file_name is not None or not isinstance(file, bytes | bytearray | memoryview):
        return file_name
    # Raw bytes carry no name; the platform needs one, and its extension should match.
    kind = file_type or ("xlsx" if bytes(file[:4]) == b"PK\x03\x04" else "csv")
    return f"data.{kind}"


def unnamed(file: object) -> bool:
    if isinstance(file, str | os.PathLike | bytes | bytearray | memoryview):
        return False
    return not isinstance(getattr(file, "name", None), str)


def detect_type(source: UploadSource) -> DataFileType:
    suffix = PurePosixPath(source.name).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if source.mime_type in _XLSX_TYPES:
        return "xlsx"
    if source.mime_type.startswith("text/"):
        return "csv"
    raise InvalidArgumentError(
        f"Cannot tell whether {source.name!r} is CSV or Excel; pass file_type='csv' or 'xlsx'"
    )
