from __future__ import annotations

import asyncio
import copy
import json
import time
import urllib.request
from typing import Any

import aiohttp
import jsonschema
import pytest
from _http import call

from moderately.testing import Emulator

pytestmark = pytest.mark.anyio

CONFIG: dict[str, Any] = {
    "id": "summarise",
    "name": "Summarise",
    "blocks": {
        "in": {"id": "in", "type": "input", "config": {"json_schema": {"type": "object"}}},
        "llm": {"id": "llm", "type": "llm", "config": {"provider": "openai", "temperature": 0.5}},
        "out": {"id": "out", "type": "output", "config": {"json_schema": {"type": "string"}}},
    },
    "connections": [
        {
            "source_block_id": "in",
            "source_port": "out",
            "target_block_id": "llm",
            "target_port": "in",
        },
        {
            "source_block_id": "llm",
            "source_port": "out",
            "target_block_id": "out",
            "target_port": "in",
        },
    ],
}
CV = "/pipeline-configuration-versions"
CV_ITEM = CV + "/{pipelineConfigurationVersionId}"
EX_ITEM = "/pipeline-executions/{pipelineExecutionId}"


async def new_pipeline(http: aiohttp.ClientSession, team_id: str, name: str = "p") -> Any:
    return await call(
        http, "POST", "/pipelines", status=201, json={"teamId": team_id, "name": name}
    )


async def new_config(http: aiohttp.ClientSession, pipeline_id: str, status: str = "current") -> Any:
    body = {"pipelineId": pipeline_id, "configuration": CONFIG, "status": status}
    return await call(http, "POST", CV, status=201, json=body)


async def run(
    http: aiohttp.ClientSession, config_id: str, data: dict[str, Any], **extra: Any
) -> Any:
    body = {
        "pipelineConfigurationVersionId": config_id,
        "pipelineInput": data,
        "pipelineInputSummary": "test input",
        **extra,
    }
    return await call(http, "POST", "/pipeline-executions", status=201, json=body)


async def wait_done(http: aiohttp.ClientSession, execution_id: str) -> tuple[Any, list[str]]:
    seen: list[str] = []
    for _ in range(400):
        ex = await call(http, "GET", EX_ITEM, execution_id, status=200)
        if not seen or seen[-1] != ex["status"]:
            seen.append(ex["status"])
        if ex["status"] in ("completed", "failed", "cancelled"):
            return ex, seen
        await asyncio.sleep(0.005)
    raise AssertionError(f"execution did not finish: {seen}")


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


