"""Route family ``datasets``: create, list, get, update (optionally reprocess) and delete.

Names are unique within a team (409 on create, 400 naming ``name`` on rename, since the
contract lists no 409 for PATCH). Deleting a dataset deletes its data and schema versions and
their stored bytes.

``processingStatus`` is computed when a dataset is read, from the instant processing started
(nothing runs in the background). Completing a data version starts a run: ``needs-processing``
for ``DataSettings.dataset_queue_seconds``, ``in_progress`` for ``dataset_processing_seconds``,
then ``dataset_processing_outcome`` (``completed`` or ``failed``). A completed run makes the
versions it processed the ``activeDataVersionId`` / ``activeDataSchemaVersionId``. Making a
schema version current marks a dataset with data ``needs-processing`` until ``PATCH`` with
``shouldProcess: true`` starts a run (straight to ``in_progress``; 400 when there is no data).
A dataset without data has ``processingStatus: null``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from aiohttp import web
from pydantic import Field

from ._audit import record_audit
from ._auth import get_state, require_member, scope_team_ids
from ._config import DataSettings, get_config
from ._errors import bad_request, conflict, forbidden
from ._ids import iso, new_id, now_iso, parse_iso, utcnow
from ._lookup import get_or_404, like, within
from ._pagination import PageQuery, paginate
from ._responses import json_response
from ._state import Record, State, public
from ._storage import blob_store
from ._validation import Body, parse_body, parse_query

DATASETS = "datasets"
DATA_VERSIONS = "dataset_data_versions"
SCHEMA_VERSIONS = "dataset_schema_versions"
# The list route documents fewer fields than the single-dataset routes.
_LIST_FIELDS = (
    "datasetId",
    "teamId",
    "name",
    "description",
    "createdAt",
    "updatedAt",
    "currentSchemaVersionId",
    "currentDataVersionId",
)


class DatasetListQuery(PageQuery):
    """Query of ``GET /datasets``."""

    orderBy: Literal["createdAt", "updatedAt", "name"] | None = None
    datasetIds: list[str] | None = None
    teamIds: list[str] | None = None
    nameLike: str | None = None
    name: str | None = None


class DatasetCreate(Body):
    """Body of ``POST /datasets``."""

    teamId: str = Field(min_length=1)
    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(None, max_length=10000)


class DatasetPatch(Body):
    """Body of ``PATCH /datasets/{datasetId}``."""

    name: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=10000)
    shouldProcess: bool | None = None


def start_processing(dataset: Record, settings: DataSettings, *, queued: bool = True) -> None:
    """Begin a processing run of the dataset's current versions, starting now."""
    dataset["_run"] = {
        "startedAt": now_iso(),
        "queueSeconds": settings.dataset_queue_seconds if queued else 0.0,
        "workSeconds": settings.dataset_processing_seconds,
        "outcome": settings.dataset_processing_outcome,
        "dataVersionId": dataset["currentDataVersionId"],
        "schemaVersionId": dataset["currentSchemaVersionId"],
    }
    dataset["processingStatus"] = "needs-processing" if queued else "in_progress"


def refresh(dataset: Record) -> Record:
    """Bring ``processingStatus`` (and the active versions) up to date; return `dataset`."""
    run = dataset.get("_run")
    if run is None:
        return dataset
    started = parse_iso(run["startedAt"])
    elapsed = (utcnow() - started).total_seconds()
    if elapsed < run["queueSeconds"]:
        dataset["processingStatus"] = "needs-processing"
    elif elapsed < run["queueSeconds"] + run["workSeconds"]:
        dataset["processingStatus"] = "in_progress"
    else:
        dataset["processingStatus"] = run["outcome"]
        if run["outcome"] == "completed":
            dataset["activeDataVersionId"] = run["dataVersionId"]
            dataset["activeDataSchemaVersionId"] = run["schemaVersionId"]
        done = started + timedelta(seconds=run["queueSeconds"] + run["workSeconds"])
        dataset["updatedAt"] = iso(done)
        dataset["_run"] = None
    return dataset


def dataset_for(request: web.Request, dataset_id: str) -> Record:
    """Return dataset `dataset_id` (404) after checking the caller's team (403)."""
    dataset = get_or_404(get_state(request).collection(DATASETS), dataset_id, "dataset")
    require_member(request, dataset["teamId"])
    return refresh(dataset)


def visible_dataset_ids(request: web.Request, requested: list[str] | None) -> set[str]:
    """Return the caller's dataset ids within `requested`; 403 if it names another team's."""
    state = get_state(request)
    teams = scope_team_ids(request, None)
    datasets = state.collection(DATASETS)
    if requested is not None:
        foreign = sorted(
            i for i in requested if i in datasets and datasets[i]["teamId"] not in teams
        )
        if foreign:
            raise forbidden(
                "You are not a member of every requested dataset's team", {"datasetIds": foreign}
            )
    wanted = None if requested is None else set(requested)
    return {
        i for i, d in datasets.items() if d["teamId"] in teams and (wanted is None or i in wanted)
    }


def next_version_no(versions: dict[str, Record], dataset_id: str) -> int:
    """Return the version number following the highest one of `dataset_id` in `versions`."""
    numbers = [v["versionNo"] for v in versions.values() if v["datasetId"] == dataset_id]
    return max(numbers, default=0) + 1


_CURRENT_FIELDS = {
    DATA_VERSIONS: ("datasetDataVersionId", "currentDataVersionId"),
    SCHEMA_VERSIONS: ("datasetSchemaVersionId", "currentSchemaVersionId"),
}


