"""The generated sync client sends the same requests and raises the same errors."""

from __future__ import annotations

import json

import pytest
from aioresponses import aioresponses
from unit_support import CANARY, TEAM, agent_json, count, error_json, headers_of, only, sent, url

from moderately import (
    Agent,
    ConfigurationError,
    InternalServerError,
    InvalidArgumentError,
    ModeratelyAI,
    NotFoundError,
)


def test_sync_retrieve_encodes_and_authenticates(
    api: aioresponses, sync_client: ModeratelyAI
) -> None:
    api.get(url("/agents/a%2Fb"), payload=agent_json("a/b"), headers={"X-Request-Id": "r1"})
    agent = sync_client.agents.retrieve("a/b")
    assert isinstance(agent, Agent)
    assert agent.api_request_id == "r1"
    _, seen, call = only(api)
    assert seen.raw_path == "/agents/a%2Fb"
    assert headers_of(call)["authorization"] == f"Bearer {CANARY}"
    assert "idempotency-key" not in headers_of(call)


def test_sync_create_and_save(api: aioresponses, sync_client: ModeratelyAI) -> None:
    api.post(url("/agents"), status=201, payload=agent_json())
    api.patch(url("/agents/ag-1"), payload=agent_json(description="new"))
    agent = sync_client.agents.create(name="Support")
    agent.description = "new"
    agent.save()
    (_, _, create), (_, _, patch) = sent(api)
    assert json.loads(create.kwargs["data"]) == {"teamId": TEAM, "name": "Support"}
    assert json.loads(patch.kwargs["data"]) == {"description": "new"}
    assert headers_of(create)["idempotency-key"] != headers_of(patch)["idempotency-key"]
    assert agent.changed_fields == frozenset()


def test_sync_errors_and_retries(api: aioresponses, sync_client: ModeratelyAI) -> None:
    api.get(url("/agents/gone"), status=404, payload=error_json("NOT_FOUND", "no such agent"))
    with pytest.raises(NotFoundError) as caught:
        sync_client.agents.retrieve("gone")
    assert caught.value.code == "NOT_FOUND"
    assert count(api) == 1
    api.post(url("/agents"), status=500, body="", repeat=True)
    with pytest.raises(InternalServerError) as failed:
        sync_client.agents.create(name="n")
    posts = [c for m, _, c in sent(api) if m == "POST"]
    assert len(posts) == 3
    assert {headers_of(c)["idempotency-key"] for c in posts} == {failed.value.idempotency_key}


def test_sync_bad_input_and_missing_team(api: aioresponses) -> None:
    with ModeratelyAI(api_key=CANARY, base_url="https://api.unit.test") as client:
        with pytest.raises(InvalidArgumentError):
            client.agents.retrieve(123)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="MODERATELY_TEAM_ID"):
            client.agents.list()
    assert count(api) == 0
