from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from _http import call

from moderately.testing import Emulator

pytestmark = pytest.mark.anyio

COLUMNS = [
    {"name": "id", "type": "integer", "nullable": False},
    {
        "name": "text",
        "type": "string",
        "nullable": True,
        "operations": [{"type": "strip_whitespace"}],
    },
]


async def new_dataset(http: aiohttp.ClientSession, team_id: str, name: str, **extra: Any) -> Any:
    body = {"teamId": team_id, "name": name, **extra}
    return await call(http, "POST", "/datasets", status=201, json=body)


async def upload_data(
    http: aiohttp.ClientSession,
    anon: aiohttp.ClientSession,
    dataset_id: str,
    data: bytes,
    file_type: str = "csv",
) -> Any:
    created = await call(
        http,
        "POST",
        "/dataset-data-versions",
        status=201,
        json={"datasetId": dataset_id, "fileType": file_type, "fileName": "rows.csv"},
    )
    async with anon.put(created["uploadUrl"], data=data) as resp:
        assert resp.status == 200
    return await call(
        http,
        "POST",
        "/dataset-data-versions/{dataVersionId}/complete",
        created["dataVersion"]["datasetDataVersionId"],
        status=200,
        json={},
    )


async def wait_processing(http: aiohttp.ClientSession, dataset_id: str) -> list[str]:
    seen: list[str] = []
    for _ in range(200):
        ds = await call(http, "GET", "/datasets/{datasetId}", dataset_id, status=200)
        if not seen or seen[-1] != ds["processingStatus"]:
            seen.append(ds["processingStatus"])
        if ds["processingStatus"] in ("completed", "failed"):
            return seen
        await asyncio.sleep(0.005)
    raise AssertionError(f"processing did not finish: {seen}")


def row_count(emu: Emulator, version_id: str) -> int | None:
    count: int | None = emu.state.collection("dataset_data_versions")[version_id]["_rowCount"]
    return count


async def test_dataset_crud_and_conflicts(emu: Emulator, http: aiohttp.ClientSession) -> None:
    ds = await new_dataset(http, emu.team_id, "Tickets", description="support tickets")
    assert ds["processingStatus"] is None
    assert ds["currentDataVersionId"] is None
    await call(
        http, "POST", "/datasets", status=409, json={"teamId": emu.team_id, "name": "Tickets"}
    )
    other = await new_dataset(http, emu.team_id, "Other")
    body = await call(
        http,
        "PATCH",
        "/datasets/{datasetId}",
        other["datasetId"],
        status=400,
        json={"name": "Tickets"},
    )
    assert body["error"]["details"][0]["field"] == "name"
    patched = await call(
        http,
        "PATCH",
        "/datasets/{datasetId}",
        ds["datasetId"],
        status=200,
        json={"name": "Tickets v2", "description": "renamed"},
    )
    assert (patched["name"], patched["description"]) == ("Tickets v2", "renamed")
    assert await call(http, "GET", "/datasets/{datasetId}", ds["datasetId"], status=200) == patched
    # Nothing to process yet.
    await call(
        http,
        "PATCH",
        "/datasets/{datasetId}",
        ds["datasetId"],
        status=400,
        json={"shouldProcess": True},
    )
    deleted = await call(http, "DELETE", "/datasets/{datasetId}", ds["datasetId"], status=200)
    assert deleted["success"] is True
    await call(http, "GET", "/datasets/{datasetId}", ds["datasetId"], status=404)


async def test_list_datasets_filters(emu: Emulator, http: aiohttp.ClientSession) -> None:
    a = await new_dataset(http, emu.team_id, "alpha")
    b = await new_dataset(http, emu.team_id, "Beta")
    c = await new_dataset(http, emu.team_id, "alphabet")

    async def names(**params: str) -> list[str]:
        page = await call(http, "GET", "/datasets", status=200, params=params)
        return [d["name"] for d in page["items"]]

    assert await names() == ["alpha", "Beta", "alphabet"]
    assert await names(nameLike="ALPHA") == ["alpha", "alphabet"]
    assert await names(name="alpha") == ["alpha"]
    assert await names(datasetIds=f"{b['datasetId']},{c['datasetId']}") == ["Beta", "alphabet"]
    assert await names(teamIds=emu.team_id, orderBy="name", orderDirection="desc") == [
        "Beta",
        "alphabet",
        "alpha",
    ]
    page = await call(http, "GET", "/datasets", status=200, params={"pageSize": "2"})
    assert page["pagination"]["totalPages"] == 2
    assert page["pagination"]["hasNextPage"] is True
    assert set(page["items"][0]) == {
        "datasetId",
        "teamId",
        "name",
        "description",
        "createdAt",
        "updatedAt",
        "currentSchemaVersionId",
        "currentDataVersionId",
    }
    assert a["datasetId"] in {d["datasetId"] for d in page["items"]}
    for params, field in (({"orderBy": "size"}, "orderBy"), ({"page": "0"}, "page")):
        body = await call(http, "GET", "/datasets", status=400, params=params)
        assert [d["field"] for d in body["error"]["details"]] == [field]
    body = await call(http, "POST", "/datasets", status=400, json={"teamId": emu.team_id})
    assert [d["field"] for d in body["error"]["details"]] == ["name"]


