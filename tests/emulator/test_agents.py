from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from _http import call

from moderately.testing import Emulator, ExecutionTiming
from moderately.testing._agent_runs import EXECUTIONS, advance, memory_states_of

pytestmark = pytest.mark.anyio


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def config_body(agent_id: str, version: int = 1, current: bool = True) -> dict[str, Any]:
    return {
        "agentId": agent_id,
        "instructions": "Answer support tickets",
        "inputSchema": {"type": "object"},
        "outputSchema": {"type": "object"},
        "versionNumber": version,
        "isCurrent": current,
        "systemPrompt": None,
        "llmConfig": {
            "thought_llm": {
                "provider": "anthropic",
                "model_tier": "large",
                "model_config": {"temperature": 0},
            }
        },
        "toolConfig": [{"type": "GetDateTool"}],
        "executionConfig": {"max_actions": 5},
    }


async def new_agent(http: aiohttp.ClientSession, team_id: str, name: str) -> dict[str, Any]:
    body: dict[str, Any] = await call(
        http, "POST", "/agents", status=201, json={"teamId": team_id, "name": name}
    )
    return body


async def new_config(
    http: aiohttp.ClientSession, agent_id: str, version: int = 1, current: bool = True
) -> dict[str, Any]:
    body: dict[str, Any] = await call(
        http,
        "POST",
        "/agent-configuration-versions",
        status=201,
        json=config_body(agent_id, version, current),
    )
    return body


