from __future__ import annotations

import aiohttp
import pytest
from _http import call

from moderately.testing import Emulator

pytestmark = pytest.mark.anyio


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- authentication ---------------------------------------------------------------------------


async def test_whoami(emu: Emulator, http: aiohttp.ClientSession) -> None:
    body = await call(http, "GET", "/authentication/whoami", status=200)
    assert body == {"userId": emu.user_id}


async def test_login_sets_a_session_cookie_and_logout_ends_it(emu: Emulator) -> None:
    # aiohttp only keeps cookies set by an IP-address host with an "unsafe" jar.
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base_url=emu.base_url, cookie_jar=jar) as s:
        await call(
            s,
            "POST",
            "/authentication/login",
            status=200,
            json={"email": emu.email, "password": emu.password},
        )
        assert (await call(s, "GET", "/authentication/whoami", status=200))["userId"] == emu.user_id
        await call(s, "POST", "/authentication/logout", status=200)
        await call(s, "GET", "/authentication/whoami", status=401)


async def test_login_rejects_wrong_password_then_rate_limits(
    emu: Emulator, anon: aiohttp.ClientSession
) -> None:
    emu.config.login_attempts_before_429 = 2
    for _ in range(2):
        body = await call(
            anon,
            "POST",
            "/authentication/login",
            status=401,
            json={"email": emu.email, "password": "wrong"},
        )
        assert body["error"]["code"] == "unauthorized"
    async with anon.post(
        "/authentication/login", json={"email": emu.email, "password": emu.password}
    ) as resp:
        assert resp.status == 429
        assert int(resp.headers["Retry-After"]) >= 1


async def test_login_validates_its_body(anon: aiohttp.ClientSession) -> None:
    body = await call(
        anon, "POST", "/authentication/login", status=400, json={"email": "not-an-email"}
    )
    fields = {d["field"] for d in body["error"]["details"]}
    assert fields == {"email", "password"}


async def test_email_sign_in_flow(emu: Emulator, anon: aiohttp.ClientSession) -> None:
    await call(
        anon,
        "POST",
        "/authentication/email/initialize",
        status=200,
        json={"email": emu.email.upper()},
    )
    code = emu.email_code(emu.email)
    assert code is not None
    token = (
        await call(anon, "POST", "/authentication/email/verify", status=200, json={"token": code})
    )["token"]
    who = await call(anon, "GET", "/authentication/whoami", status=200, headers=bearer(token))
    assert who["userId"] == emu.user_id
    # A code works once.
    await call(anon, "POST", "/authentication/email/verify", status=401, json={"token": code})
    await call(anon, "POST", "/authentication/logout", status=200, headers=bearer(token))
    await call(anon, "GET", "/authentication/whoami", status=401, headers=bearer(token))


async def test_email_initialize_does_not_reveal_unknown_addresses(
    emu: Emulator, anon: aiohttp.ClientSession
) -> None:
    body = await call(
        anon,
        "POST",
        "/authentication/email/initialize",
        status=200,
        json={"email": "nobody@example.com"},
    )
    assert isinstance(body["message"], str)
    assert emu.email_code("nobody@example.com") is None


# --- users ------------------------------------------------------------------------------------


async def test_get_and_patch_own_user(emu: Emulator, http: aiohttp.ClientSession) -> None:
    user = await call(http, "GET", "/users/{userId}", emu.user_id, status=200)
    assert user["userId"] == emu.user_id
    await call(
        http, "PATCH", "/users/{userId}", emu.user_id, status=200, json={"fullName": "Renamed"}
    )
    user = await call(http, "GET", "/users/{userId}", emu.user_id, status=200)
    assert user["fullName"] == "Renamed"
    assert user["updatedAt"] >= user["createdAt"]
    body = await call(
        http, "PATCH", "/users/{userId}", emu.user_id, status=400, json={"fullName": ""}
    )
    assert body["error"]["details"][0]["field"] == "fullName"