async def test_data_version_upload_counts_rows_and_processes(
    emu: Emulator, http: aiohttp.ClientSession, anon: aiohttp.ClientSession
) -> None:
    ds = await new_dataset(http, emu.team_id, "rows")
    csv_bytes = b'\xef\xbb\xbfid,text\r\n1,hello\r\n2,"multi\nline"\r\n\r\n3,bye\r\n'
    first = await upload_data(http, anon, ds["datasetId"], csv_bytes)
    assert first["status"] == "current"
    assert first["versionNo"] == 1
    assert row_count(emu, first["datasetDataVersionId"]) == 3
    seen = await wait_processing(http, ds["datasetId"])
    assert seen[-1] == "completed"
    assert set(seen) <= {"needs-processing", "in_progress", "completed"}
    got = await call(http, "GET", "/datasets/{datasetId}", ds["datasetId"], status=200)
    assert got["currentDataVersionId"] == first["datasetDataVersionId"]
    assert got["activeDataVersionId"] == first["datasetDataVersionId"]

    second = await upload_data(http, anon, ds["datasetId"], b"a;b\n1;2\n")
    assert second["versionNo"] == 2
    old = await call(
        http,
        "GET",
        "/dataset-data-versions/{datasetDataVersionId}",
        first["datasetDataVersionId"],
        status=200,
    )
    assert old["status"] == "archived"
    # Completing again changes nothing.
    again = await call(
        http,
        "POST",
        "/dataset-data-versions/{dataVersionId}/complete",
        second["datasetDataVersionId"],
        status=200,
    )
    assert again == second

    link = await call(
        http,
        "GET",
        "/dataset-data-versions/{dataVersionId}/download",
        first["datasetDataVersionId"],
        status=200,
    )
    async with anon.get(link["downloadUrl"]) as resp:
        assert await resp.read() == csv_bytes


async def test_row_count_follows_parsing_options(
    emu: Emulator, http: aiohttp.ClientSession, anon: aiohttp.ClientSession
) -> None:
    ds = await new_dataset(http, emu.team_id, "options")
    await call(
        http,
        "POST",
        "/dataset-schema-versions",
        status=201,
        json={
            "datasetId": ds["datasetId"],
            "columns": COLUMNS,
            "status": "current",
            "parsingOptions": {"delimiter": ";", "headerRow": 2, "skipRows": [0]},
        },
    )
    data = b"title line\nid;text\n1;skipped\n2;a\n3;b\n"
    version = await upload_data(http, anon, ds["datasetId"], data)
    assert row_count(emu, version["datasetDataVersionId"]) == 2


async def test_processing_failure_and_reprocess(
    emu: Emulator, http: aiohttp.ClientSession, anon: aiohttp.ClientSession
) -> None:
    emu.config.data.dataset_processing_outcome = "failed"
    ds = await new_dataset(http, emu.team_id, "failing")
    await upload_data(http, anon, ds["datasetId"], b"x\n1\n")
    assert (await wait_processing(http, ds["datasetId"]))[-1] == "failed"
    emu.config.data.dataset_processing_outcome = "completed"
    # A new current schema means the data must be processed again.
    schema = await call(
        http,
        "POST",
        "/dataset-schema-versions",
        status=201,
        json={"datasetId": ds["datasetId"], "columns": COLUMNS, "status": "current"},
    )
    got = await call(http, "GET", "/datasets/{datasetId}", ds["datasetId"], status=200)
    assert got["processingStatus"] == "needs-processing"
    assert got["currentSchemaVersionId"] == schema["datasetSchemaVersionId"]
    patched = await call(
        http,
        "PATCH",
        "/datasets/{datasetId}",
        ds["datasetId"],
        status=200,
        json={"shouldProcess": True},
    )
    assert patched["processingStatus"] == "in_progress"
    assert (await wait_processing(http, ds["datasetId"]))[-1] == "completed"
    got = await call(http, "GET", "/datasets/{datasetId}", ds["datasetId"], status=200)
    assert got["activeDataSchemaVersionId"] == schema["datasetSchemaVersionId"]


