from __future__ import annotations

import aiohttp
import pytest
from _http import call

from moderately.testing import Emulator

pytestmark = pytest.mark.anyio


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- api tokens -------------------------------------------------------------------------------


async def test_token_lifecycle(emu: Emulator, http: aiohttp.ClientSession) -> None:
    created = await call(
        http,
        "POST",
        "/api-tokens",
        status=201,
        json={"teamId": emu.team_id, "name": "ci", "role": "readonly"},
    )
    secret, token_id = created["token"], created["tokenId"]
    assert created["role"] == "readonly"
    assert created["expiresAt"] is None

    async with aiohttp.ClientSession(base_url=emu.base_url, headers=bearer(secret)) as ro:
        for _ in range(3):
            await call(ro, "GET", "/authentication/whoami", status=200)
        # A read-only token cannot change anything.
        # (POST /teams documents no 403, hence no contract check on this one)
        await call(ro, "POST", "/teams", status=403, json={"name": "nope"}, contract=False)
        detail = await call(http, "GET", "/api-tokens/{tokenId}", token_id, status=200)
        assert detail["usageStats"]["totalRequests"] == 4
        assert detail["createdBy"]["userId"] == emu.user_id
        assert secret.startswith(detail["tokenPrefix"])
        assert secret.endswith(detail["last4"])
        assert "token" not in detail

        usage = await call(http, "GET", "/api-tokens/{tokenId}/usage", token_id, status=200)
        assert usage["totalRequests"] == 4
        assert usage["requestsByEndpoint"] == {"/authentication/whoami": 3, "/teams": 1}
        assert usage["requestsByMethod"] == {"GET": 3, "POST": 1}
        assert usage["errorRate"] == pytest.approx(0.25)
        usage = await call(
            http,
            "GET",
            "/api-tokens/{tokenId}/usage",
            token_id,
            status=200,
            params={"method": "post"},
        )
        assert usage["totalRequests"] == 1
        usage = await call(
            http,
            "GET",
            "/api-tokens/{tokenId}/usage",
            token_id,
            status=200,
            params={"startDate": "2999-01-01T00:00:00Z"},
        )
        assert usage["totalRequests"] == 0

        updated = await call(
            http,
            "PATCH",
            "/api-tokens/{tokenId}",
            token_id,
            status=200,
            json={"isActive": False, "name": "ci-disabled"},
        )
        assert updated["isActive"] is False
        assert updated["name"] == "ci-disabled"
        await call(ro, "GET", "/authentication/whoami", status=401)
        await call(
            http, "PATCH", "/api-tokens/{tokenId}", token_id, status=200, json={"isActive": True}
        )
        await call(ro, "GET", "/authentication/whoami", status=200)
        await call(http, "DELETE", "/api-tokens/{tokenId}", token_id, status=204)
        await call(ro, "GET", "/authentication/whoami", status=401)
    await call(http, "GET", "/api-tokens/{tokenId}", token_id, status=404)


async def test_expired_token_is_rejected(emu: Emulator, http: aiohttp.ClientSession) -> None:
    created = await call(
        http,
        "POST",
        "/api-tokens",
        status=201,
        json={"teamId": emu.team_id, "name": "old", "expiresAt": "2020-01-01T00:00:00Z"},
    )
    assert created["expiresAt"] == "2020-01-01T00:00:00.000Z"
    await call(http, "GET", "/authentication/whoami", status=401, headers=bearer(created["token"]))


async def test_token_validation(emu: Emulator, http: aiohttp.ClientSession) -> None:
    body = await call(
        http,
        "POST",
        "/api-tokens",
        status=400,
        json={"teamId": emu.team_id, "name": "x", "role": "owner", "expiresAt": "tomorrow"},
    )
    assert {d["field"] for d in body["error"]["details"]} == {"role", "expiresAt"}
    body = await call(http, "GET", "/api-tokens", status=400)
    assert [d["field"] for d in body["error"]["details"]] == ["teamId"]


async def test_list_tokens_filters_and_orders(emu: Emulator, http: aiohttp.ClientSession) -> None:
    ids = []
    for name in ("b-token", "a-token"):
        created = await call(
            http, "POST", "/api-tokens", status=201, json={"teamId": emu.team_id, "name": name}
        )
        ids.append(created["tokenId"])
    page = await call(
        http, "GET", "/api-tokens", status=200, params={"teamId": emu.team_id, "orderBy": "name"}
    )
    assert [t["name"] for t in page["items"]] == ["a-token", "b-token", "emulator"]
    page = await call(
        http,
        "GET",
        "/api-tokens",
        status=200,
        params={"teamId": emu.team_id, "tokenIds": ",".join(ids)},
    )
    assert {t["tokenId"] for t in page["items"]} == set(ids)


