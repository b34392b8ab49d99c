"""Route family ``pipeline-configuration-versions``: versions of a pipeline's configuration.

* ``GET .../schema`` serves `CONFIGURATION_SCHEMA` (`_pipeline_schema.py`); ``POST
  .../validate`` answers ``{valid, errors, warnings, inputSchema, outputSchema}`` for any object
  (400 only when ``configuration`` is missing or not an object).
* Create and ``PATCH`` reject configurations that break the schema with 400 naming the field
  (``configuration.blocks.<id>.config.<key>``); ``version`` defaults to ``"1.0.0"`` and
  ``connections`` to ``[]``. Versions are numbered 1, 2, ... per pipeline.
* One ``current`` version per pipeline: creating or patching another to ``current`` is 409.
  A current version's configuration cannot change (400), it may only be ``archived`` (moving
  it back to ``draft`` is 400), and it cannot be deleted (400).
* ``POST .../clone`` copies the configuration into a new ``draft`` with the next number.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from aiohttp import web
from pydantic import Field

from ._audit import record_audit
from ._auth import get_state, principal, require_member, scope_team_ids
from ._errors import EmulatorError, bad_request, conflict
from ._ids import new_id, now_iso
from ._lookup import get_or_404, within
from ._pagination import PageQuery, paginate
from ._pipeline_schema import CONFIGURATION_SCHEMA, configuration_errors, validate_configuration
from ._pipelines import CONFIGS, pipeline_for
from ._responses import empty_response, json_response
from ._state import Record, State, public
from ._validation import Body, parse_body, parse_query

Status = Literal["draft", "current", "archived"]


class ConfigCreate(Body):
    """Body of ``POST /pipeline-configuration-versions``."""

    pipelineId: str = Field(min_length=1)
    configuration: dict[str, Any]
    status: Status = "draft"


class ConfigPatch(Body):
    """Body of ``PATCH /pipeline-configuration-versions/{id}``."""

    configuration: dict[str, Any] | None = None
    status: Status | None = None


class ValidateBody(Body):
    """Body of ``POST /pipeline-configuration-versions/validate``."""

    configuration: dict[str, Any]


class CloneBody(Body):
    """Body of ``POST .../{id}/clone`` (no fields)."""


class ConfigListQuery(PageQuery):
    """Query of ``GET /pipeline-configuration-versions``."""

    orderBy: Literal["version", "createdAt", "updatedAt"] | None = None
    pipelineIds: list[str] | None = None
    pipelineConfigurationVersionIds: list[str] | None = None
    teamIds: list[str] | None = None
    status: Status | None = None
    statuses: list[Status] | None = None


def _checked(configuration: dict[str, Any]) -> dict[str, Any]:
    problems = configuration_errors(configuration)
    if problems:
        details = [
            {
                "field": ".".join(["configuration", *(str(p) for p in path)]),
                "message": message,
                "type": "schema",
            }
            for path, message in problems
        ]
        raise bad_request("The configuration does not match the pipeline schema", details)
    return {"version": "1.0.0", "connections": [], **configuration}


def _current_exists(state: State, pipeline_id: str, exclude: str | None = None) -> bool:
    return any(
        v["pipelineId"] == pipeline_id
        and v["status"] == "current"
        and v["pipelineConfigurationVersionId"] != exclude
        for v in state.collection(CONFIGS).values()
    )


def _current_conflict() -> EmulatorError:
    return conflict("Another configuration version of this pipeline is already current")


def _new_version(
    state: State, pipeline: Record, configuration: dict[str, Any], status: str
) -> Record:
    versions = state.collection(CONFIGS)
    numbers = [v["version"] for v in versions.values() if v["pipelineId"] == pipeline["pipelineId"]]
    now = now_iso()
    version: Record = {
        "pipelineConfigurationVersionId": new_id(),
        "pipelineId": pipeline["pipelineId"],
        "configuration": configuration,
        "version": max(numbers, default=0) + 1,
        "status": status,
        "createdAt": now,
        "updatedAt": now,
        "_teamId": pipeline["teamId"],
    }
    versions[version["pipelineConfigurationVersionId"]] = version
    return version


def config_for(request: web.Request, version_id: str) -> Record:
    """Return configuration version `version_id` (404) after checking the caller's team (403)."""
    version = get_or_404(
        get_state(request).collection(CONFIGS), version_id, "pipeline configuration version"
    )
    require_member(request, version["_teamId"])
    return version


def _audit(
    request: web.Request, version: Record, action: Literal["create", "update", "delete"]
) -> None:
    record_audit(
        request,
        resource_type="pipeline_configuration_version",
        resource_id=version["pipelineConfigurationVersionId"],
        action=action,
        team_id=version["_teamId"],
        changes={"status": version["status"], "version": version["version"]},
    )


