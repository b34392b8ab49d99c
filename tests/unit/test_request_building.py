"""What goes on the wire: URL, encoded path segments, headers, query parameters, team scoping."""

from __future__ import annotations

import json
import platform
import re
import uuid
from collections.abc import Callable
from urllib.parse import unquote

import aiohttp
import pytest
from aioresponses import aioresponses
from hypothesis import given
from hypothesis import strategies as st
from unit_support import (
    BASE,
    CANARY,
    TEAM,
    agent_json,
    any_url,
    count,
    headers_of,
    only,
    page_json,
    sent,
    url,
)

import moderately
from moderately import AsyncModeratelyAI, ConfigurationError
from moderately._request import build_path, encode_query, encode_segment, item_path, require_id

TRICKY_IDS = {
    "a/b": "a%2Fb",
    "../x": "..%2Fx",
    "a?b": "a%3Fb",
    "a#b": "a%23b",
    ".": "%2E",
    "..": "%2E%2E",
    "%2e%2e": "%252e%252e",
    "héllo wörld": "h%C3%A9llo%20w%C3%B6rld",
    "日本": "%E6%97%A5%E6%9C%AC",
}


# --- URL and path segments ---------------------------------------------------------------


@pytest.mark.anyio
async def test_url_is_base_url_plus_path(api: aioresponses, client: AsyncModeratelyAI) -> None:
    api.get(url("/agents/ag-1"), payload=agent_json())
    await client.agents.retrieve("ag-1")
    method, seen, _ = only(api)
    assert method == "GET"
    assert str(seen) == "https://api.unit.test/agents/ag-1"


@pytest.mark.anyio
async def test_base_url_with_a_path_prefix_and_trailing_slash(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI]
) -> None:
    client = make_client(base_url="https://gw.unit.test/moderately/v1/")
    api.get("https://gw.unit.test/moderately/v1/agents/ag-1", payload=agent_json())
    await client.agents.retrieve("ag-1")
    _, seen, _ = only(api)
    assert str(seen) == "https://gw.unit.test/moderately/v1/agents/ag-1"


@pytest.mark.anyio
@pytest.mark.parametrize(("agent_id", "segment"), list(TRICKY_IDS.items()))
async def test_ids_stay_one_encoded_path_segment(
    api: aioresponses, client: AsyncModeratelyAI, agent_id: str, segment: str
) -> None:
    api.get(re.compile(".*"), payload=agent_json(agent_id))
    agent = await client.agents.retrieve(agent_id)
    _, seen, _ = only(api)
    assert seen.raw_path == "/agents/" + segment
    assert seen.raw_query_string == ""
    assert seen.raw_fragment == ""
    assert agent.agent_id == agent_id


@pytest.mark.anyio
@pytest.mark.parametrize("agent_id", ["a/b", "..", "a?b"])
async def test_ids_are_encoded_for_patch_and_delete_too(
    api: aioresponses, client: AsyncModeratelyAI, agent_id: str
) -> None:
    api.patch(re.compile(".*"), payload=agent_json(agent_id, name="New"))
    api.delete(re.compile(".*"), status=200, body="")
    await client.agents.update(agent_id, name="New")
    await client.agents.delete(agent_id)
    paths = [(m, u.raw_path) for m, u, _ in sent(api)]
    segment = TRICKY_IDS[agent_id]
    assert paths == [("PATCH", "/agents/" + segment), ("DELETE", "/agents/" + segment)]


@given(st.text())
def test_encode_segment_round_trips_and_never_escapes_its_segment(value: str) -> None:
    encoded = encode_segment(value)
    assert unquote(encoded) == value
    assert "/" not in encoded
    assert "?" not in encoded
    assert "#" not in encoded
    assert encoded not in (".", "..")
    assert encoded.isascii()


@given(st.text(alphabet="./%?#", min_size=1, max_size=6))
def test_encode_segment_dot_and_delimiter_heavy_inputs(value: str) -> None:
    encoded = encode_segment(value)
    assert unquote(encoded) == value
    assert set(encoded) <= set("%0123456789ABCDEF.")
    assert encoded.strip(".") != ""


