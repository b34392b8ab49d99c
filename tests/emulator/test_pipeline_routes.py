from __future__ import annotations

import copy
from typing import Any

import aiohttp
import jsonschema
import pytest
from _http import call
from _pipeline_helpers import CONFIG, CV, CV_ITEM, EX_ITEM, new_config, new_pipeline, run, wait_done

from moderately.testing import Emulator

pytestmark = pytest.mark.anyio


async def test_pipeline_crud_names_and_stats(emu: Emulator, http: aiohttp.ClientSession) -> None:
    p = await call(
        http,
        "POST",
        "/pipelines",
        status=201,
        json={"teamId": emu.team_id, "name": "Ingest", "description": "d"},
    )
    await call(
        http, "POST", "/pipelines", status=409, json={"teamId": emu.team_id, "name": "Ingest"}
    )
    q = await new_pipeline(http, emu.team_id, "Other")
    await call(
        http,
        "PATCH",
        "/pipelines/{pipelineId}",
        q["pipelineId"],
        status=409,
        json={"name": "Ingest"},
    )
    renamed = await call(
        http,
        "PATCH",
        "/pipelines/{pipelineId}",
        p["pipelineId"],
        status=200,
        json={"name": "Ingest 2"},
    )
    assert renamed["name"] == "Ingest 2"
    got = await call(http, "GET", "/pipelines/{pipelineId}", p["pipelineId"], status=200)
    assert (got["totalRuns"], got["successfulRuns"], got["successRate"], got["lastRunAt"]) == (
        0,
        0,
        0,
        None,
    )

    config = await new_config(http, p["pipelineId"])
    emu.register_pipeline_processor(lambda data: 1 / data["n"], p["pipelineId"])
    ok = await run(http, config["pipelineConfigurationVersionId"], {"n": 2})
    bad = await run(http, config["pipelineConfigurationVersionId"], {"n": 0})
    await wait_done(http, ok["pipelineExecutionId"])
    failed, _ = await wait_done(http, bad["pipelineExecutionId"])
    assert failed["status"] == "failed"
    assert "division by zero" in failed["progressData"]["error"]
    got = await call(http, "GET", "/pipelines/{pipelineId}", p["pipelineId"], status=200)
    assert (got["totalRuns"], got["successfulRuns"], got["successRate"]) == (2, 1, 50)
    assert got["lastRunAt"] == bad["createdAt"]

    await call(http, "DELETE", "/pipelines/{pipelineId}", p["pipelineId"], status=200)
    await call(http, "GET", "/pipelines/{pipelineId}", p["pipelineId"], status=404)
    await call(http, "GET", CV_ITEM, config["pipelineConfigurationVersionId"], status=404)
    await call(http, "GET", EX_ITEM, ok["pipelineExecutionId"], status=404)


async def test_list_pipelines_filters(emu: Emulator, http: aiohttp.ClientSession) -> None:
    a = await new_pipeline(http, emu.team_id, "alpha")
    b = await new_pipeline(http, emu.team_id, "Beta")

    async def names(**params: str) -> list[str]:
        page = await call(http, "GET", "/pipelines", status=200, params=params)
        return [p["name"] for p in page["items"]]

    assert await names() == ["alpha", "Beta"]
    assert await names(nameLike="BET") == ["Beta"]
    assert await names(pipelineIds=a["pipelineId"]) == ["alpha"]
    assert await names(teamIds=emu.team_id, orderBy="name", orderDirection="desc") == [
        "Beta",
        "alpha",
    ]
    page = await call(http, "GET", "/pipelines", status=200, params={"pageSize": "1", "page": "2"})
    assert page["items"][0]["pipelineId"] == b["pipelineId"]
    assert page["pagination"]["hasPreviousPage"] is True
    err = await call(http, "GET", "/pipelines", status=400, params={"orderBy": "teamId"})
    assert [d["field"] for d in err["error"]["details"]] == ["orderBy"]
    for body, field in (({"teamId": emu.team_id, "name": ""}, "name"), ({"name": "x"}, "teamId")):
        err = await call(http, "POST", "/pipelines", status=400, json=body)
        assert [d["field"] for d in err["error"]["details"]] == [field]