async def start(http: aiohttp.ClientSession, config_id: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = await call(
        http,
        "POST",
        "/agent-executions",
        status=201,
        json={
            "agentConfigurationVersionId": config_id,
            "agentInput": {"q": "hi"},
            "agentInputSummary": "Say hi",
            **extra,
        },
    )
    return body


# --- agents -----------------------------------------------------------------------------------


async def test_agent_crud(emu: Emulator, http: aiohttp.ClientSession) -> None:
    created = await call(
        http,
        "POST",
        "/agents",
        status=201,
        json={"teamId": emu.team_id, "name": "Support", "description": "Tickets"},
    )
    agent_id = created["agentId"]
    got = await call(http, "GET", "/agents/{agentId}", agent_id, status=200)
    assert got["totalRuns"] == 0
    assert got["lastRunAt"] is None
    assert got["description"] == "Tickets"
    patched = await call(
        http, "PATCH", "/agents/{agentId}", agent_id, status=200, json={"description": None}
    )
    assert patched["description"] is None
    assert patched["name"] == "Support"
    await call(http, "DELETE", "/agents/{agentId}", agent_id, status=200)
    await call(http, "GET", "/agents/{agentId}", agent_id, status=404)
    entries = await call(
        http, "GET", "/audit-logs/entity/{entityType}/{entityId}", "agent", agent_id, status=200
    )
    assert [e["action"] for e in entries["items"]] == ["create", "update", "delete"]


async def test_duplicate_agent_names_conflict_within_a_team(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    await new_agent(http, emu.team_id, "Support")
    body = await call(
        http, "POST", "/agents", status=409, json={"teamId": emu.team_id, "name": "Support"}
    )
    assert body["error"]["code"] == "conflict"
    other = await new_agent(http, emu.team_id, "Sales")
    await call(
        http,
        "PATCH",
        "/agents/{agentId}",
        other["agentId"],
        status=409,
        json={"name": "Support"},
        contract=False,
    )  # the contract lists no 409 here
    team = await call(http, "POST", "/teams", status=200, json={"name": "Elsewhere"})
    await new_agent(http, team["teamId"], "Support")  # other team: fine


async def test_agent_validation(emu: Emulator, http: aiohttp.ClientSession) -> None:
    body = await call(
        http,
        "POST",
        "/agents",
        status=400,
        json={"teamId": emu.team_id, "name": "", "description": "x" * 1001},
    )
    assert {d["field"] for d in body["error"]["details"]} == {"name", "description"}
    body = await call(http, "POST", "/agents", status=400, json={"name": 3})
    assert {d["field"] for d in body["error"]["details"]} == {"name", "teamId"}
    async with http.post(
        "/agents", data=b"{not json", headers={"Content-Type": "application/json"}
    ) as resp:
        assert resp.status == 400
        assert (await resp.json())["error"]["code"] == "invalid_json"
    async with http.post("/agents", json=[1, 2]) as resp:
        assert resp.status == 400


async def test_list_agents_filters_and_orders(emu: Emulator, http: aiohttp.ClientSession) -> None:
    team2 = (await call(http, "POST", "/teams", status=200, json={"name": "Two"}))["teamId"]
    a = await new_agent(http, emu.team_id, "Bravo")
    b = await new_agent(http, emu.team_id, "alpha")
    c = await new_agent(http, team2, "Charlie")

    async def names(**params: str) -> list[str]:
        page = await call(http, "GET", "/agents", status=200, params=params)
        return [x["name"] for x in page["items"]]

    assert await names() == ["Bravo", "alpha", "Charlie"]
    assert await names(orderBy="name") == ["alpha", "Bravo", "Charlie"]
    assert await names(orderBy="name", orderDirection="desc") == ["Charlie", "Bravo", "alpha"]
    assert await names(teamIds=team2) == ["Charlie"]
    assert await names(nameLike="RAV") == ["Bravo"]
    assert await names(agentIds=f"{a['agentId']},{c['agentId']}") == ["Bravo", "Charlie"]
    page = await call(
        http,
        "GET",
        "/agents",
        status=200,
        params=[
            ("agentIds", a["agentId"]),
            ("agentIds", b["agentId"]),
            ("pageSize", "1"),
            ("page", "2"),
        ],
    )
    assert [x["agentId"] for x in page["items"]] == [b["agentId"]]
    assert page["pagination"]["hasPreviousPage"] is True
    assert page["pagination"]["hasNextPage"] is False
    await call(http, "GET", "/agents", status=400, params={"orderBy": "description"})


async def test_agents_are_team_scoped(emu: Emulator, http: aiohttp.ClientSession) -> None:
    other = emu.new_identity()
    async with aiohttp.ClientSession(base_url=emu.base_url, headers=bearer(other.api_key)) as s:
        theirs = await new_agent(s, other.team_id, "Theirs")
    mine = await new_agent(http, emu.team_id, "Mine")
    page = await call(http, "GET", "/agents", status=200)
    assert [x["agentId"] for x in page["items"]] == [mine["agentId"]]
    await call(http, "GET", "/agents", status=403, params={"teamIds": other.team_id})
    await call(http, "GET", "/agents/{agentId}", theirs["agentId"], status=403)
    await call(
        http, "PATCH", "/agents/{agentId}", theirs["agentId"], status=403, json={"name": "x"}
    )
    await call(http, "DELETE", "/agents/{agentId}", theirs["agentId"], status=403)
    await call(
        http, "POST", "/agents", status=403, json={"teamId": other.team_id, "name": "Intruder"}
    )


# --- configuration versions -------------------------------------------------------------------


async def test_configuration_versions(emu: Emulator, http: aiohttp.ClientSession) -> None:
    agent = await new_agent(http, emu.team_id, "Support")
    v1 = await new_config(http, agent["agentId"], 1)
    assert v1["isCurrent"] is True
    assert v1["executionConfig"] == {
        "max_actions": 5,
        "planning_interval": 4,
        "feedback_rounds": 0,
        "timeout_minutes": 30,
    }
    assert v1["llmConfig"]["thought_llm"]["model_config"] == {"temperature": 0}
    v2 = await new_config(http, agent["agentId"], 2)
    await call(
        http,
        "POST",
        "/agent-configuration-versions",
        status=409,
        json=config_body(agent["agentId"], 2),
    )
    listed = await call(
        http,
        "GET",
        "/agent-configuration-versions",
        status=200,
        params={"agentIds": agent["agentId"]},
    )
    assert [(c["versionNumber"], c["isCurrent"]) for c in listed] == [(1, False), (2, True)]
    current = await call(
        http, "GET", "/agent-configuration-versions", status=200, params={"isCurrent": "true"}
    )
    assert [c["agentConfigurationVersionId"] for c in current] == [
        v2["agentConfigurationVersionId"]
    ]
    by_number = await call(
        http, "GET", "/agent-configuration-versions", status=200, params={"versionNumbers": "1"}
    )
    assert [c["versionNumber"] for c in by_number] == [1]

    await call(
        http,
        "PATCH",
        "/agent-configuration-versions/{agentConfigurationVersionId}",
        v1["agentConfigurationVersionId"],
        status=200,
        json={"isCurrent": True, "instructions": "Be brief"},
    )
    got = await call(
        http,
        "GET",
        "/agent-configuration-versions/{agentConfigurationVersionId}",
        v1["agentConfigurationVersionId"],
        status=200,
    )
    assert got["isCurrent"] is True
    assert got["instructions"] == "Be brief"
    got2 = await call(
        http,
        "GET",
        "/agent-configuration-versions/{agentConfigurationVersionId}",
        v2["agentConfigurationVersionId"],
        status=200,
    )
    assert got2["isCurrent"] is False


async def test_configuration_version_errors(emu: Emulator, http: aiohttp.ClientSession) -> None:
    agent = await new_agent(http, emu.team_id, "Support")
    await call(
        http,
        "POST",
        "/agent-configuration-versions",
        status=404,
        json=config_body("nosuchagentnosuchagen"),
    )
    bad = config_body(agent["agentId"])
    bad["toolConfig"] = [{"type": "HammerTool"}]
    bad["llmConfig"] = {"thought_llm": {"provider": "acme", "model_tier": "large"}}
    del bad["systemPrompt"]
    body = await call(http, "POST", "/agent-configuration-versions", status=400, json=bad)
    fields = {d["field"] for d in body["error"]["details"]}
    assert fields == {"toolConfig.0.type", "llmConfig.thought_llm.provider", "systemPrompt"}
    await call(
        http,
        "GET",
        "/agent-configuration-versions",
        status=404,
        params={"agentIds": "nosuchagentnosuchagen"},
    )
    other = emu.new_identity()
    async with aiohttp.ClientSession(base_url=emu.base_url, headers=bearer(other.api_key)) as s:
        theirs = await new_agent(s, other.team_id, "Theirs")
        their_config = await new_config(s, theirs["agentId"])
    await call(
        http,
        "POST",
        "/agent-configuration-versions",
        status=403,
        json=config_body(theirs["agentId"]),
    )
    await call(
        http,
        "GET",
        "/agent-configuration-versions",
        status=403,
        params={"agentIds": theirs["agentId"]},
    )
    assert await call(http, "GET", "/agent-configuration-versions", status=200) == []
    await call(
        http,
        "GET",
        "/agent-configuration-versions/{agentConfigurationVersionId}",
        their_config["agentConfigurationVersionId"],
        status=403,
    )
    await call(
        http,
        "PATCH",
        "/agent-configuration-versions/{agentConfigurationVersionId}",
        their_config["agentConfigurationVersionId"],
        status=403,
        json={},
    )


# --- executions -------------------------------------------------------------------------------


async def wait_for(http: aiohttp.ClientSession, execution_id: str, status: str) -> dict[str, Any]:
    for _ in range(200):
        body: dict[str, Any] = await call(
            http, "GET", "/agent-executions/{agentExecutionId}", execution_id, status=200
        )
        if body["status"] == status:
            return body
        await asyncio.sleep(0.01)
    raise AssertionError(f"execution never reached {status}")


async def test_execution_runs_to_completion(emu: Emulator, http: aiohttp.ClientSession) -> None:
    agent = await new_agent(http, emu.team_id, "Support")
    config = await new_config(http, agent["agentId"])
    execution = await start(http, config["agentConfigurationVersionId"])
    assert execution["status"] == "pending"
    assert execution["maxActions"] == 5  # from the configuration's executionConfig
    assert execution["agentInputSchema"] == {"type": "object"}
    done = await wait_for(http, execution["agentExecutionId"], "completed")
    assert done["currentStep"] == 3
    assert done["agentOutput"] is not None
    assert done["startedAt"] <= done["completedAt"]
    assert len(done["thoughts"]) == 3
    states = await call(
        http,
        "GET",
        "/agent-executions/{agentExecutionId}/memory-states",
        execution["agentExecutionId"],
        status=200,
    )
    assert [s["version"] for s in states["items"]] == [1, 2, 3, 4]
    tail = await call(
        http,
        "GET",
        "/agent-executions/{agentExecutionId}/live-tail",
        execution["agentExecutionId"],
        status=200,
    )
    assert tail["totalVersions"] == 4
    assert tail["execution"]["status"] == "completed"
    assert tail["steps"][0]["stepType"] == "task"
    assert tail["steps"][-1]["stepType"] == "final_answer"
    latest = await call(
        http,
        "GET",
        "/agent-executions/{agentExecutionId}/memory-states",
        execution["agentExecutionId"],
        status=200,
        params={"latest": "true"},
    )
    assert [s["version"] for s in latest["items"]] == [4]
    v2 = await call(
        http,
        "GET",
        "/agent-executions/{agentExecutionId}/memory-states/{version}",
        execution["agentExecutionId"],
        "2",
        status=200,
    )
    assert len(v2["state"]["steps"]) == 2
    await call(
        http,
        "GET",
        "/agent-executions/{agentExecutionId}/memory-states/{version}",
        execution["agentExecutionId"],
        "9",
        status=404,
    )
    stats = await call(http, "GET", "/agents/{agentId}", agent["agentId"], status=200)
    assert (stats["totalRuns"], stats["successfulRuns"], stats["successRate"]) == (1, 1, 1)


async def test_memory_states_change_while_running(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    emu.config.agent_execution = ExecutionTiming(pending_seconds=0, step_seconds=0.3, steps=2)
    agent = await new_agent(http, emu.team_id, "Slow")
    config = await new_config(http, agent["agentId"])
    execution = await start(http, config["agentConfigurationVersionId"])
    tail = await call(
        http,
        "GET",
        "/agent-executions/{agentExecutionId}/live-tail",
        execution["agentExecutionId"],
        status=200,
    )
    assert tail["execution"]["status"] == "running"
    assert tail["totalVersions"] == 1
    done = await wait_for(http, execution["agentExecutionId"], "completed")
    assert done["currentStep"] == 2
    tail = await call(
        http,
        "GET",
        "/agent-executions/{agentExecutionId}/live-tail",
        execution["agentExecutionId"],
        status=200,
    )
    assert tail["totalVersions"] == 3


async def test_pending_until_its_time_and_failed_outcome(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    emu.config.agent_execution = ExecutionTiming(pending_seconds=60, step_seconds=1, steps=2)
    agent = await new_agent(http, emu.team_id, "Later")
    config = await new_config(http, agent["agentId"])
    pending = await start(http, config["agentConfigurationVersionId"])
    tail = await call(
        http,
        "GET",
        "/agent-executions/{agentExecutionId}/live-tail",
        pending["agentExecutionId"],
        status=200,
    )
    assert tail["latestMemoryState"] is None
    assert tail["steps"] == []
    emu.config.agent_execution = ExecutionTiming(
        pending_seconds=0, step_seconds=0, steps=1, outcome="failed"
    )
    failed = await start(http, config["agentConfigurationVersionId"])
    got = await wait_for(http, failed["agentExecutionId"], "failed")
    assert got["failedAt"] is not None
    assert got["agentOutput"] is None
    page = await call(
        http, "GET", "/agent-executions", status=200, params={"statuses": "pending,failed"}
    )
    assert {e["status"] for e in page["items"]} == {"pending", "failed"}
    page = await call(
        http, "GET", "/agent-executions", status=200, params={"statuses": "completed"}
    )
    assert page["items"] == []
    await call(http, "GET", "/agent-executions", status=400, params={"statuses": "exploded"})


def test_advance_follows_the_clock() -> None:
    emu = Emulator()
    state = emu.state
    execution = {
        "agentExecutionId": "e",
        "agentInputSummary": "s",
        "status": "pending",
        "startedAt": None,
        "thoughts": [],
        "currentStep": 0,
        "updatedAt": "",
        "completedAt": None,
        "failedAt": None,
        "agentOutput": None,
        "agentOutputSummary": None,
        "_versions": 0,
        "_timing": {
            "pending_seconds": 1.0,
            "step_seconds": 2.0,
            "steps": 3,
            "outcome": "completed",
        },
    }
    from moderately.testing._ids import utcnow

    t0 = utcnow()
    execution["_created"] = t0
    state.collection(EXECUTIONS)["e"] = execution
    advance(state, execution, t0 + timedelta(seconds=0.5))
    assert execution["status"] == "pending"
    advance(state, execution, t0 + timedelta(seconds=3.5))
    assert (execution["status"], execution["currentStep"]) == ("running", 1)
    assert [m["version"] for m in memory_states_of(state, "e")] == [1, 2]
    advance(state, execution, t0 + timedelta(seconds=100))
    assert (execution["status"], execution["currentStep"]) == ("completed", 3)
    assert [m["version"] for m in memory_states_of(state, "e")] == [1, 2, 3, 4]


async def test_execution_filters_and_scoping(emu: Emulator, http: aiohttp.ClientSession) -> None:
    a1 = await new_agent(http, emu.team_id, "One")
    a2 = await new_agent(http, emu.team_id, "Two")
    c1 = await new_config(http, a1["agentId"])
    c2 = await new_config(http, a2["agentId"])
    e1 = await start(http, c1["agentConfigurationVersionId"], maxActions=7.0)
    assert e1["maxActions"] == 7
    e2 = await start(http, c2["agentConfigurationVersionId"])
    await wait_for(http, e1["agentExecutionId"], "completed")
    await wait_for(http, e2["agentExecutionId"], "completed")

    async def ids(**params: str) -> list[str]:
        page = await call(http, "GET", "/agent-executions", status=200, params=params)
        return [e["agentExecutionId"] for e in page["items"]]

    assert await ids() == [e1["agentExecutionId"], e2["agentExecutionId"]]
    assert await ids(agentIds=a2["agentId"]) == [e2["agentExecutionId"]]
    assert await ids(agentConfigurationVersionIds=c1["agentConfigurationVersionId"]) == [
        e1["agentExecutionId"]
    ]
    assert await ids(agentExecutionIds=e2["agentExecutionId"]) == [e2["agentExecutionId"]]
    assert await ids(hasAgentOutput="false") == []
    assert len(await ids(teamIds=emu.team_id, hasAgentOutput="true")) == 2
    page = await call(http, "GET", "/agent-executions", status=200)
    assert page["pagination"]["pageSize"] == 20
    await call(http, "GET", "/agent-executions", status=400, params={"pageSize": "101"})
    await call(
        http,
        "POST",
        "/agent-executions",
        status=400,
        json={
            "agentConfigurationVersionId": c1["agentConfigurationVersionId"],
            "agentInput": {},
            "agentInputSummary": "x",
            "maxActions": 2.5,
        },
    )
    await call(
        http,
        "POST",
        "/agent-executions",
        status=404,
        json={
            "agentConfigurationVersionId": "nonenonenonenonenone0",
            "agentInput": {},
            "agentInputSummary": "x",
        },
    )

    other = emu.new_identity()
    async with aiohttp.ClientSession(base_url=emu.base_url, headers=bearer(other.api_key)) as s:
        assert (await call(s, "GET", "/agent-executions", status=200))["items"] == []
        await call(s, "GET", "/agent-executions", status=403, params={"teamIds": emu.team_id})
        await call(
            s, "GET", "/agent-executions/{agentExecutionId}", e1["agentExecutionId"], status=403
        )
        await call(
            s,
            "GET",
            "/agent-executions/{agentExecutionId}/live-tail",
            e1["agentExecutionId"],
            status=403,
        )
        await call(
            s,
            "GET",
            "/agent-executions/{agentExecutionId}/memory-states",
            e1["agentExecutionId"],
            status=403,
        )
        await call(
            s,
            "POST",
            "/agent-executions",
            status=403,
            json={
                "agentConfigurationVersionId": c1["agentConfigurationVersionId"],
                "agentInput": {},
                "agentInputSummary": "x",
            },
        )


async def test_idempotent_agent_creation_survives_a_dropped_response(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    emu.faults.set(route="POST /agents", drop_after_commit=1.0, times=1)
    headers = {"Idempotency-Key": "create-support"}
    payload = {"teamId": emu.team_id, "name": "Support"}
    with pytest.raises(aiohttp.ClientError):
        async with http.post("/agents", json=payload, headers=headers) as resp:
            await resp.read()
    body = await call(http, "POST", "/agents", status=201, json=payload, headers=headers)
    page = await call(http, "GET", "/agents", status=200)
    assert [a["agentId"] for a in page["items"]] == [body["agentId"]]
    # Without the key the retry would have hit the duplicate-name rule.
    await call(http, "POST", "/agents", status=409, json=payload)
    assert emu.stats.count("POST /agents") == 3
