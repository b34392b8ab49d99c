"""Route family ``dataset-schema-versions``: column definitions and parsing options of a dataset.

Versions are numbered 1, 2, ... per dataset. The request's ``columns`` come back as
``columnsJson``; column names must be unique. At most one version per dataset is ``current``:
creating or patching one to ``current`` archives the previous current version and sets the
dataset's ``currentSchemaVersionId``; if the dataset already has data its processing status
becomes ``needs-processing`` (see `_datasets.py`). Moving the current version to another
status clears ``currentSchemaVersionId``. ``parsingOptions.encoding`` must name a codec.
"""

from __future__ import annotations

import codecs
from typing import Annotated, Any, Literal

from aiohttp import web
from pydantic import Field, field_validator

from ._audit import record_audit
from ._auth import get_state
from ._datasets import (
    SCHEMA_VERSIONS,
    dataset_for,
    make_current,
    next_version_no,
    visible_dataset_ids,
)
from ._errors import bad_request
from ._ids import new_id, now_iso
from ._lookup import get_or_404, within
from ._pagination import PageQuery, paginate
from ._responses import json_response
from ._state import Record, public
from ._validation import Body, parse_body, parse_query

VersionStatus = Literal["draft", "current", "archived"]
NonNegative = Annotated[int, Field(ge=0)]


class Operation(Body):
    """One column operation (``strip_whitespace``, ``convert_dtype``, ... or a custom type)."""

    type: str = Field(min_length=1)
    parameters: dict[str, Any] | None = None


class Column(Body):
    """One column definition."""

    pos: int | None = Field(None, gt=0)
    name: str = Field(min_length=1)
    source: str | None = None
    type: str = Field(min_length=1)
    nullable: bool
    transformExpr: str | None = None
    description: str | None = None
    operations: list[Operation] | None = None


class ParsingOptions(Body):
    """How to read the dataset's files."""

    skipRows: list[NonNegative] | NonNegative | None = None
    headerRow: int | None = Field(None, gt=0)
    delimiter: str | None = Field(None, min_length=1)
    encoding: str | None = None

    @field_validator("encoding")
    @classmethod
    def check_encoding(cls, value: str | None) -> str | None:
        """Reject encodings Python does not know."""
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError("unknown encoding") from None
        return value


def _unique_names(columns: list[Column] | None) -> list[Column] | None:
    if columns is not None:
        names = [c.name for c in columns]
        if len(set(names)) != len(names):
            raise ValueError("column names must be unique")
    return columns


class SchemaVersionCreate(Body):
    """Body of ``POST /dataset-schema-versions``."""

    datasetId: str = Field(min_length=1)
    columns: list[Column] = Field(min_length=1)
    status: VersionStatus = "draft"
    parsingOptions: ParsingOptions | None = None

    @field_validator("columns")
    @classmethod
    def check_unique_names(cls, value: list[Column] | None) -> list[Column] | None:
        """Reject two columns with one name."""
        return _unique_names(value)


class SchemaVersionPatch(Body):
    """Body of ``PATCH /dataset-schema-versions/{datasetSchemaVersionId}``."""

    status: VersionStatus | None = None
    columns: list[Column] | None = Field(None, min_length=1)
    parsingOptions: ParsingOptions | None = None

    @field_validator("columns")
    @classmethod
    def check_unique_names(cls, value: list[Column] | None) -> list[Column] | None:
        """Reject two columns with one name."""
        return _unique_names(value)


class SchemaVersionListQuery(PageQuery):
    """Query of ``GET /dataset-schema-versions``."""

    orderBy: Literal["createdAt", "updatedAt", "versionNo"] | None = None
    datasetSchemaVersionIds: list[str] | None = None
    datasetIds: list[str] | None = None
    status: VersionStatus | None = None
    versionNo: int | None = Field(None, ge=1)


def _columns(columns: list[Column]) -> list[dict[str, Any]]:
    return [c.model_dump(mode="json", exclude_unset=True) for c in columns]


def _after_current(dataset: Record) -> None:
    # New columns mean the data must be processed again before it matches the schema.
    if dataset["currentDataVersionId"] is not None:
        dataset["_run"] = None
        dataset["processingStatus"] = "needs-processing"