@given(st.one_of(st.text(), st.text(alphabet="AZaz09_.~-%/", max_size=4), st.just(".")))
def test_item_path_is_the_general_builder_with_its_checks(value: str) -> None:
    # item_path skips the checks for plain ids: it must give what the general path gives.
    try:
        expected = "/agents" + build_path("/{}", require_id(value, "agentId"))
    except moderately.InvalidArgumentError as exc:
        with pytest.raises(moderately.InvalidArgumentError, match=re.escape(str(exc))):
            item_path("/agents", value, "agentId")
    else:
        assert item_path("/agents", value, "agentId") == expected


@pytest.mark.parametrize("value", [None, 7, b"ag", "", "\ud800"])
def test_item_path_refuses_what_require_id_refuses(value: object) -> None:
    with pytest.raises(moderately.InvalidArgumentError):
        item_path("/agents", value, "agentId")


def test_build_path_encodes_every_placeholder() -> None:
    assert build_path("/teams/{}/users/{}", "t/1", "..") == "/teams/t%2F1/users/%2E%2E"


# --- headers -----------------------------------------------------------------------------


@pytest.mark.anyio
async def test_bearer_auth_and_user_agent(api: aioresponses, client: AsyncModeratelyAI) -> None:
    api.get(url("/agents/ag-1"), payload=agent_json())
    await client.agents.retrieve("ag-1")
    headers = headers_of(only(api)[2])
    assert headers["authorization"] == f"Bearer {CANARY}"
    agent = headers["user-agent"]
    assert f"moderately-python/{moderately.__version__}" in agent
    assert f"Python/{platform.python_version()}" in agent
    assert f"aiohttp/{aiohttp.__version__}" in agent
    assert headers["accept"] == "application/json"