async def test_configuration_versions(emu: Emulator, http: aiohttp.ClientSession) -> None:
    p = await new_pipeline(http, emu.team_id)
    v1 = await new_config(http, p["pipelineId"], "current")
    assert v1["version"] == 1
    assert v1["configuration"]["version"] == "1.0.0"
    await call(
        http,
        "POST",
        CV,
        status=409,
        json={"pipelineId": p["pipelineId"], "configuration": CONFIG, "status": "current"},
    )
    v2 = await call(
        http, "POST", CV_ITEM + "/clone", v1["pipelineConfigurationVersionId"], status=201
    )
    assert (v2["version"], v2["status"]) == (2, "draft")
    assert v2["pipelineConfigurationVersionId"] != v1["pipelineConfigurationVersionId"]
    assert v2["configuration"] == v1["configuration"]

    changed = copy.deepcopy(CONFIG)
    changed["name"] = "Changed"
    v1_id, v2_id = v1["pipelineConfigurationVersionId"], v2["pipelineConfigurationVersionId"]
    await call(http, "PATCH", CV_ITEM, v1_id, status=400, json={"configuration": changed})
    patched = await call(http, "PATCH", CV_ITEM, v2_id, status=200, json={"configuration": changed})
    assert patched["configuration"]["name"] == "Changed"
    await call(http, "PATCH", CV_ITEM, v2_id, status=409, json={"status": "current"})
    await call(http, "PATCH", CV_ITEM, v1_id, status=400, json={"status": "draft"})
    await call(http, "DELETE", CV_ITEM, v1_id, status=400)
    await call(http, "PATCH", CV_ITEM, v1_id, status=200, json={"status": "archived"})
    await call(http, "PATCH", CV_ITEM, v2_id, status=200, json={"status": "current"})

    async def ids(**params: str) -> list[str]:
        page = await call(http, "GET", CV, status=200, params=params)
        return [v["pipelineConfigurationVersionId"] for v in page["items"]]

    assert await ids() == [v1_id, v2_id]
    assert await ids(orderBy="version", orderDirection="desc") == [v2_id, v1_id]
    assert await ids(status="current") == [v2_id]
    assert await ids(statuses="archived,draft") == [v1_id]
    assert await ids(pipelineIds=p["pipelineId"], teamIds=emu.team_id) == [v1_id, v2_id]
    assert await ids(pipelineConfigurationVersionIds=v1_id) == [v1_id]
    await call(http, "DELETE", CV_ITEM, v1_id, status=200)
    await call(http, "GET", CV_ITEM, v1_id, status=404)
    err = await call(http, "GET", CV, status=400, params={"statuses": "live"})
    assert err["error"]["details"][0]["field"].startswith("statuses")


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda c: c.pop("name"), "configuration.name"),
        (
            lambda c: c["blocks"]["llm"]["config"].pop("provider"),
            "configuration.blocks.llm.config.provider",
        ),
        (
            lambda c: c["blocks"]["llm"]["config"].update(temperature=3),
            "configuration.blocks.llm.config.temperature",
        ),
        (lambda c: c["blocks"]["in"].update(type="teleport"), "configuration.blocks.in.type"),
        (
            lambda c: c["connections"][0].pop("target_port"),
            "configuration.connections.0.target_port",
        ),
    ],
)
async def test_configuration_must_match_the_schema(
    emu: Emulator, http: aiohttp.ClientSession, mutate: Any, field: str
) -> None:
    p = await new_pipeline(http, emu.team_id)
    config = copy.deepcopy(CONFIG)
    mutate(config)
    err = await call(
        http, "POST", CV, status=400, json={"pipelineId": p["pipelineId"], "configuration": config}
    )
    assert [d["field"] for d in err["error"]["details"]] == [field]
    # The published schema agrees with the emulator's own check.
    schema = await call(http, "GET", CV + "/schema", status=200)
    jsonschema.Draft7Validator.check_schema(schema)
    assert not jsonschema.Draft7Validator(schema).is_valid(config)
    assert jsonschema.Draft7Validator(schema).is_valid(CONFIG)