async def create_schema_version(request: web.Request) -> web.Response:
    """Create a schema version of a dataset."""
    body = await parse_body(request, SchemaVersionCreate)
    dataset = dataset_for(request, body.datasetId)
    state = get_state(request)
    versions = state.collection(SCHEMA_VERSIONS)
    now = now_iso()
    version: Record = {
        "datasetSchemaVersionId": new_id(),
        "datasetId": dataset["datasetId"],
        "versionNo": next_version_no(versions, dataset["datasetId"]),
        "columnsJson": _columns(body.columns),
        "status": body.status,
        "createdAt": now,
        "updatedAt": now,
    }
    if body.parsingOptions is not None:
        version["parsingOptions"] = body.parsingOptions.model_dump(exclude_unset=True)
    versions[version["datasetSchemaVersionId"]] = version
    if body.status == "current":
        make_current(state, SCHEMA_VERSIONS, dataset, version)
        _after_current(dataset)
    record_audit(
        request,
        resource_type="dataset_schema_version",
        resource_id=version["datasetSchemaVersionId"],
        action="create",
        team_id=dataset["teamId"],
        changes={"datasetId": dataset["datasetId"], "versionNo": version["versionNo"]},
    )
    return json_response(public(version), 201)


def _version(request: web.Request) -> tuple[Record, Record]:
    version = get_or_404(
        get_state(request).collection(SCHEMA_VERSIONS),
        request.match_info["datasetSchemaVersionId"],
        "schema version",
    )
    return version, dataset_for(request, version["datasetId"])


async def get_schema_version(request: web.Request) -> web.Response:
    """Return one schema version."""
    version, _ = _version(request)
    return json_response(public(version))


async def patch_schema_version(request: web.Request) -> web.Response:
    """Change a schema version's status, columns or parsing options."""
    version, dataset = _version(request)
    body = await parse_body(request, SchemaVersionPatch)
    if "status" in body.model_fields_set and body.status is None:
        raise bad_request(
            "Request body is invalid",
            [{"field": "status", "message": "must not be null", "type": "none_forbidden"}],
        )
    changes: dict[str, Any] = {}
    if body.columns is not None:
        version["columnsJson"] = _columns(body.columns)
        changes["columns"] = len(body.columns)
    if body.parsingOptions is not None:
        version["parsingOptions"] = body.parsingOptions.model_dump(exclude_unset=True)
        changes["parsingOptions"] = version["parsingOptions"]
    if body.status is not None and body.status != version["status"]:
        changes["status"] = {"from": version["status"], "to": body.status}
        if body.status == "current":
            make_current(get_state(request), SCHEMA_VERSIONS, dataset, version)
            _after_current(dataset)
        else:
            if version["status"] == "current":
                dataset["currentSchemaVersionId"] = None
                dataset["updatedAt"] = now_iso()
            version["status"] = body.status
    version["updatedAt"] = now_iso()
    record_audit(
        request,
        resource_type="dataset_schema_version",
        resource_id=version["datasetSchemaVersionId"],
        action="update",
        team_id=dataset["teamId"],
        changes=changes,
    )
    return json_response(public(version))


async def list_schema_versions(request: web.Request) -> web.Response:
    """List schema versions of the caller's datasets, filtered."""
    query = parse_query(request, SchemaVersionListQuery)
    datasets = visible_dataset_ids(request, query.datasetIds)
    items = [
        public(v)
        for v in get_state(request).collection(SCHEMA_VERSIONS).values()
        if v["datasetId"] in datasets
        and within(v["datasetSchemaVersionId"], query.datasetSchemaVersionIds)
        and within(v["status"], None if query.status is None else {query.status})
        and within(v["versionNo"], None if query.versionNo is None else {query.versionNo})
    ]
    return json_response(paginate(items, query))


def register(app: web.Application) -> None:
    """Add the dataset schema version routes."""
    base = "/dataset-schema-versions"
    app.router.add_get(base, list_schema_versions, allow_head=False)
    app.router.add_post(base, create_schema_version)
    item = base + "/{datasetSchemaVersionId}"
    app.router.add_get(item, get_schema_version, allow_head=False)
    app.router.add_patch(item, patch_schema_version)