@pytest.mark.anyio
async def test_get_has_no_idempotency_key_and_retry_count_zero(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    api.get(url("/agents/ag-1"), payload=agent_json())
    await client.agents.retrieve("ag-1")
    headers = headers_of(only(api)[2])
    assert "idempotency-key" not in headers
    assert headers["x-moderately-retry-count"] == "0"


@pytest.mark.anyio
async def test_every_non_get_carries_a_fresh_idempotency_key(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    api.post(url("/agents"), payload=agent_json(), status=201, repeat=True)
    api.patch(url("/agents/ag-1"), payload=agent_json(), repeat=True)
    api.delete(url("/agents/ag-1"), body="", repeat=True)
    await client.agents.create(name="One")
    await client.agents.create(name="Two")
    await client.agents.update("ag-1", name="Three")
    await client.agents.delete("ag-1")
    seen = sent(api)
    assert [m for m, _, _ in seen] == ["POST", "POST", "PATCH", "DELETE"]
    keys = [headers_of(call)["idempotency-key"] for _, _, call in seen]
    for key in keys:
        uuid.UUID(key)  # a well-formed UUID
    assert len(set(keys)) == 4, "each call gets its own key"


@pytest.mark.anyio
async def test_retries_reuse_the_idempotency_key_and_count_up(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    api.post(url("/agents"), status=503, payload={"error": {"code": "UNAVAILABLE"}})
    api.post(url("/agents"), status=500, body="boom")
    api.post(url("/agents"), status=201, payload=agent_json())
    await client.agents.create(name="Support")
    calls = [call for _, _, call in sent(api)]
    assert len(calls) == 3
    keys = {headers_of(c)["idempotency-key"] for c in calls}
    assert len(keys) == 1
    assert [headers_of(c)["x-moderately-retry-count"] for c in calls] == ["0", "1", "2"]


@pytest.mark.anyio
async def test_default_headers_are_sent_but_cannot_override_auth(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI]
) -> None:
    client = make_client(default_headers={"X-Trace": "abc", "Authorization": "Bearer other"})
    api.get(url("/agents/ag-1"), payload=agent_json())
    await client.agents.retrieve("ag-1")
    headers = headers_of(only(api)[2])
    assert headers["x-trace"] == "abc"
    assert headers["authorization"] == f"Bearer {CANARY}"


@pytest.mark.anyio
async def test_create_sends_a_camel_case_json_body(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    api.post(url("/agents"), status=201, payload=agent_json())
    await client.agents.create(name="Support", description="Tickets")
    call = only(api)[2]
    assert headers_of(call)["content-type"] == "application/json"
    assert json.loads(call.kwargs["data"]) == {
        "teamId": TEAM,
        "name": "Support",
        "description": "Tickets",
    }


# --- query parameters --------------------------------------------------------------------


def _query(api: aioresponses) -> dict[str, str]:
    _, seen, _ = only(api)
    return dict(seen.query)


@pytest.mark.anyio
async def test_list_query_ids_joined_none_dropped_order_camel(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    api.get(any_url("/agents"), payload=page_json([], page=2, total_pages=2))
    await client.agents.list(
        agent_ids=["ag-1", "ag-2", "ag-3"],
        team_ids=("t-1", "t-2"),
        name_like=None,
        page=2,
        page_size=50,
        order_by="created_at",
        order_direction="desc",
    )
    assert _query(api) == {
        "agentIds": "ag-1,ag-2,ag-3",
        "teamIds": "t-1,t-2",
        "page": "2",
        "pageSize": "50",
        "orderBy": "createdAt",
        "orderDirection": "desc",
    }


@pytest.mark.anyio
async def test_list_query_single_id_string_and_special_characters(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    api.get(any_url("/users"), payload=page_json([], page=1, total_pages=1))
    await client.users.list(
        user_emails="a+b@x.test", full_name_like="Zoë & co", order_by="full_name"
    )
    assert _query(api) == {
        "userEmails": "a+b@x.test",
        "fullNameLike": "Zoë & co",
        "page": "1",
        "orderBy": "fullName",
    }


def test_encode_query_bools_and_none() -> None:
    assert encode_query({"a": True, "b": False, "c": None, "d": 3, "e": 1.5, "f": "x"}) == {
        "a": "true",
        "b": "false",
        "d": "3",
        "e": "1.5",
        "f": "x",
    }
    assert encode_query({}) is None
    assert encode_query(None) is None


# --- team scoping ------------------------------------------------------------------------


@pytest.mark.anyio
async def test_agents_list_is_scoped_to_the_client_team(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    api.get(any_url("/agents"), payload=page_json([], page=1, total_pages=1))
    await client.agents.list()
    assert _query(api) == {"teamIds": TEAM, "page": "1"}


@pytest.mark.anyio
async def test_agents_list_explicit_team_ids_win(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    api.get(any_url("/agents"), payload=page_json([], page=1, total_pages=1))
    await client.agents.list(team_ids="other")
    assert _query(api)["teamIds"] == "other"


@pytest.mark.anyio
async def test_agents_create_sends_the_client_team(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI]
) -> None:
    client = make_client(team_id="team-xyz")
    api.post(url("/agents"), status=201, payload=agent_json())
    await client.agents.create(name="Support")
    assert json.loads(only(api)[2].kwargs["data"])["teamId"] == "team-xyz"


@pytest.mark.anyio
async def test_agents_create_explicit_team_wins(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    api.post(url("/agents"), status=201, payload=agent_json())
    await client.agents.create(name="Support", team_id="elsewhere")
    assert json.loads(only(api)[2].kwargs["data"])["teamId"] == "elsewhere"


@pytest.mark.anyio
async def test_team_scoped_calls_without_a_team_explain_and_send_nothing(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI]
) -> None:
    client = make_client(team_id=None)
    assert client.team_id is None
    with pytest.raises(ConfigurationError, match="MODERATELY_TEAM_ID"):
        await client.agents.list()
    with pytest.raises(ConfigurationError, match="MODERATELY_TEAM_ID"):
        await client.agents.create(name="Support")
    with pytest.raises(ConfigurationError, match="MODERATELY_TEAM_ID"):
        async for _ in client.agents.list():
            pass
    assert count(api) == 0


@pytest.mark.anyio
async def test_team_from_environment_scopes_calls(
    api: aioresponses, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODERATELY_TEAM_ID", "env-team")
    api.get(any_url("/agents"), payload=page_json([], page=1, total_pages=1))
    async with AsyncModeratelyAI(api_key=CANARY, base_url=BASE) as client:
        await client.agents.list()
    assert _query(api)["teamIds"] == "env-team"


@pytest.mark.anyio
async def test_teams_list_is_not_team_scoped(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI]
) -> None:
    client = make_client(team_id=None)
    api.get(any_url("/teams"), payload=page_json([], page=1, total_pages=1))
    await client.teams.list()
    assert _query(api) == {"page": "1"}