def make_current(state: State, collection: str, dataset: Record, version: Record) -> None:
    """Make `version` (of `collection`) its dataset's current one; archive the previous one."""
    id_key, field = _CURRENT_FIELDS[collection]
    now = now_iso()
    for other in state.collection(collection).values():
        if (
            other["datasetId"] == dataset["datasetId"]
            and other["status"] == "current"
            and other[id_key] != version[id_key]
        ):
            other["status"] = "archived"
            other["updatedAt"] = now
    version["status"] = "current"
    version["updatedAt"] = now
    dataset[field] = version[id_key]
    dataset["updatedAt"] = now


def _name_taken(state: State, team_id: str, name: str, exclude: str | None = None) -> bool:
    return any(
        d["teamId"] == team_id and d["name"] == name and d["datasetId"] != exclude
        for d in state.collection(DATASETS).values()
    )


async def create_dataset(request: web.Request) -> web.Response:
    """Create a dataset in one of the caller's teams."""
    body = await parse_body(request, DatasetCreate)
    require_member(request, body.teamId)
    state = get_state(request)
    if _name_taken(state, body.teamId, body.name):
        raise conflict("A dataset with this name already exists", {"name": body.name})
    now = now_iso()
    dataset: Record = {
        "datasetId": new_id(),
        "teamId": body.teamId,
        "name": body.name,
        "description": body.description,
        "createdAt": now,
        "updatedAt": now,
        "currentSchemaVersionId": None,
        "currentDataVersionId": None,
        "activeDataSchemaVersionId": None,
        "activeDataVersionId": None,
        "processingStatus": None,
        "_run": None,
    }
    state.collection(DATASETS)[dataset["datasetId"]] = dataset
    record_audit(
        request,
        resource_type="dataset",
        resource_id=dataset["datasetId"],
        action="create",
        team_id=body.teamId,
        changes={"name": body.name},
    )
    return json_response(public(dataset), 201)


async def get_dataset(request: web.Request) -> web.Response:
    """Return one dataset."""
    return json_response(public(dataset_for(request, request.match_info["datasetId"])))


async def patch_dataset(request: web.Request) -> web.Response:
    """Rename or describe a dataset, or start processing it."""
    dataset = dataset_for(request, request.match_info["datasetId"])
    body = await parse_body(request, DatasetPatch)
    state = get_state(request)
    changes: dict[str, Any] = {}
    if body.name is not None and body.name != dataset["name"]:
        if _name_taken(state, dataset["teamId"], body.name, exclude=dataset["datasetId"]):
            raise bad_request(
                "A dataset with this name already exists",
                [{"field": "name", "message": "name already in use", "type": "unique"}],
            )
        changes["name"] = {"from": dataset["name"], "to": body.name}
        dataset["name"] = body.name
    if "description" in body.model_fields_set and body.description != dataset["description"]:
        changes["description"] = {"from": dataset["description"], "to": body.description}
        dataset["description"] = body.description
    if body.shouldProcess:
        if dataset["currentDataVersionId"] is None:
            raise bad_request(
                "The dataset has no current data version to process",
                [{"field": "shouldProcess", "message": "no data to process", "type": "state"}],
            )
        start_processing(dataset, get_config(request).data, queued=False)
        changes["processingStatus"] = "in_progress"
    dataset["updatedAt"] = now_iso()
    record_audit(
        request,
        resource_type="dataset",
        resource_id=dataset["datasetId"],
        action="update",
        team_id=dataset["teamId"],
        changes=changes,
    )
    return json_response(public(dataset))


async def delete_dataset(request: web.Request) -> web.Response:
    """Delete a dataset with its versions and stored bytes."""
    dataset = dataset_for(request, request.match_info["datasetId"])
    state = get_state(request)
    dataset_id = dataset["datasetId"]
    store = blob_store(request)
    data_versions = state.collection(DATA_VERSIONS)
    for version_id in [v for v, d in data_versions.items() if d["datasetId"] == dataset_id]:
        store.delete(data_versions.pop(version_id)["_key"])
    schemas = state.collection(SCHEMA_VERSIONS)
    for version_id in [v for v, s in schemas.items() if s["datasetId"] == dataset_id]:
        del schemas[version_id]
    del state.collection(DATASETS)[dataset_id]
    record_audit(
        request,
        resource_type="dataset",
        resource_id=dataset_id,
        action="delete",
        team_id=dataset["teamId"],
    )
    return json_response({"success": True, "message": "Dataset deleted"})


async def list_datasets(request: web.Request) -> web.Response:
    """List datasets of the caller's teams, filtered."""
    query = parse_query(request, DatasetListQuery)
    teams = scope_team_ids(request, query.teamIds)
    items = [
        {k: refresh(d)[k] for k in _LIST_FIELDS}
        for d in get_state(request).collection(DATASETS).values()
        if d["teamId"] in teams
        and within(d["datasetId"], query.datasetIds)
        and like(d["name"], query.nameLike)
        and (query.name is None or d["name"] == query.name)
    ]
    return json_response(paginate(items, query))


def register(app: web.Application) -> None:
    """Add the dataset routes."""
    app.router.add_get("/datasets", list_datasets, allow_head=False)
    app.router.add_post("/datasets", create_dataset)
    app.router.add_get("/datasets/{datasetId}", get_dataset, allow_head=False)
    app.router.add_patch("/datasets/{datasetId}", patch_dataset)
    app.router.add_delete("/datasets/{datasetId}", delete_dataset)