async def create_config(request: web.Request) -> web.Response:
    """Create a configuration version of a pipeline."""
    body = await parse_body(request, ConfigCreate)
    configuration = _checked(body.configuration)
    pipeline = pipeline_for(request, body.pipelineId)
    state = get_state(request)
    if body.status == "current" and _current_exists(state, pipeline["pipelineId"]):
        raise _current_conflict()
    version = _new_version(state, pipeline, configuration, body.status)
    _audit(request, version, "create")
    return json_response(public(version), 201)


async def clone_config(request: web.Request) -> web.Response:
    """Copy a configuration version into a new draft."""
    source = config_for(request, request.match_info["pipelineConfigurationVersionId"])
    await parse_body(request, CloneBody)
    state = get_state(request)
    pipeline = state.collection("pipelines")[source["pipelineId"]]
    version = _new_version(state, pipeline, copy.deepcopy(source["configuration"]), "draft")
    _audit(request, version, "create")
    return json_response(public(version), 201)


async def get_config_version(request: web.Request) -> web.Response:
    """Return one configuration version."""
    version = config_for(request, request.match_info["pipelineConfigurationVersionId"])
    return json_response(public(version))


async def patch_config(request: web.Request) -> web.Response:
    """Change a configuration version's configuration or status."""
    version = config_for(request, request.match_info["pipelineConfigurationVersionId"])
    body = await parse_body(request, ConfigPatch)
    was = version["status"]
    if body.configuration is not None:
        if was == "current" and body.status in (None, "current"):
            raise bad_request(
                "The configuration of a current version cannot be changed",
                [{"field": "configuration", "message": "version is current", "type": "state"}],
            )
        configuration = _checked(body.configuration)
    if body.status is not None and body.status != was:
        if body.status == "current":
            if _current_exists(get_state(request), version["pipelineId"]):
                raise _current_conflict()
        elif was == "current" and body.status == "draft":
            raise bad_request(
                "A current version can only be archived",
                [
                    {
                        "field": "status",
                        "message": "current -> draft is not allowed",
                        "type": "state",
                    }
                ],
            )
        version["status"] = body.status
    if body.configuration is not None:
        version["configuration"] = configuration
    version["updatedAt"] = now_iso()
    _audit(request, version, "update")
    return json_response(public(version))


async def delete_config(request: web.Request) -> web.Response:
    """Delete a configuration version that is not current."""
    version = config_for(request, request.match_info["pipelineConfigurationVersionId"])
    if version["status"] == "current":
        raise bad_request(
            "A current version cannot be deleted; archive it first",
            [{"field": "status", "message": "version is current", "type": "state"}],
        )
    del get_state(request).collection(CONFIGS)[version["pipelineConfigurationVersionId"]]
    _audit(request, version, "delete")
    return empty_response(200)


async def list_configs(request: web.Request) -> web.Response:
    """List configuration versions of the caller's pipelines, filtered."""
    query = parse_query(request, ConfigListQuery)
    teams = scope_team_ids(request, query.teamIds)
    statuses = set(query.statuses or ()) | ({query.status} if query.status else set())
    items = [
        public(v)
        for v in get_state(request).collection(CONFIGS).values()
        if v["_teamId"] in teams
        and within(v["pipelineId"], query.pipelineIds)
        and within(v["pipelineConfigurationVersionId"], query.pipelineConfigurationVersionIds)
        and within(v["status"], statuses or None)
    ]
    return json_response(paginate(items, query))


async def get_schema(request: web.Request) -> web.Response:
    """Return the pipeline configuration JSON Schema."""
    principal(request)
    return json_response(CONFIGURATION_SCHEMA)


async def validate(request: web.Request) -> web.Response:
    """Check a configuration without storing it."""
    body = await parse_body(request, ValidateBody)
    return json_response(validate_configuration(body.configuration))


def register(app: web.Application) -> None:
    """Add the pipeline configuration version routes."""
    base = "/pipeline-configuration-versions"
    item = base + "/{pipelineConfigurationVersionId}"
    # Fixed paths first, so they are not taken for version ids.
    app.router.add_get(base + "/schema", get_schema, allow_head=False)
    app.router.add_post(base + "/validate", validate)
    app.router.add_get(base, list_configs, allow_head=False)
    app.router.add_post(base, create_config)
    app.router.add_get(item, get_config_version, allow_head=False)
    app.router.add_patch(item, patch_config)
    app.router.add_delete(item, delete_config)
    app.router.add_post(item + "/clone", clone_config)
