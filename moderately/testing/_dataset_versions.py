"""Route family ``dataset-data-versions``: upload a dataset's data, complete it, download it.

``POST /dataset-data-versions`` numbers the version (1, 2, ... per dataset), records a
``sourceFileUri`` and returns a presigned PUT URL valid for ``presign_ttl_seconds``. After the
client PUTs the file, ``POST .../complete`` (400 if nothing was uploaded) counts the CSV's data
rows with the current schema's ``parsingOptions`` (`_csv_rows.py`; kept in the private
``_rowCount`` field, xlsx is not counted), makes the version ``current`` (the previous current
one becomes ``archived``) and starts processing the dataset (`_datasets.py`). Completing again
answers the version unchanged. ``GET .../download`` returns a presigned GET URL once bytes exist.
A version created with ``status: current`` becomes current at once.
"""

from __future__ import annotations

from typing import Literal

from aiohttp import web
from pydantic import Field

from ._audit import record_audit
from ._auth import get_state
from ._blobs import BlobOwner
from ._config import get_config
from ._csv_rows import count_csv_rows
from ._datasets import (
    DATA_VERSIONS,
    SCHEMA_VERSIONS,
    dataset_for,
    make_current,
    next_version_no,
    start_processing,
    visible_dataset_ids,
)
from ._errors import bad_request
from ._ids import new_id, now_iso
from ._lookup import get_or_404, within
from ._pagination import PageQuery, paginate
from ._responses import json_response
from ._state import Record, public
from ._storage import blob_store, presign
from ._validation import Body, parse_body, parse_query

VersionStatus = Literal["draft", "current", "archived"]
FileType = Literal["csv", "xlsx"]
BUCKET_URI = "s3://moderately-emulator"


class DataVersionListQuery(PageQuery):
    """Query of ``GET /dataset-data-versions``."""

    orderBy: Literal["createdAt", "updatedAt", "versionNo"] | None = None
    datasetDataVersionIds: list[str] | None = None
    datasetIds: list[str] | None = None
    status: VersionStatus | None = None
    versionNo: int | None = Field(None, ge=1)
    fileType: FileType | None = None


class DataVersionCreate(Body):
    """Body of ``POST /dataset-data-versions``."""

    datasetId: str = Field(min_length=1)
    fileType: FileType
    fileName: str = Field(min_length=1, max_length=255)
    status: VersionStatus = "draft"


class DataVersionComplete(Body):
    """Body of ``POST /dataset-data-versions/{dataVersionId}/complete`` (no fields)."""


def _version(request: web.Request, param: str) -> tuple[Record, Record]:
    version = get_or_404(
        get_state(request).collection(DATA_VERSIONS), request.match_info[param], "data version"
    )
    return version, dataset_for(request, version["datasetId"])


async def create_data_version(request: web.Request) -> web.Response:
    """Create a data version and return a presigned URL to upload its file."""
    body = await parse_body(request, DataVersionCreate)
    dataset = dataset_for(request, body.datasetId)
    state = get_state(request)
    versions = state.collection(DATA_VERSIONS)
    version_id = new_id()
    key = f"datasets/{dataset['datasetId']}/data-versions/{version_id}"
    now = now_iso()
    version: Record = {
        "datasetDataVersionId": version_id,
        "datasetId": dataset["datasetId"],
        "versionNo": next_version_no(versions, dataset["datasetId"]),
        "sourceFileUri": f"{BUCKET_URI}/{key}/{body.fileName}"[:1024],
        "fileType": body.fileType,
        "status": body.status,
        "createdAt": now,
        "updatedAt": now,
        "_key": key,
        "_fileName": body.fileName,
        "_rowCount": None,
        "_completedAt": None,
    }
    versions[version_id] = version
    if body.status == "current":
        make_current(state, DATA_VERSIONS, dataset, version)
    store = blob_store(request)
    store.set_owner(key, BlobOwner(dataset["teamId"], "dataset_data_version", version_id))
    url, expires = presign(request, "PUT", key)
    record_audit(
        request,
        resource_type="dataset_data_version",
        resource_id=version_id,
        action="create",
        team_id=dataset["teamId"],
        changes={"datasetId": dataset["datasetId"], "versionNo": version["versionNo"]},
    )
    return json_response(
        {"dataVersion": public(version), "uploadUrl": url, "uploadExpiry": expires}, 201
    )


async def complete_data_version(request: web.Request) -> web.Response:
    """Count the uploaded rows, make the version current and start processing."""
    version, dataset = _version(request, "dataVersionId")
    await parse_body(request, DataVersionComplete)
    if version["_completedAt"] is not None:
        return json_response(public(version))
    store = blob_store(request)
    blob = store.get(version["_key"])
    if blob is None:
        raise bad_request(
            "No file has been uploaded for this data version",
            [{"field": "dataVersionId", "message": "upload the file first", "type": "state"}],
        )
    state = get_state(request)
    if version["fileType"] == "csv":
        schema = state.collection(SCHEMA_VERSIONS).get(dataset["currentSchemaVersionId"] or "")
        options = schema.get("parsingOptions") if schema is not None else None
        version["_rowCount"] = count_csv_rows(blob, options)
    store.seal(version["_key"])
    version["_completedAt"] = now_iso()
    make_current(state, DATA_VERSIONS, dataset, version)
    start_processing(dataset, get_config(request).data)
    record_audit(
        request,
        resource_type="dataset_data_version",
        resource_id=version["datasetDataVersionId"],
        action="update",
        team_id=dataset["teamId"],
        changes={"status": "current", "rowCount": version["_rowCount"]},
    )
    return json_response(public(version))


async def get_data_version(request: web.Request) -> web.Response:
    """Return one data version."""
    version, _ = _version(request, "datasetDataVersionId")
    return json_response(public(version))


async def download_data_version(request: web.Request) -> web.Response:
    """Return a presigned URL to download a data version's file."""
    version, _ = _version(request, "dataVersionId")
    if blob_store(request).get(version["_key"]) is None:
        raise bad_request(
            "No file has been uploaded for this data version",
            [{"field": "dataVersionId", "message": "nothing to download", "type": "state"}],
        )
    url, _expires = presign(request, "GET", version["_key"])
    return json_response({"downloadUrl": url})


async def list_data_versions(request: web.Request) -> web.Response:
    """List data versions of the caller's datasets, filtered."""
    query = parse_query(request, DataVersionListQuery)
    datasets = visible_dataset_ids(request, query.datasetIds)
    items = [
        public(v)
        for v in get_state(request).collection(DATA_VERSIONS).values()
        if v["datasetId"] in datasets
        and within(v["datasetDataVersionId"], query.datasetDataVersionIds)
        and within(v["status"], None if query.status is None else {query.status})
        and within(v["versionNo"], None if query.versionNo is None else {query.versionNo})
        and within(v["fileType"], None if query.fileType is None else {query.fileType})
    ]
    return json_response(paginate(items, query))


def register(app: web.Application) -> None:
    """Add the dataset data version routes."""
    base = "/dataset-data-versions"
    app.router.add_get(base, list_data_versions, allow_head=False)
    app.router.add_post(base, create_data_version)
    app.router.add_get(base + "/{datasetDataVersionId}", get_data_version, allow_head=False)
    app.router.add_post(base + "/{dataVersionId}/complete", complete_data_version)
    app.router.add_get(base + "/{dataVersionId}/download", download_data_version, allow_head=False)