async def test_tokens_need_admin_and_membership(emu: Emulator, http: aiohttp.ClientSession) -> None:
    other = emu.new_identity()
    await call(http, "GET", "/api-tokens", status=403, params={"teamId": other.team_id})
    await call(http, "POST", "/api-tokens", status=403, json={"teamId": other.team_id, "name": "x"})
    member = emu.create_user("Member", "member@example.com")
    emu.add_member(emu.team_id, member, "member")
    member_token = emu.create_token(member, emu.team_id, role="admin")
    async with aiohttp.ClientSession(base_url=emu.base_url, headers=bearer(member_token)) as s:
        await call(s, "GET", "/api-tokens", status=200, params={"teamId": emu.team_id})
        await call(s, "POST", "/api-tokens", status=403, json={"teamId": emu.team_id, "name": "x"})
    # An admin user's "member"-role token cannot do admin work either.
    capped = emu.create_token(emu.user_id, emu.team_id, role="member")
    async with aiohttp.ClientSession(base_url=emu.base_url, headers=bearer(capped)) as s:
        await call(s, "POST", "/api-tokens", status=403, json={"teamId": emu.team_id, "name": "x"})


# --- audit logs -------------------------------------------------------------------------------


async def test_mutations_are_audited(emu: Emulator, http: aiohttp.ClientSession) -> None:
    team = await call(http, "POST", "/teams", status=200, json={"name": "Audited"})
    await call(
        http, "PATCH", "/teams/{teamId}", team["teamId"], status=200, json={"name": "Audited 2"}
    )
    page = await call(
        http,
        "GET",
        "/audit-logs/entity/{entityType}/{entityId}",
        "team",
        team["teamId"],
        status=200,
    )
    assert [(e["action"], e["eventType"]) for e in page["items"]] == [
        ("create", "team.create"),
        ("update", "team.update"),
    ]
    update = page["items"][1]
    assert update["changes"] == {"name": {"from": "Audited", "to": "Audited 2"}}
    assert update["userId"] == emu.user_id
    assert update["teamId"] == team["teamId"]
    assert update["metadata"]["requestId"].startswith("req_")
    assert update["apiTokenId"] is not None
    got = await call(http, "GET", "/audit-logs/{auditLogId}", update["auditLogId"], status=200)
    assert got == update
    # Reads are not audited.
    before = len(emu.state.audit_logs)
    await call(http, "GET", "/teams", status=200)
    assert len(emu.state.audit_logs) == before


async def test_audit_filters(emu: Emulator, http: aiohttp.ClientSession) -> None:
    t1 = await call(http, "POST", "/teams", status=200, json={"name": "One"})
    t2 = await call(http, "POST", "/teams", status=200, json={"name": "Two"})
    await call(http, "PATCH", "/teams/{teamId}", t1["teamId"], status=200, json={"name": "1"})

    async def ids(**params: str) -> list[str]:
        page = await call(http, "GET", "/audit-logs", status=200, params=params)
        return [e["resourceId"] for e in page["items"]]

    assert await ids(action="update") == [t1["teamId"]]
    assert await ids(resourceIds=f"{t1['teamId']},{t2['teamId']}", action="create") == [
        t1["teamId"],
        t2["teamId"],
    ]
    assert await ids(teamId=t2["teamId"]) == [t2["teamId"]]
    assert await ids(
        resourceType="team", orderBy="action", orderDirection="desc", pageSize="1"
    ) == [t1["teamId"]]
    assert await ids(startDate="2999-01-01") == []
    assert len(await ids(endDate="2999-01-01", resourceType="team")) == 3
    assert len(await ids(userId=emu.user_id, resourceType="team")) == 3
    await call(http, "GET", "/audit-logs", status=200, params={"apiTokenIds": "x,y"})
    body = await call(
        http, "GET", "/audit-logs", status=400, params={"action": "explode"}, contract=False
    )
    assert body["error"]["details"][0]["field"] == "action"
    page = await call(http, "GET", "/audit-logs/user/{userId}", emu.user_id, status=200)
    assert page["pagination"]["totalItems"] == 3


async def test_audit_logs_of_other_teams_are_hidden(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    other = emu.new_identity()
    async with aiohttp.ClientSession(base_url=emu.base_url, headers=bearer(other.api_key)) as s:
        await call(s, "PATCH", "/teams/{teamId}", other.team_id, status=200, json={"name": "Z"})
        mine = await call(s, "GET", "/audit-logs", status=200)
    assert mine["pagination"]["totalItems"] == 1
    secret_entry = mine["items"][0]
    page = await call(http, "GET", "/audit-logs", status=200)
    assert secret_entry["auditLogId"] not in {e["auditLogId"] for e in page["items"]}
    await call(http, "GET", "/audit-logs/{auditLogId}", secret_entry["auditLogId"], status=403)
    await call(http, "GET", "/audit-logs", status=403, params={"teamId": other.team_id})
    await call(
        http, "GET", "/audit-logs/entity/{entityType}/{entityId}", "team", other.team_id, status=403
    )
    await call(http, "GET", "/audit-logs/user/{userId}", other.user_id, status=403)
    await call(http, "GET", "/audit-logs/{auditLogId}", "nonenonenonenonenone0", status=404)
