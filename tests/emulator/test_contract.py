"""Every implemented route, driven once and checked against the contract's response schemas."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from _contract import assert_contract, load_contract
from _http import call, fill

from moderately.testing import Emulator

pytestmark = pytest.mark.anyio

# Route families built by this module's owner; other families add their own tests.
OWN_PREFIXES = (
    "/health",
    "/authentication",
    "/users",
    "/teams",
    "/team-users",
    "/api-tokens",
    "/audit-logs",
    "/agents",
    "/agent-configuration-versions",
    "/agent-executions",
)


def own_contract_routes() -> set[str]:
    paths = load_contract()["paths"]
    return {
        f"{method.upper()} {template}"
        for template, ops in paths.items()
        if template.startswith(OWN_PREFIXES) and not template.startswith(("/agents-", "/teams-"))
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


def test_served_routes_all_exist_in_the_contract(moderately_emulator: Emulator) -> None:
    served = {
        r for r in moderately_emulator.routes() if r.split(" ", 1)[1].startswith(OWN_PREFIXES)
    }
    assert served == own_contract_routes()


async def test_every_route_answers_as_the_contract_says(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    r = Recorder(http)
    await r("GET", "/health", status=200)
    # authentication
    await r("GET", "/authentication/whoami", status=200)
    await r("POST", "/authentication/email/initialize", status=200, json={"email": emu.email})
    code = emu.email_code(emu.email)
    assert code is not None
    session = await r("POST", "/authentication/email/verify", status=200, json={"token": code})
    await r(
        "POST",
        "/authentication/login",
        status=200,
        json={"email": emu.email, "password": emu.password},
    )
    await r(
        "POST", "/authentication/login", status=401, json={"email": emu.email, "password": "nope"}
    )
    await r(
        "POST",
        "/authentication/logout",
        status=200,
        headers={"Authorization": f"Bearer {session['token']}"},
    )
    # users, teams, team users
    await r("GET", "/users", status=200)
    await r("GET", "/users/{userId}", emu.user_id, status=200)
    await r("PATCH", "/users/{userId}", emu.user_id, status=200, json={"fullName": "Dev"})
    team = await r("POST", "/teams", status=200, json={"name": "Contract"})
    await r("GET", "/teams", status=200)
    await r("GET", "/teams/{teamId}", team["teamId"], status=200)
    await r("PATCH", "/teams/{teamId}", team["teamId"], status=200, json={"name": "C2"})
    memberships = await r("GET", "/team-users", status=200, params={"teamIds": team["teamId"]})
    tu_id = memberships["items"][0]["teamUserId"]
    await r("GET", "/team-users/{teamUserId}", tu_id, status=200)
    await r("PATCH", "/team-users/{teamUserId}", tu_id, status=200, json={"isDefault": True})
    # api tokens
    token = await r(
        "POST", "/api-tokens", status=201, json={"teamId": emu.team_id, "name": "contract"}
    )
    await r("GET", "/api-tokens", status=200, params={"teamId": emu.team_id})
    await r("GET", "/api-tokens/{tokenId}", token["tokenId"], status=200)
    await r("PATCH", "/api-tokens/{tokenId}", token["tokenId"], status=200, json={"name": "c"})
    await r("GET", "/api-tokens/{tokenId}/usage", token["tokenId"], status=200)
    await r("DELETE", "/api-tokens/{tokenId}", token["tokenId"], status=204)
    # agents and their runs
    agent = await r("POST", "/agents", status=201, json={"teamId": emu.team_id, "name": "A"})
    await r("GET", "/agents", status=200)
    await r("GET", "/agents/{agentId}", agent["agentId"], status=200)
    await r("PATCH", "/agents/{agentId}", agent["agentId"], status=200, json={"description": "d"})
    config = await r(
        "POST",
        "/agent-configuration-versions",
        status=201,
        json={
            "agentId": agent["agentId"],
            "instructions": "i",
            "inputSchema": {},
            "outputSchema": {},
            "versionNumber": 1,
            "isCurrent": True,
            "systemPrompt": "s",
            "llmConfig": {},
            "toolConfig": [],
            "executionConfig": {},
        },
    )
    config_id = config["agentConfigurationVersionId"]
    await r("GET", "/agent-configuration-versions", status=200)
    await r(
        "GET", "/agent-configuration-versions/{agentConfigurationVersionId}", config_id, status=200
    )
    await r(
        "PATCH",
        "/agent-configuration-versions/{agentConfigurationVersionId}",
        config_id,
        status=200,
        json={"systemPrompt": None},
    )
    execution = await r(
        "POST",
        "/agent-executions",
        status=201,
        json={
            "agentConfigurationVersionId": config_id,
            "agentInput": {"x": 1},
            "agentInputSummary": "x",
        },
    )
    exec_id = execution["agentExecutionId"]
    await r("GET", "/agent-executions/{agentExecutionId}/live-tail", exec_id, status=200)
    for _ in range(200):
        got = await r("GET", "/agent-executions/{agentExecutionId}", exec_id, status=200)
        if got["status"] == "completed":
            break
        await asyncio.sleep(0.01)
    await r("GET", "/agent-executions", status=200)
    await r("GET", "/agent-executions/{agentExecutionId}/memory-states", exec_id, status=200)
    await r(
        "GET",
        "/agent-executions/{agentExecutionId}/memory-states/{version}",
        exec_id,
        "1",
        status=200,
    )
    await r("GET", "/agent-executions/{agentExecutionId}/live-tail", exec_id, status=200)
    # audit logs
    logs = await r("GET", "/audit-logs", status=200)
    await r("GET", "/audit-logs/{auditLogId}", logs["items"][0]["auditLogId"], status=200)
    await r(
        "GET", "/audit-logs/entity/{entityType}/{entityId}", "agent", agent["agentId"], status=200
    )
    await r("GET", "/audit-logs/user/{userId}", emu.user_id, status=200)
    # deletions last
    await r("DELETE", "/team-users/{teamUserId}", tu_id, status=200)
    await r("DELETE", "/agents/{agentId}", agent["agentId"], status=200)

    assert r.seen == own_contract_routes()


async def test_error_answers_follow_the_envelope(
    emu: Emulator, anon: aiohttp.ClientSession
) -> None:
    for route in sorted(own_contract_routes()):
        method, template = route.split(" ", 1)
        if template == "/health" or template.startswith("/authentication/email"):
            continue
        if template == "/authentication/login":
            continue
        path = fill(template, *(["abcdefghijklmnopqrstu"] * template.count("{")))
        async with anon.request(method, path) as resp:
            assert resp.status == 401, f"{method} {template}"
            body = await resp.json()
        # Routes whose contract omits 401 still answer it, in the documented envelope.
        if "401" in load_contract()["paths"][template][method.lower()]["responses"]:
            assert_contract(method, template, 401, body)
        assert body["error"]["code"] == "unauthorized"