async def test_execution_progresses_and_outputs_inline(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    emu.config.data.pipeline_execution.steps = 4
    emu.config.data.pipeline_execution.step_seconds = 0.02
    p = await new_pipeline(http, emu.team_id)
    config = await new_config(http, p["pipelineId"])
    ex = await run(http, config["pipelineConfigurationVersionId"], {"text": "hi"})
    assert (ex["status"], ex["currentStep"], ex["totalSteps"], ex["startedAt"]) == (
        "pending",
        0,
        4,
        None,
    )
    await call(http, "GET", EX_ITEM + "/output", ex["pipelineExecutionId"], status=404)
    steps: set[int] = set()
    statuses: list[str] = []
    for _ in range(400):
        cur = await call(http, "GET", EX_ITEM, ex["pipelineExecutionId"], status=200)
        if not statuses or statuses[-1] != cur["status"]:
            statuses.append(cur["status"])
        if cur["status"] == "running":
            steps.add(cur["currentStep"])
            assert cur["progressData"]["percentage"] == round(100 * cur["currentStep"] / 4)
        if cur["status"] == "completed":
            break
        await asyncio.sleep(0.003)
    assert statuses == ["pending", "running", "completed"]
    assert len(steps) >= 2
    assert cur["currentStep"] == 4
    assert cur["progressData"]["percentage"] == 100
    assert cur["startedAt"] <= cur["completedAt"]
    assert cur["pipelineOutput"] == {"echo": {"text": "hi"}, "fieldCount": 1}
    out = await call(http, "GET", EX_ITEM + "/output", ex["pipelineExecutionId"], status=200)
    assert out == {
        "type": "inline",
        "data": cur["pipelineOutput"],
        "summary": cur["pipelineOutputSummary"],
    }


async def test_large_output_is_served_by_presigned_url(
    emu: Emulator, http: aiohttp.ClientSession, anon: aiohttp.ClientSession
) -> None:
    emu.config.data.inline_output_max_bytes = 100

    async def big(data: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(0)
        return {"rows": [data["word"]] * 50}

    emu.register_pipeline_processor(big)
    p = await new_pipeline(http, emu.team_id)
    config = await new_config(http, p["pipelineId"])
    ex = await run(http, config["pipelineConfigurationVersionId"], {"word": "hello"})
    done, _ = await wait_done(http, ex["pipelineExecutionId"])
    assert done["pipelineOutput"] is None
    assert done["pipelineOutputFileUri"].endswith("/output.json")
    out = await call(http, "GET", EX_ITEM + "/output", ex["pipelineExecutionId"], status=200)
    assert out["type"] == "s3"
    assert out["metadata"]["fileType"] == "json"
    async with anon.get(out["downloadUrl"]) as resp:
        payload = await resp.read()
    assert json.loads(payload) == {"rows": ["hello"] * 50}
    assert out["metadata"]["fileSizeBytes"] == len(payload)


async def test_cancel_and_worker_patch(emu: Emulator, http: aiohttp.ClientSession) -> None:
    emu.config.data.pipeline_execution.pending_seconds = 30
    p = await new_pipeline(http, emu.team_id)
    config = await new_config(http, p["pipelineId"])
    cid = config["pipelineConfigurationVersionId"]
    ex = await run(http, cid, {"a": 1})
    cancelled = await call(
        http,
        "POST",
        EX_ITEM + "/cancel",
        ex["pipelineExecutionId"],
        status=200,
        json={"reason": "no longer needed"},
    )
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancelledAt"] is not None
    assert cancelled["progressData"]["cancellationReason"] == "no longer needed"
    await call(http, "POST", EX_ITEM + "/cancel", ex["pipelineExecutionId"], status=400)
    await call(
        http, "PATCH", EX_ITEM, ex["pipelineExecutionId"], status=400, json={"status": "running"}
    )
    err = await call(
        http,
        "POST",
        EX_ITEM + "/cancel",
        ex["pipelineExecutionId"],
        status=400,
        json={"reason": "x" * 501},
    )
    assert [d["field"] for d in err["error"]["details"]] == ["reason"]

    worked = await run(http, cid, {"a": 2}, totalSteps=5)
    wid = worked["pipelineExecutionId"]
    running = await call(
        http,
        "PATCH",
        EX_ITEM,
        wid,
        status=200,
        json={"status": "running", "currentStep": 2, "progressData": {"p": 40}},
    )
    assert (running["status"], running["currentStep"], running["progressData"]) == (
        "running",
        2,
        {"p": 40},
    )
    assert running["startedAt"] is not None
    done = await call(
        http,
        "PATCH",
        EX_ITEM,
        wid,
        status=200,
        json={
            "status": "completed",
            "pipelineOutput": {"answer": 42},
            "pipelineOutputSummary": "42",
        },
    )
    assert done["completedAt"] is not None
    out = await call(http, "GET", EX_ITEM + "/output", wid, status=200)
    assert out == {"type": "inline", "data": {"answer": 42}, "summary": "42"}
    err = await call(http, "PATCH", EX_ITEM, wid, status=400, json={"status": "exploded"})
    assert [d["field"] for d in err["error"]["details"]] == ["status"]


async def test_list_executions_filters(emu: Emulator, http: aiohttp.ClientSession) -> None:
    p = await new_pipeline(http, emu.team_id, "one")
    q = await new_pipeline(http, emu.team_id, "two")
    cp = await new_config(http, p["pipelineId"])
    cq = await new_config(http, q["pipelineId"])
    e1 = await run(http, cp["pipelineConfigurationVersionId"], {})
    e2 = await run(http, cq["pipelineConfigurationVersionId"], {})
    await wait_done(http, e1["pipelineExecutionId"])
    emu.config.data.pipeline_execution.pending_seconds = 30
    e3 = await run(http, cq["pipelineConfigurationVersionId"], {})
    await wait_done(http, e2["pipelineExecutionId"])
    ids = [e["pipelineExecutionId"] for e in (e1, e2, e3)]

    async def found(**params: str) -> list[str]:
        page = await call(http, "GET", "/pipeline-executions", status=200, params=params)
        return [e["pipelineExecutionId"] for e in page["items"]]

    assert await found() == ids
    assert await found(pipelineIds=q["pipelineId"]) == ids[1:]
    assert (
        await found(pipelineConfigurationVersionIds=cp["pipelineConfigurationVersionId"]) == ids[:1]
    )
    assert await found(pipelineExecutionIds=f"{ids[0]},{ids[2]}") == [ids[0], ids[2]]
    assert await found(status="pending") == ids[2:]
    assert await found(statuses="completed,failed", teamIds=emu.team_id) == ids[:2]
    assert await found(orderBy="createdAt", orderDirection="desc") == ids[::-1]
    page = await call(http, "GET", "/pipeline-executions", status=200, params={"pageSize": "2"})
    assert page["pagination"]["totalPages"] == 2
    err = await call(http, "GET", "/pipeline-executions", status=400, params={"status": "done"})
    assert [d["field"] for d in err["error"]["details"]] == ["status"]
    body = {
        "pipelineConfigurationVersionId": "x" * 21,
        "pipelineInput": {},
        "pipelineInputSummary": "s",
    }
    await call(http, "POST", "/pipeline-executions", status=404, json=body)
    for change, field in (
        ({"pipelineInput": []}, "pipelineInput"),
        ({"totalSteps": 0}, "totalSteps"),
    ):
        err = await call(http, "POST", "/pipeline-executions", status=400, json={**body, **change})
        assert [d["field"] for d in err["error"]["details"]] == [field]


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


async def test_execution_create_replays_with_idempotency_key(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    p = await new_pipeline(http, emu.team_id)
    c = await new_config(http, p["pipelineId"])
    body = {
        "pipelineConfigurationVersionId": c["pipelineConfigurationVersionId"],
        "pipelineInput": {"k": "v"},
        "pipelineInputSummary": "s",
    }
    headers = {"Idempotency-Key": "run-1"}
    first = await call(http, "POST", "/pipeline-executions", status=201, json=body, headers=headers)
    again = await call(http, "POST", "/pipeline-executions", status=201, json=body, headers=headers)
    assert again == first
    page = await call(http, "GET", "/pipeline-executions", status=200)
    assert page["pagination"]["totalItems"] == 1


def test_processor_registered_from_another_thread(moderately_emulator: Emulator) -> None:
    emu = moderately_emulator

    def send(method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(
            emu.base_url + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Authorization": f"Bearer {emu.api_key}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as resp:
            return json.loads(resp.read())

    p = send("POST", "/pipelines", {"teamId": emu.team_id, "name": "threaded"})
    emu.register_pipeline_processor(lambda data: {"upper": data["s"].upper()}, p["pipelineId"])
    c = send("POST", CV, {"pipelineId": p["pipelineId"], "configuration": CONFIG})
    body = {
        "pipelineConfigurationVersionId": c["pipelineConfigurationVersionId"],
        "pipelineInput": {"s": "abc"},
        "pipelineInputSummary": "s",
    }
    ex = send("POST", "/pipeline-executions", body)
    for _ in range(200):
        got = send("GET", f"/pipeline-executions/{ex['pipelineExecutionId']}")
        if got["status"] == "completed":
            break
        time.sleep(0.01)
    assert got["pipelineOutput"] == {"upper": "ABC"}
