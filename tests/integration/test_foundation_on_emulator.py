"""The foundation's user story, end to end against the emulator over a real socket."""

from __future__ import annotations

from typing import Any

import pytest

from moderately import (
    Agent,
    AsyncAgent,
    AsyncModeratelyAI,
    AsyncPage,
    ConflictError,
    HookContext,
    InvalidArgumentError,
    ModeratelyAI,
    NotFoundError,
    Outcome,
    Page,
    Replace,
    Team,
)
from moderately.testing import Emulator


@pytest.mark.anyio
async def test_async_agent_lifecycle_from_the_issue(moderately_emulator: Emulator) -> None:
    emu = moderately_emulator
    async with AsyncModeratelyAI(
        api_key=emu.api_key, team_id=emu.team_id, base_url=emu.base_url
    ) as client:
        agent = await client.agents.create(name="Support", description="Tickets")
        assert isinstance(agent, AsyncAgent)
        assert agent.team_id == emu.team_id
        assert agent.api_request_id
        await client.agents.create(name="Billing")

        page = await client.agents.list(name_like="Sup", page_size=50)
        assert isinstance(page, AsyncPage)
        assert [a.agent_id for a in page.items] == [agent.agent_id]
        assert (page.page, page.page_size, page.total_items) == (1, 50, 1)
        assert page.has_next_page is False

        names = [a.name async for a in client.agents.list(order_by="name")]
        assert names == ["Billing", "Support"]

        before = emu.stats.count("PATCH /agents/{agentId}")
        agent.description = "Handles tickets"
        assert agent.changed_fields == {"description"}
        await agent.save()
        assert agent.changed_fields == frozenset()
        assert emu.stats.count("PATCH /agents/{agentId}") == before + 1
        await agent.save()  # nothing changed: no request
        assert emu.stats.count("PATCH /agents/{agentId}") == before + 1

        fetched = await client.agents.retrieve(agent.agent_id)
        assert fetched.description == "Handles tickets"
        assert fetched.name == "Support"

        with pytest.raises(ConflictError):
            await client.agents.create(name="Billing")

        await agent.delete()
        with pytest.raises(NotFoundError) as caught:
            await client.agents.retrieve(agent.agent_id)
        assert caught.value.status_code == 404
        assert caught.value.request_id

        me = await client.whoami()
        assert me.user_id == emu.user_id
        health = await client.health()
        assert health.is_healthy


@pytest.mark.anyio
async def test_async_iteration_fetches_every_page(moderately_emulator: Emulator) -> None:
    emu = moderately_emulator
    async with AsyncModeratelyAI(
        api_key=emu.api_key, team_id=emu.team_id, base_url=emu.base_url
    ) as client:
        created = {(await client.agents.create(name=f"agent-{i:02d}")).agent_id for i in range(23)}
        before = emu.stats.count("GET /agents")
        seen = [a.agent_id async for a in client.agents.list(page_size=5)]
        assert sorted(seen) == sorted(created)
        assert len(seen) == len(set(seen))
        assert emu.stats.count("GET /agents") - before == 5


def test_sync_client_from_environment(
    moderately_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = moderately_emulator
    monkeypatch.setenv("MODERATELY_API_KEY", emu.api_key)
    monkeypatch.setenv("MODERATELY_TEAM_ID", emu.team_id)
    monkeypatch.setenv("MODERATELY_BASE_URL", emu.base_url)
    with ModeratelyAI() as client:
        agent = client.agents.create(name="Support")
        assert isinstance(agent, Agent)
        page = client.agents.list()
        assert isinstance(page, Page)
        assert [a.agent_id for a in client.agents.list()] == [agent.agent_id]
        renamed = client.agents.update(agent.agent_id, name="Helpdesk")
        assert renamed.name == "Helpdesk"
        client.agents.delete(agent.agent_id)
        assert list(client.agents.list()) == []


def test_users_and_teams(moderately_client: ModeratelyAI, moderately_emulator: Emulator) -> None:
    client = moderately_client
    me = client.users.retrieve(moderately_emulator.user_id)
    assert me.user_id == moderately_emulator.user_id
    updated = client.users.update(me.user_id, full_name="Ada Lovelace")
    assert updated.full_name == "Ada Lovelace"
    me.full_name = "Grace Hopper"
    me.save()
    assert client.users.retrieve(me.user_id).full_name == "Grace Hopper"
    assert me.user_id in [u.user_id for u in client.users.list()]

    team = client.teams.retrieve(moderately_emulator.team_id)
    renamed = client.teams.update(team.team_id, name="Platform")
    assert renamed.name == "Platform"
    assert client.teams.retrieve(team.team_id).name == "Platform"
    new = client.teams.create(name="Research")
    assert new.name == "Research"
    listed = {t.team_id for t in client.teams.list()}
    assert team.team_id in listed


def test_bad_arguments_fail_before_any_request(
    moderately_client: ModeratelyAI, moderately_emulator: Emulator
) -> None:
    before = moderately_emulator.stats.count()
    with pytest.raises(InvalidArgumentError):
        moderately_client.agents.create(name="")
    with pytest.raises(InvalidArgumentError):
        moderately_client.agents.retrieve(123)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        moderately_client.agents.list(page_size=0)
    with pytest.raises(InvalidArgumentError):
        moderately_client.teams.update("t", name="x" * 256)
    assert moderately_emulator.stats.count() == before


def test_a_namespace_can_load_a_subclass_whose_hooks_run(
    moderately_client: ModeratelyAI, moderately_emulator: Emulator
) -> None:
    seen: list[str] = []

    class AuditedAgent(Agent):
        @classmethod
        def before_create(cls, ctx: HookContext[Any]) -> Replace[Any] | None:
            seen.append(f"create {ctx.params['name']}")
            return None

        @classmethod
        def after_get(cls, ctx: HookContext[Any], outcome: Outcome[Any]) -> Replace[Any] | None:
            seen.append(f"got {ctx.params['agent_id']}")
            return None

    agents = moderately_client.agents.using(AuditedAgent)
    created = agents.create(name="Audited")
    assert type(created) is AuditedAgent
    fetched = agents.retrieve(created.agent_id)
    assert type(fetched) is AuditedAgent
    assert all(type(a) is AuditedAgent for a in agents.list())
    assert seen == ["create Audited", f"got {created.agent_id}"]
    assert type(moderately_client.agents.retrieve(created.agent_id)) is Agent

    with pytest.raises(InvalidArgumentError, match="subclass of Agent"):
        moderately_client.agents.using(Team)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_an_async_namespace_can_load_a_subclass(moderately_emulator: Emulator) -> None:
    class Tagged(AsyncAgent):
        @property
        def tag(self) -> str:
            return f"agent:{self.name}"

    emu = moderately_emulator
    async with AsyncModeratelyAI(
        api_key=emu.api_key, team_id=emu.team_id, base_url=emu.base_url
    ) as client:
        agents = client.agents.using(Tagged)
        made = await agents.create(name="Tagged")
        assert isinstance(made, Tagged)
        assert made.tag == "agent:Tagged"
        page = await agents.list()
        assert [type(a) for a in page.items] == [Tagged]