async def test_users_of_other_teams_are_forbidden(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    other = emu.new_identity()
    await call(http, "GET", "/users/{userId}", other.user_id, status=403)
    await call(http, "PATCH", "/users/{userId}", other.user_id, status=403, json={"fullName": "x"})
    await call(http, "GET", "/users/{userId}", "missingmissingmissing", status=404)
    listed = await call(http, "GET", "/users", status=200)
    assert [u["userId"] for u in listed["items"]] == [emu.user_id]
    await call(http, "GET", "/users", status=403, params={"teamIds": other.team_id})


async def test_list_users_filters(emu: Emulator, http: aiohttp.ClientSession) -> None:
    alice = emu.create_user("Alice Liddell", "alice@example.com")
    bob = emu.create_user("Bob Stone", "bob@example.com")
    emu.add_member(emu.team_id, alice)
    emu.add_member(emu.team_id, bob)

    async def ids(**params: str) -> list[str]:
        page = await call(http, "GET", "/users", status=200, params=params)
        return [u["userId"] for u in page["items"]]

    assert set(await ids()) == {emu.user_id, alice, bob}
    assert await ids(fullNameLike="liddell") == [alice]
    assert await ids(userEmails="BOB@example.com") == [bob]
    assert set(await ids(userIds=f"{alice},{bob}")) == {alice, bob}
    assert await ids(orderBy="fullName", orderDirection="desc", pageSize="1") == [emu.user_id]
    page = await call(http, "GET", "/users", status=200, params={"pageSize": "2", "page": "2"})
    assert page["pagination"] == {
        "page": 2,
        "pageSize": 2,
        "totalItems": 3,
        "totalPages": 2,
        "hasNextPage": False,
        "hasPreviousPage": True,
    }


async def test_repeated_keys_are_a_list(emu: Emulator, http: aiohttp.ClientSession) -> None:
    alice = emu.create_user("Alice", "a@example.com")
    emu.add_member(emu.team_id, alice)
    page = await call(
        http, "GET", "/users", status=200, params=[("userIds", alice), ("userIds", emu.user_id)]
    )
    assert page["pagination"]["totalItems"] == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"pageSize": "0"}, "pageSize"),
        ({"pageSize": "1001"}, "pageSize"),
        ({"pageSize": "ten"}, "pageSize"),
        ({"orderBy": "email"}, "orderBy"),
        ({"orderDirection": "up"}, "orderDirection"),
    ],
)
async def test_bad_paging_is_400_naming_the_field(
    http: aiohttp.ClientSession, params: dict[str, str], field: str
) -> None:
    body = await call(http, "GET", "/users", status=400, params=params)
    assert [d["field"] for d in body["error"]["details"]] == [field]


async def test_page_size_bounds_are_inclusive(http: aiohttp.ClientSession) -> None:
    for size in ("1", "1000"):
        page = await call(http, "GET", "/users", status=200, params={"pageSize": size})
        assert page["pagination"]["pageSize"] == int(size)
    page = await call(http, "GET", "/users", status=200)
    assert page["pagination"]["page"] == 1
    assert page["pagination"]["pageSize"] == 10


# --- teams ------------------------------------------------------------------------------------


async def test_create_get_rename_list_teams(emu: Emulator, http: aiohttp.ClientSession) -> None:
    team = await call(http, "POST", "/teams", status=200, json={"name": "Research"})
    got = await call(http, "GET", "/teams/{teamId}", team["teamId"], status=200)
    assert got == team
    renamed = await call(
        http,
        "PATCH",
        "/teams/{teamId}",
        team["teamId"],
        status=200,
        json={"name": "Research & Dev"},
    )
    assert renamed["name"] == "Research & Dev"
    page = await call(http, "GET", "/teams", status=200, params={"orderBy": "name"})
    assert [t["name"] for t in page["items"]] == ["Default Team", "Research & Dev"]
    page = await call(http, "GET", "/teams", status=200, params={"name": "Default Team"})
    assert [t["teamId"] for t in page["items"]] == [emu.team_id]
    page = await call(http, "GET", "/teams", status=200, params={"teamIds": team["teamId"]})
    assert page["pagination"]["totalItems"] == 1
    await call(http, "POST", "/teams", status=400, json={"name": ""})
    await call(http, "POST", "/teams", status=400, json={"name": "x", "extra": 1})


