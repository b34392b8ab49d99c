"""Every files, datasets and pipelines route, driven once and checked against the contract."""

from __future__ import annotations

import hashlib
from typing import Any

import aiohttp
import pytest
from _contract import assert_contract, load_contract
from _http import call, fill

from moderately.testing import Emulator

pytestmark = pytest.mark.anyio

DATA_PREFIXES = (
    "/files",
    "/datasets",
    "/dataset-data-versions",
    "/dataset-schema-versions",
    "/pipelines",
    "/pipeline-configuration-versions",
    "/pipeline-executions",
)

CONFIG = {
    "id": "c",
    "name": "C",
    "blocks": {"in": {"id": "in", "type": "input", "config": {"json_schema": {}}}},
}


def data_contract_routes() -> set[str]:
    return {
        f"{method.upper()} {template}"
        for template, ops in load_contract()["paths"].items()
        if template.startswith(DATA_PREFIXES)
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    }


class Recorder:
    """Sends requests through `call` and remembers which routes were exercised."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.seen: set[str] = set()

    async def __call__(
        self, method: str, template: str, *values: str, status: int, **kwargs: Any
    ) -> Any:
        self.seen.add(f"{method} {template}")
        return await call(self.session, method, template, *values, status=status, **kwargs)


def test_served_data_routes_all_exist_in_the_contract(moderately_emulator: Emulator) -> None:
    served = {
        r for r in moderately_emulator.routes() if r.split(" ", 1)[1].startswith(DATA_PREFIXES)
    }
    assert served == data_contract_routes()


async def test_every_data_route_answers_as_the_contract_says(
    emu: Emulator, http: aiohttp.ClientSession, anon: aiohttp.ClientSession
) -> None:
    r = Recorder(http)
    team = emu.team_id
    # files
    data = b"id,name\n1,a\n"
    digest = hashlib.sha256(data).hexdigest()
    created = await r(
        "POST",
        "/files/upload-url",
        status=201,
        json={
            "fileName": "a.csv",
            "fileSize": len(data),
            "fileHash": digest,
            "mimeType": "text/csv",
            "teamId": team,
        },
    )
    file_id = created["file"]["fileId"]
    async with anon.put(created["uploadUrl"], data=data) as resp:
        assert resp.status == 200
    await r(
        "POST",
        "/files/{fileId}/complete",
        file_id,
        status=200,
        json={"fileSize": len(data), "fileHash": digest},
    )
    await r("GET", "/files/{fileId}", file_id, status=200)
    await r("GET", "/files/{fileId}/download", file_id, status=200)
    await r("GET", "/files", status=200, params={"uploadStatus": "completed"})
    # datasets
    ds = await r("POST", "/datasets", status=201, json={"teamId": team, "name": "d"})
    ds_id = ds["datasetId"]
    await r("GET", "/datasets", status=200)
    await r("GET", "/datasets/{datasetId}", ds_id, status=200)
    await r("PATCH", "/datasets/{datasetId}", ds_id, status=200, json={"description": "x"})
    schema = await r(
        "POST",
        "/dataset-schema-versions",
        status=201,
        json={
            "datasetId": ds_id,
            "columns": [{"name": "id", "type": "integer", "nullable": False}],
            "parsingOptions": {"skipRows": 0, "headerRow": 1},
        },
    )
    sv_id = schema["datasetSchemaVersionId"]
    await r("GET", "/dataset-schema-versions", status=200)
    await r("GET", "/dataset-schema-versions/{datasetSchemaVersionId}", sv_id, status=200)
    await r(
        "PATCH",
        "/dataset-schema-versions/{datasetSchemaVersionId}",
        sv_id,
        status=200,
        json={"status": "current"},
    )
    dv = await r(
        "POST",
        "/dataset-data-versions",
        status=201,
        json={"datasetId": ds_id, "fileType": "csv", "fileName": "a.csv"},
    )
    dv_id = dv["dataVersion"]["datasetDataVersionId"]
    async with anon.put(dv["uploadUrl"], data=data) as resp:
        assert resp.status == 200
    await r("POST", "/dataset-data-versions/{dataVersionId}/complete", dv_id, status=200, json={})
    await r("GET", "/dataset-data-versions", status=200)
    await r("GET", "/dataset-data-versions/{datasetDataVersionId}", dv_id, status=200)
    await r("GET", "/dataset-data-versions/{dataVersionId}/download", dv_id, status=200)
    # pipelines
    p = await r("POST", "/pipelines", status=201, json={"teamId": team, "name": "p"})
    pid = p["pipelineId"]
    await r("GET", "/pipelines", status=200)
    await r("GET", "/pipelines/{pipelineId}", pid, status=200)
    await r("PATCH", "/pipelines/{pipelineId}", pid, status=200, json={"description": None})
    cv = "/pipeline-configuration-versions"
    item = cv + "/{pipelineConfigurationVersionId}"
    await r("GET", cv + "/schema", status=200)
    await r("POST", cv + "/validate", status=200, json={"configuration": CONFIG})
    v1 = await r(
        "POST",
        cv,
        status=201,
        json={"pipelineId": pid, "configuration": CONFIG, "status": "current"},
    )
    v1_id = v1["pipelineConfigurationVersionId"]
    v2 = await r("POST", item + "/clone", v1_id, status=201)
    await r("GET", cv, status=200)
    await r("GET", item, v1_id, status=200)
    await r(
        "PATCH", item, v2["pipelineConfigurationVersionId"], status=200, json={"status": "archived"}
    )
    ex = await r(
        "POST",
        "/pipeline-executions",
        status=201,
        json={
            "pipelineConfigurationVersionId": v1_id,
            "pipelineInput": {"q": 1},
            "pipelineInputSummary": "q",
            "totalSteps": 2,
        },
    )
    ex_item = "/pipeline-executions/{pipelineExecutionId}"
    ex_id = ex["pipelineExecutionId"]
    await r("GET", "/pipeline-executions", status=200)
    await r("GET", ex_item, ex_id, status=200)
    await r(
        "PATCH",
        ex_item,
        ex_id,
        status=200,
        json={"status": "completed", "pipelineOutput": {"a": 1}},
    )
    await r("GET", ex_item + "/output", ex_id, status=200)
    second = await r(
        "POST",
        "/pipeline-executions",
        status=201,
        json={
            "pipelineConfigurationVersionId": v1_id,
            "pipelineInput": {},
            "pipelineInputSummary": "",
        },
    )
    await r("POST", ex_item + "/cancel", second["pipelineExecutionId"], status=200, json={})
    # deletions last
    await r("DELETE", item, v2["pipelineConfigurationVersionId"], status=200)
    await r("DELETE", "/pipelines/{pipelineId}", pid, status=200)
    await r("DELETE", "/datasets/{datasetId}", ds_id, status=200)
    await r("DELETE", "/files/{fileId}", file_id, status=204)

    assert r.seen == data_contract_routes()


async def test_data_routes_answer_401_in_the_envelope(anon: aiohttp.ClientSession) -> None:
    for route in sorted(data_contract_routes()):
        method, template = route.split(" ", 1)
        path = fill(template, *(["abcdefghijklmnopqrstu"] * template.count("{")))
        async with anon.request(method, path) as resp:
            assert resp.status == 401, f"{method} {template}"
            body = await resp.json()
        if "401" in load_contract()["paths"][template][method.lower()]["responses"]:
            assert_contract(method, template, 401, body)
        assert body["error"]["code"] == "unauthorized"


async def test_data_routes_answer_404_in_the_envelope(http: aiohttp.ClientSession) -> None:
    missing = "abcdefghijklmnopqrstu"
    for route in sorted(data_contract_routes()):
        method, template = route.split(" ", 1)
        if "{" not in template:
            continue
        async with http.request(method, fill(template, missing), json={}) as resp:
            body = await resp.json()
        assert resp.status == 404, f"{method} {template}: {body}"
        assert_contract(method, template, 404, body)
