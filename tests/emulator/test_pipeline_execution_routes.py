from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from typing import Any

import aiohttp
import pytest
from _http import call
from _pipeline_helpers import CONFIG, CV, EX_ITEM, new_config, new_pipeline, run, wait_done

from moderately.testing import Emulator

pytestmark = pytest.mark.anyio


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