async def test_schema_versions(emu: Emulator, http: aiohttp.ClientSession) -> None:
    ds = await new_dataset(http, emu.team_id, "schemas")
    v1 = await call(
        http,
        "POST",
        "/dataset-schema-versions",
        status=201,
        json={"datasetId": ds["datasetId"], "columns": COLUMNS, "status": "current"},
    )
    assert v1["columnsJson"] == COLUMNS
    assert v1["versionNo"] == 1
    v2 = await call(
        http,
        "POST",
        "/dataset-schema-versions",
        status=201,
        json={"datasetId": ds["datasetId"], "columns": COLUMNS[:1]},
    )
    assert v2["status"] == "draft"
    promoted = await call(
        http,
        "PATCH",
        "/dataset-schema-versions/{datasetSchemaVersionId}",
        v2["datasetSchemaVersionId"],
        status=200,
        json={"status": "current", "parsingOptions": {"delimiter": "\t"}},
    )
    assert promoted["parsingOptions"] == {"delimiter": "\t"}
    old = await call(
        http,
        "GET",
        "/dataset-schema-versions/{datasetSchemaVersionId}",
        v1["datasetSchemaVersionId"],
        status=200,
    )
    assert old["status"] == "archived"

    async def ids(**params: str) -> list[str]:
        page = await call(http, "GET", "/dataset-schema-versions", status=200, params=params)
        return [v["datasetSchemaVersionId"] for v in page["items"]]

    both = [v1["datasetSchemaVersionId"], v2["datasetSchemaVersionId"]]
    assert await ids() == both
    assert (
        await ids(datasetIds=ds["datasetId"], orderBy="versionNo", orderDirection="desc")
        == both[::-1]
    )
    assert await ids(status="current") == both[1:]
    assert await ids(versionNo="1") == both[:1]
    assert await ids(datasetSchemaVersionIds=both[0]) == both[:1]
    archived = await call(
        http,
        "PATCH",
        "/dataset-schema-versions/{datasetSchemaVersionId}",
        v2["datasetSchemaVersionId"],
        status=200,
        json={"status": "archived"},
    )
    assert archived["status"] == "archived"
    got = await call(http, "GET", "/datasets/{datasetId}", ds["datasetId"], status=200)
    assert got["currentSchemaVersionId"] is None

    for body, field in (
        ({"datasetId": ds["datasetId"], "columns": []}, "columns"),
        (
            {"datasetId": ds["datasetId"], "columns": [{"name": "x", "type": "string"}]},
            "columns.0.nullable",
        ),
        ({"datasetId": ds["datasetId"], "columns": COLUMNS, "status": "live"}, "status"),
        ({"datasetId": ds["datasetId"], "columns": COLUMNS + COLUMNS[:1]}, "columns"),
        (
            {
                "datasetId": ds["datasetId"],
                "columns": COLUMNS,
                "parsingOptions": {"encoding": "klingon"},
            },
            "parsingOptions.encoding",
        ),
    ):
        err = await call(http, "POST", "/dataset-schema-versions", status=400, json=body)
        assert [d["field"] for d in err["error"]["details"]] == [field]
    await call(
        http,
        "POST",
        "/dataset-schema-versions",
        status=404,
        json={"datasetId": "nosuchdatasetnosuch00", "columns": COLUMNS},
    )


