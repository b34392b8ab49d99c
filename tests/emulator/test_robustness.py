from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moderately.testing import Emulator

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)


def send(emu: Emulator, method: str, path: str, body: bytes | None = None) -> int:
    request = urllib.request.Request(
        emu.base_url + path,
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {emu.api_key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as err:
        payload = json.loads(err.read())
        assert set(payload["error"]) >= {"code", "message", "timestamp", "path", "requestId"}
        return int(err.code)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.dictionaries(
        st.sampled_from(
            [
                "teamId",
                "name",
                "description",
                "agentId",
                "versionNumber",
                "isCurrent",
                "llmConfig",
                "toolConfig",
                "agentInput",
                "maxActions",
                "role",
                "expiresAt",
                "isActive",
            ]
        ),
        json_values,
        max_size=6,
    ),
    route=st.sampled_from(
        ["/agents", "/teams", "/api-tokens", "/agent-configuration-versions", "/agent-executions"]
    ),
)
def test_random_bodies_never_cause_a_500(
    moderately_emulator_session: Emulator, body: dict[str, Any], route: str
) -> None:
    status = send(moderately_emulator_session, "POST", route, json.dumps(body).encode())
    assert status < 500


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "page",
                "pageSize",
                "orderBy",
                "orderDirection",
                "teamIds",
                "agentIds",
                "nameLike",
                "statuses",
                "isCurrent",
                "hasAgentOutput",
                "startDate",
                "latest",
                "version",
            ]
        ),
        st.text(max_size=12),
        max_size=5,
    ),
    route=st.sampled_from(
        [
            "/agents",
            "/users",
            "/teams",
            "/team-users",
            "/audit-logs",
            "/agent-executions",
            "/agent-configuration-versions",
        ]
    ),
)
def test_random_queries_never_cause_a_500(
    moderately_emulator_session: Emulator, params: dict[str, str], route: str
) -> None:
    from urllib.parse import urlencode

    status = send(moderately_emulator_session, "GET", f"{route}?{urlencode(params)}")
    assert status in (200, 400, 403, 404)


@pytest.mark.anyio
async def test_thread_mode_emulator_serves_an_async_test(moderately_emulator: Emulator) -> None:
    headers = {"Authorization": f"Bearer {moderately_emulator.api_key}"}
    async with aiohttp.ClientSession(headers=headers) as s:
        async with s.get(f"{moderately_emulator.base_url}/authentication/whoami") as resp:
            assert (await resp.json())["userId"] == moderately_emulator.user_id
        # State changes made from the test thread are applied on the emulator's loop.
        team_id = moderately_emulator.create_team("From the test thread")
        async with s.get(f"{moderately_emulator.base_url}/teams/{team_id}") as resp:
            assert resp.status == 200


@pytest.mark.anyio
async def test_concurrent_requests_with_one_key_have_one_effect(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    emu.faults.set(route="POST /agents", latency=0.05)
    headers = {"Idempotency-Key": "same"}
    payload = {"teamId": emu.team_id, "name": "Once"}

    async def post() -> tuple[int, str, str | None]:
        async with http.post("/agents", json=payload, headers=headers) as resp:
            return (
                resp.status,
                (await resp.json())["agentId"],
                resp.headers.get("Idempotent-Replayed"),
            )

    results = await asyncio.gather(*(post() for _ in range(4)))
    assert {r[0] for r in results} == {201}
    assert len({r[1] for r in results}) == 1
    assert sorted(r[2] or "" for r in results) == ["", "true", "true", "true"]
    assert len(emu.state.collection("agents")) == 1


@pytest.mark.anyio
async def test_drop_before_handler_changes_nothing(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    emu.faults.set(route="POST /agents", drop_before=1.0, times=1)
    with pytest.raises(aiohttp.ClientError):
        async with http.post("/agents", json={"teamId": emu.team_id, "name": "X"}) as resp:
            await resp.read()
    assert emu.state.collection("agents") == {}
    async with http.post("/agents", json={"teamId": emu.team_id, "name": "X"}) as resp:
        assert resp.status == 201


def test_command_line_prints_how_to_connect() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "moderately.testing", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(6)]
        values = dict(line.strip().split("=", 1) for line in lines if "=" in line)
        base_url = values["MODERATELY_BASE_URL"]
        assert base_url.startswith("http://127.0.0.1:")
        assert values["MODERATELY_TEAM_ID"]
        request = urllib.request.Request(
            base_url + "/authentication/whoami",
            headers={"Authorization": f"Bearer {values['MODERATELY_API_KEY']}"},
        )
        with urllib.request.urlopen(request, timeout=10) as resp:
            assert json.loads(resp.read())["userId"]
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
