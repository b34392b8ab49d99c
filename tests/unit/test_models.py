"""Resource models: wire aliases, kept unknown fields, dirty tracking, save, read-only fields."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from aioresponses import aioresponses
from pydantic import ValidationError
from unit_support import TEAM, agent_json, any_url, count, headers_of, only, page_json, sent, url

from moderately import AsyncAgent, AsyncModeratelyAI, ConflictError, InvalidArgumentError
from moderately._models import Model


async def load(api: aioresponses, client: AsyncModeratelyAI, **extra: object) -> AsyncAgent:
    api.get(url("/agents/ag-1"), payload=agent_json(**extra), headers={"X-Request-Id": "r-get"})
    agent = await client.agents.retrieve("ag-1")
    api.requests.clear()
    return agent


# --- loading -----------------------------------------------------------------------------


@pytest.mark.anyio
async def test_camel_case_in_snake_case_attributes(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    agent = await load(api, client, totalRuns=12, successRate=0.75)
    assert agent.agent_id == "ag-1"
    assert agent.id == "ag-1"
    assert agent.team_id == TEAM
    assert agent.total_runs == 12
    assert agent.success_rate == 0.75
    assert agent.created_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert agent.updated_at == datetime(2024, 5, 2, 11, 30, 0, 250000, tzinfo=UTC)
    assert isinstance(agent.created_at, datetime)


@pytest.mark.anyio
async def test_camel_case_out(api: aioresponses, client: AsyncModeratelyAI) -> None:
    agent = await load(api, client)
    wire = agent.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert wire["agentId"] == "ag-1"
    assert wire["teamId"] == TEAM
    assert wire["createdAt"].startswith("2024-05-01T10:00:00")
    assert "agent_id" not in wire


@pytest.mark.anyio
async def test_unknown_fields_are_kept(api: aioresponses, client: AsyncModeratelyAI) -> None:
    agent = await load(api, client, brandNewField={"nested": [1, 2]}, flag=True)
    assert agent.model_extra == {"brandNewField": {"nested": [1, 2]}, "flag": True}
    assert agent.model_dump(by_alias=True)["brandNewField"] == {"nested": [1, 2]}


def test_plain_model_accepts_either_name() -> None:
    class Thing(Model):
        user_id: str

    assert Thing.model_validate({"userId": "u"}).user_id == "u"
    assert Thing(user_id="u").user_id == "u"
    assert Thing.model_validate_json(b'{"userId": "u", "x": 1}').model_extra == {"x": 1}


@pytest.mark.anyio
async def test_api_request_id_from_retrieve_and_list_items(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    agent = await load(api, client)
    assert agent.api_request_id == "r-get"
    api.get(
        any_url("/agents"),
        payload=page_json([agent_json("a"), agent_json("b")], page=1, total_pages=1),
        headers={"X-Request-Id": "r-list"},
    )
    page = await client.agents.list()
    assert [a.api_request_id for a in page.items] == ["r-list", "r-list"]


@pytest.mark.anyio
async def test_a_loaded_object_knows_its_client(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    agent = await load(api, client)
    assert agent.client is client
    with pytest.raises(InvalidArgumentError, match="not attached"):
        _ = AsyncAgent(agent_id="x", team_id="t", name="n").client


# --- dirty tracking and save -------------------------------------------------------------


@pytest.mark.anyio
async def test_changed_fields_track_assignments(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    agent = await load(api, client)
    assert agent.changed_fields == frozenset()
    agent.name = "Renamed"
    assert agent.changed_fields == {"name"}
    agent.description = "Now with words"
    assert agent.changed_fields == {"name", "description"}


@pytest.mark.anyio
async def test_save_patches_only_changed_fields(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    agent = await load(api, client)
    agent.name = "Renamed"
    api.patch(
        url("/agents/ag-1"),
        payload=agent_json(name="Renamed", updatedAt="2024-06-01T00:00:00Z", newField=1),
        headers={"X-Request-Id": "r-patch"},
    )
    returned = await agent.save()
    method, seen, call = only(api)
    assert (method, seen.raw_path) == ("PATCH", "/agents/ag-1")
    assert json.loads(call.kwargs["data"]) == {"name": "Renamed"}
    assert "idempotency-key" in headers_of(call)
    assert returned is agent
    assert agent.changed_fields == frozenset()
    assert agent.updated_at == datetime(2024, 6, 1, tzinfo=UTC)  # the server's copy absorbed
    assert agent.model_extra == {"newField": 1}
    assert agent.api_request_id == "r-patch"


@pytest.mark.anyio
async def test_save_sends_an_explicit_null(api: aioresponses, client: AsyncModeratelyAI) -> None:
    agent = await load(api, client, description="old")
    agent.description = None
    api.patch(url("/agents/ag-1"), payload=agent_json())
    await agent.save()
    assert json.loads(only(api)[2].kwargs["data"]) == {"description": None}


@pytest.mark.anyio
async def test_save_with_nothing_changed_sends_nothing(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    agent = await load(api, client)
    assert await agent.save() is agent
    assert count(api) == 0


@pytest.mark.anyio
async def test_a_second_save_sends_nothing(api: aioresponses, client: AsyncModeratelyAI) -> None:
    agent = await load(api, client)
    agent.name = "Once"
    api.patch(url("/agents/ag-1"), payload=agent_json(name="Once"))
    await agent.save()
    await agent.save()
    assert count(api) == 1


@pytest.mark.anyio
async def test_failed_save_keeps_the_changes(api: aioresponses, client: AsyncModeratelyAI) -> None:
    agent = await load(api, client)
    agent.name = "Taken"
    api.patch(url("/agents/ag-1"), status=409, payload={"error": {"code": "CONFLICT"}})
    with pytest.raises(ConflictError):
        await agent.save()
    assert agent.changed_fields == {"name"}
    assert agent.name == "Taken"


@pytest.mark.anyio
async def test_save_checks_values_before_sending(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    agent = await load(api, client)
    agent.name = ""
    with pytest.raises(InvalidArgumentError, match="name"):
        await agent.save()
    agent.name = "x" * 256
    with pytest.raises(InvalidArgumentError, match="name"):
        await agent.save()
    assert count(api) == 0


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("agent_id", "other"),
        ("team_id", "other-team"),
        ("created_at", datetime(2020, 1, 1, tzinfo=UTC)),
        ("updated_at", datetime(2020, 1, 1, tzinfo=UTC)),
        ("total_runs", 3),
    ],
)
async def test_read_only_fields_refuse_assignment(
    api: aioresponses, client: AsyncModeratelyAI, field: str, value: object
) -> None:
    agent = await load(api, client)
    before = getattr(agent, field)
    with pytest.raises(ValidationError, match="frozen"):
        setattr(agent, field, value)
    assert getattr(agent, field) == before
    assert agent.changed_fields == frozenset()


@pytest.mark.anyio
async def test_assignment_of_a_wrong_type_fails_at_once(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    agent = await load(api, client)
    with pytest.raises(ValueError, match="name"):
        agent.name = 42  # type: ignore[assignment]
    assert agent.name == "Support"
    assert agent.changed_fields == frozenset()


@pytest.mark.anyio
async def test_refresh_reloads_in_place(api: aioresponses, client: AsyncModeratelyAI) -> None:
    agent = await load(api, client)
    agent.name = "local edit"
    api.get(url("/agents/ag-1"), payload=agent_json(name="Server"), headers={"X-Request-Id": "r2"})
    assert await agent.refresh() is agent
    assert agent.name == "Server"
    assert agent.changed_fields == frozenset()
    assert agent.api_request_id == "r2"


@pytest.mark.anyio
async def test_instance_delete(api: aioresponses, client: AsyncModeratelyAI) -> None:
    agent = await load(api, client, agentId="a/b")
    api.delete(url("/agents/a%2Fb"), body="")
    await agent.delete()
    assert [(m, u.raw_path) for m, u, _ in sent(api)] == [("DELETE", "/agents/a%2Fb")]