async def test_data_version_list_and_validation(
    emu: Emulator, http: aiohttp.ClientSession, anon: aiohttp.ClientSession
) -> None:
    ds = await new_dataset(http, emu.team_id, "listing")
    done = await upload_data(http, anon, ds["datasetId"], b"a\n1\n")
    pending = await call(
        http,
        "POST",
        "/dataset-data-versions",
        status=201,
        json={"datasetId": ds["datasetId"], "fileType": "xlsx", "fileName": "sheet.xlsx"},
    )
    draft = pending["dataVersion"]
    assert draft["status"] == "draft"
    assert draft["sourceFileUri"].endswith("/sheet.xlsx")
    assert pending["uploadExpiry"] > draft["createdAt"]

    async def ids(**params: str) -> list[str]:
        page = await call(http, "GET", "/dataset-data-versions", status=200, params=params)
        return [v["datasetDataVersionId"] for v in page["items"]]

    both = [done["datasetDataVersionId"], draft["datasetDataVersionId"]]
    assert await ids() == both
    assert await ids(orderBy="versionNo", orderDirection="desc") == both[::-1]
    assert await ids(datasetIds=ds["datasetId"], status="current") == both[:1]
    assert await ids(fileType="xlsx") == both[1:]
    assert await ids(versionNo="2") == both[1:]
    assert await ids(datasetDataVersionIds=both[0]) == both[:1]
    # Nothing uploaded yet: no completion and no download.
    for template in ("/dataset-data-versions/{dataVersionId}/download",):
        await call(http, "GET", template, both[1], status=400)
    await call(
        http,
        "POST",
        "/dataset-data-versions/{dataVersionId}/complete",
        both[1],
        status=400,
        json={},
    )
    for body, field in (
        ({"datasetId": ds["datasetId"], "fileType": "pdf", "fileName": "x"}, "fileType"),
        ({"datasetId": ds["datasetId"], "fileType": "csv", "fileName": ""}, "fileName"),
        ({"fileType": "csv", "fileName": "x"}, "datasetId"),
    ):
        err = await call(http, "POST", "/dataset-data-versions", status=400, json=body)
        assert [d["field"] for d in err["error"]["details"]] == [field]
    err = await call(http, "GET", "/dataset-data-versions", status=400, params={"versionNo": "0"})
    assert [d["field"] for d in err["error"]["details"]] == ["versionNo"]


async def test_datasets_are_team_scoped(
    emu: Emulator, http: aiohttp.ClientSession, anon: aiohttp.ClientSession
) -> None:
    other = emu.new_identity()
    headers = {"Authorization": f"Bearer {other.api_key}"}
    async with aiohttp.ClientSession(base_url=emu.base_url, headers=headers) as them:
        theirs = await new_dataset(them, other.team_id, "secret")
        version = await upload_data(them, anon, theirs["datasetId"], b"a\n1\n")
        schema = await call(
            them,
            "POST",
            "/dataset-schema-versions",
            status=201,
            json={"datasetId": theirs["datasetId"], "columns": COLUMNS},
        )
    ds_id, dv_id = theirs["datasetId"], version["datasetDataVersionId"]
    await call(http, "GET", "/datasets/{datasetId}", ds_id, status=403)
    await call(http, "PATCH", "/datasets/{datasetId}", ds_id, status=403, json={"name": "x"})
    await call(http, "DELETE", "/datasets/{datasetId}", ds_id, status=403)
    await call(http, "GET", "/datasets", status=403, params={"teamIds": other.team_id})
    await call(http, "POST", "/datasets", status=403, json={"teamId": other.team_id, "name": "x"})
    await call(http, "GET", "/dataset-data-versions/{datasetDataVersionId}", dv_id, status=403)
    await call(http, "GET", "/dataset-data-versions/{dataVersionId}/download", dv_id, status=403)
    await call(
        http, "POST", "/dataset-data-versions/{dataVersionId}/complete", dv_id, status=403, json={}
    )
    await call(http, "GET", "/dataset-data-versions", status=403, params={"datasetIds": ds_id})
    await call(
        http,
        "POST",
        "/dataset-data-versions",
        status=403,
        json={"datasetId": ds_id, "fileType": "csv", "fileName": "x.csv"},
    )
    sv_id = schema["datasetSchemaVersionId"]
    await call(http, "GET", "/dataset-schema-versions/{datasetSchemaVersionId}", sv_id, status=403)
    await call(
        http,
        "PATCH",
        "/dataset-schema-versions/{datasetSchemaVersionId}",
        sv_id,
        status=403,
        json={"status": "current"},
    )
    await call(http, "GET", "/dataset-schema-versions", status=403, params={"datasetIds": ds_id})
    assert (await call(http, "GET", "/dataset-data-versions", status=200))["items"] == []
    assert (await call(http, "GET", "/dataset-schema-versions", status=200))["items"] == []
    await call(http, "GET", "/dataset-data-versions/{datasetDataVersionId}", "x" * 21, status=404)


async def test_dataset_create_replays_with_idempotency_key(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    headers = {"Idempotency-Key": "ds-1"}
    body = {"teamId": emu.team_id, "name": "once"}
    first = await call(http, "POST", "/datasets", status=201, json=body, headers=headers)
    second = await call(http, "POST", "/datasets", status=201, json=body, headers=headers)
    assert first == second
    assert (await call(http, "GET", "/datasets", status=200))["pagination"]["totalItems"] == 1