async def test_validate_reports_blocks_and_connections(http: aiohttp.ClientSession) -> None:
    ok = await call(http, "POST", CV + "/validate", status=200, json={"configuration": CONFIG})
    assert ok["valid"] is True
    assert ok["errors"] == []
    assert ok["inputSchema"] == {"type": "object"}
    assert ok["outputSchema"] == {"type": "string"}
    broken = copy.deepcopy(CONFIG)
    broken["blocks"]["llm"]["config"] = {}
    broken["connections"].append(
        {
            "source_block_id": "out",
            "source_port": "o",
            "target_block_id": "ghost",
            "target_port": "i",
        }
    )
    broken["connections"].append(
        {"source_block_id": "out", "source_port": "o", "target_block_id": "in", "target_port": "i"}
    )
    broken["connections"].append(dict(broken["connections"][0]))
    result = await call(http, "POST", CV + "/validate", status=200, json={"configuration": broken})
    assert result["valid"] is False
    kinds = {(e["type"], e["errorType"]) for e in result["errors"]}
    assert kinds == {
        ("block_type_error", "invalid_block"),
        ("connection_error", "unknown_block"),
        ("block_type_error", "cycle"),
    }
    block_error = next(e for e in result["errors"] if e["errorType"] == "invalid_block")
    assert (block_error["blockId"], block_error["blockType"]) == ("llm", "llm")
    assert [w["errorType"] for w in result["warnings"]] == ["duplicate"]
    err = await call(http, "POST", CV + "/validate", status=400, json={"configuration": "x"})
    assert [d["field"] for d in err["error"]["details"]] == ["configuration"]


async def test_pipelines_are_team_scoped(emu: Emulator, http: aiohttp.ClientSession) -> None:
    other = emu.new_identity()
    headers = {"Authorization": f"Bearer {other.api_key}"}
    async with aiohttp.ClientSession(base_url=emu.base_url, headers=headers) as them:
        p = await new_pipeline(them, other.team_id, "theirs")
        c = await new_config(them, p["pipelineId"])
        e = await run(them, c["pipelineConfigurationVersionId"], {})
    pid, cid, eid = p["pipelineId"], c["pipelineConfigurationVersionId"], e["pipelineExecutionId"]
    await call(http, "GET", "/pipelines/{pipelineId}", pid, status=403)
    await call(http, "PATCH", "/pipelines/{pipelineId}", pid, status=403, json={"name": "x"})
    await call(http, "DELETE", "/pipelines/{pipelineId}", pid, status=403)
    await call(http, "POST", "/pipelines", status=403, json={"teamId": other.team_id, "name": "x"})
    await call(http, "GET", "/pipelines", status=403, params={"teamIds": other.team_id})
    await call(http, "GET", CV_ITEM, cid, status=403)
    await call(http, "PATCH", CV_ITEM, cid, status=403, json={"status": "archived"})
    await call(http, "DELETE", CV_ITEM, cid, status=403)
    await call(http, "POST", CV_ITEM + "/clone", cid, status=403)
    await call(http, "POST", CV, status=403, json={"pipelineId": pid, "configuration": CONFIG})
    await call(http, "GET", CV, status=403, params={"teamIds": other.team_id})
    await call(http, "GET", EX_ITEM, eid, status=403)
    await call(http, "PATCH", EX_ITEM, eid, status=403, json={"status": "paused"})
    await call(http, "POST", EX_ITEM + "/cancel", eid, status=403)
    await call(http, "GET", EX_ITEM + "/output", eid, status=403)
    body = {"pipelineConfigurationVersionId": cid, "pipelineInput": {}, "pipelineInputSummary": "s"}
    await call(http, "POST", "/pipeline-executions", status=403, json=body)
    await call(http, "GET", "/pipeline-executions", status=403, params={"teamIds": other.team_id})
    for path in ("/pipelines", CV, "/pipeline-executions"):
        assert (await call(http, "GET", path, status=200))["items"] == []