async def test_other_teams_are_forbidden(emu: Emulator, http: aiohttp.ClientSession) -> None:
    other = emu.new_identity()
    await call(http, "GET", "/teams/{teamId}", other.team_id, status=403)
    await call(http, "PATCH", "/teams/{teamId}", other.team_id, status=403, json={"name": "x"})
    page = await call(
        http, "GET", "/teams", status=200, params={"teamIds": f"{other.team_id},{emu.team_id}"}
    )
    assert [t["teamId"] for t in page["items"]] == [emu.team_id]
    await call(http, "GET", "/teams/{teamId}", "nosuchteamnosuchteam0", status=404)


async def test_members_cannot_rename_teams(emu: Emulator) -> None:
    member = emu.create_user("Member", "m@example.com")
    emu.add_member(emu.team_id, member, "member")
    token = emu.create_token(member, emu.team_id)
    async with aiohttp.ClientSession(base_url=emu.base_url, headers=bearer(token)) as s:
        await call(s, "GET", "/teams/{teamId}", emu.team_id, status=200)
        await call(s, "PATCH", "/teams/{teamId}", emu.team_id, status=403, json={"name": "x"})


# --- team users -------------------------------------------------------------------------------


async def test_team_users_list_filter_patch_delete(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    carol = emu.create_user("Carol Jones", "carol@example.com")
    tu_id = emu.add_member(emu.team_id, carol, "member")
    page = await call(http, "GET", "/team-users", status=200, params={"orderBy": "name"})
    assert [i["email"] for i in page["items"]] == ["carol@example.com", emu.email]
    page = await call(http, "GET", "/team-users", status=200, params={"roles": "member"})
    assert [i["teamUserId"] for i in page["items"]] == [tu_id]
    page = await call(http, "GET", "/team-users", status=200, params={"nameLike": "JON"})
    assert [i["userId"] for i in page["items"]] == [carol]
    page = await call(http, "GET", "/team-users", status=200, params={"emailLike": "carol@"})
    assert page["pagination"]["totalItems"] == 1
    await call(http, "GET", "/team-users", status=400, params={"roles": "owner"})

    updated = await call(
        http, "PATCH", "/team-users/{teamUserId}", tu_id, status=200, json={"role": "admin"}
    )
    assert updated["role"] == "admin"
    got = await call(http, "GET", "/team-users/{teamUserId}", tu_id, status=200)
    assert got == updated
    body = await call(http, "DELETE", "/team-users/{teamUserId}", tu_id, status=200)
    assert body["message"]
    await call(http, "GET", "/team-users/{teamUserId}", tu_id, status=404)


async def test_setting_default_team_clears_the_previous_default(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    team = await call(http, "POST", "/teams", status=200, json={"name": "Second"})
    page = await call(
        http,
        "GET",
        "/team-users",
        status=200,
        params={"userIds": emu.user_id, "teamIds": f"{emu.team_id},{team['teamId']}"},
    )
    by_team = {i["teamId"]: i for i in page["items"]}
    assert by_team[emu.team_id]["isDefault"] is True
    assert by_team[team["teamId"]]["isDefault"] is False
    await call(
        http,
        "PATCH",
        "/team-users/{teamUserId}",
        by_team[team["teamId"]]["teamUserId"],
        status=200,
        json={"isDefault": True},
    )
    first = await call(
        http, "GET", "/team-users/{teamUserId}", by_team[emu.team_id]["teamUserId"], status=200
    )
    assert first["isDefault"] is False


async def test_team_users_of_other_teams_are_forbidden(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    other = emu.new_identity()
    page = await call(http, "GET", "/team-users", status=200)
    assert {i["teamId"] for i in page["items"]} == {emu.team_id}
    await call(http, "GET", "/team-users", status=403, params={"teamIds": other.team_id})
    foreign = next(tu for tu in emu.state.team_users.values() if tu.team_id == other.team_id)
    await call(http, "GET", "/team-users/{teamUserId}", foreign.team_user_id, status=403)
    await call(http, "DELETE", "/team-users/{teamUserId}", foreign.team_user_id, status=403)
