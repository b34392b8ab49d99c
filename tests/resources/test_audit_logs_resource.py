"""client.audit_logs against the emulator over a real socket, async and sync."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from moderately import (
    AsyncAuditLog,
    AsyncModeratelyAI,
    AuditLog,
    AuditLogMetadata,
    HookContext,
    InvalidArgumentError,
    ModeratelyAI,
    NotFoundError,
    Operation,
    Page,
    PermissionDeniedError,
)
from moderately.testing import Emulator


async def _activity(client: AsyncModeratelyAI) -> dict[str, str]:
    """Make some audited changes; return the ids involved."""
    agent = await client.agents.create(name="Support")
    agent.description = "Tickets"
    await agent.save()
    token = await client.api_tokens.create(name="audited")
    await client.agents.create(name="Billing")
    return {"agent": agent.agent_id, "token": token.token_id}


@pytest.mark.anyio
async def test_async_list_with_every_filter(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    started = datetime.now(UTC) - timedelta(seconds=1)
    ids = await _activity(client)

    everything = [e async for e in client.audit_logs.list(page_size=2)]
    assert len(everything) >= 4
    assert all(isinstance(e, AsyncAuditLog) for e in everything)
    first = everything[0]
    assert isinstance(first.metadata, AuditLogMetadata)
    assert first.created_at is not None

    async def kinds(**filters: Any) -> list[tuple[str, str]]:
        page = await client.audit_logs.list(page_size=100, **filters)
        return [(e.resource_type, e.action) for e in page.items]

    assert await kinds(team_id=emu.team_id) == await kinds()
    assert len(await kinds(user_id=emu.user_id)) == len(everything)
    assert len(await kinds(user_ids=[emu.user_id, "someone-else"])) == len(everything)
    seeded = (await client.api_tokens.list(order_by="name")).items[-1]
    assert seeded.name == "emulator"
    assert len(await kinds(api_token_id=seeded.token_id)) == len(everything)
    assert await kinds(api_token_ids=["nobody"]) == []
    assert await kinds(resource_type="agent", action="update") == [("agent", "update")]
    assert await kinds(resource_id=ids["token"]) == [("api_token", "create")]
    assert len(await kinds(resource_ids=[ids["agent"], ids["token"]])) == 3
    assert await kinds(event_type="api_token.create") == [("api_token", "create")]
    assert len(await kinds(action="create")) == 3
    assert len(await kinds(start_date=started)) == len(everything)
    assert await kinds(end_date=started) == []
    # Another zone is converted, not misread: one hour ahead of UTC, an hour later on the clock.
    plus_one = timezone(timedelta(hours=1))
    assert len(await kinds(start_date=started.astimezone(plus_one))) == len(everything)
    assert len(await kinds(start_date=date.today() - timedelta(days=1))) == len(everything)
    assert await kinds(start_date=date.today() + timedelta(days=2)) == []

    newest = await client.audit_logs.list(order_by="created_at", order_direction="desc")
    stamps = [e.created_at for e in newest.items if e.created_at is not None]
    assert len(stamps) == len(newest.items)
    assert stamps == sorted(stamps, reverse=True)
    by_action = await client.audit_logs.list(order_by="action", page_size=100)
    assert [e.action for e in by_action.items] == sorted(e.action for e in by_action.items)
    for order in ("event_type", "resource_type"):
        assert (await client.audit_logs.list(order_by=order)).items


@pytest.mark.anyio
async def test_async_dates_are_sent_as_iso_8601(
    moderately_async_client: AsyncModeratelyAI,
) -> None:
    client = moderately_async_client
    sent: list[dict[str, Any]] = []

    async def record(ctx: HookContext[Any]) -> None:
        sent.append(dict(ctx.params))

    client.hooks.add_before(record, operation=Operation.SEARCH)
    zone = timezone(timedelta(hours=2))
    await client.audit_logs.list(
        start_date=datetime(2025, 3, 1, 10, 30, tzinfo=zone), end_date=date(2025, 3, 31)
    )
    assert sent[0]["startDate"] == "2025-03-01T08:30:00Z"
    assert sent[0]["endDate"] == "2025-03-31"


@pytest.mark.anyio
async def test_async_retrieve_for_entity_and_for_user(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    ids = await _activity(client)

    history = await client.audit_logs.for_entity("agent", ids["agent"])
    assert [e.action for e in history.items] == ["create", "update"]
    assert all(e.resource_id == ids["agent"] for e in history.items)
    updates = await client.audit_logs.for_entity(
        "agent",
        ids["agent"],
        action="update",
        user_id=emu.user_id,
        event_type="agent.update",
        start_date=date.today() - timedelta(days=1),
        order_direction="desc",
    )
    assert len(updates.items) == 1
    assert updates.items[0].changes
    single = [e async for e in client.audit_logs.for_entity("agent", ids["agent"], page_size=1)]
    assert len(single) == 2

    entry = await client.audit_logs.retrieve(updates.items[0].audit_log_id)
    assert entry == updates.items[0]
    assert entry.user_id == emu.user_id

    mine = await client.audit_logs.for_user(emu.user_id, page_size=100)
    assert len(mine.items) >= 4
    mine_created = await client.audit_logs.for_user(
        emu.user_id, action="create", resource_type="api_token", team_id=emu.team_id
    )
    assert [e.resource_id for e in mine_created.items] == [ids["token"]]
    assert (await client.audit_logs.for_user(emu.user_id, resource_ids=[ids["agent"]])).items

    with pytest.raises(NotFoundError):
        await client.audit_logs.retrieve("no-such-entry")


@pytest.mark.anyio
async def test_async_another_teams_entries_are_forbidden(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    other = emu.new_identity()
    async with AsyncModeratelyAI(
        api_key=other.api_key, team_id=other.team_id, base_url=emu.base_url
    ) as theirs:
        their_agent = await theirs.agents.create(name="Theirs")
        their_entry = (await theirs.audit_logs.list(resource_type="agent")).items[0]
    assert their_agent.agent_id not in {e.resource_id async for e in client.audit_logs.list()}
    with pytest.raises(PermissionDeniedError):
        await client.audit_logs.retrieve(their_entry.audit_log_id)
    with pytest.raises(PermissionDeniedError):
        await client.audit_logs.for_entity("agent", their_agent.agent_id)
    with pytest.raises(PermissionDeniedError):
        await client.audit_logs.for_user(other.user_id)
    with pytest.raises(PermissionDeniedError):
        await client.audit_logs.list(team_id=other.team_id)


NAIVE = datetime(2025, 1, 1)  # naive on purpose


@pytest.mark.parametrize(
    ("call", "args", "kwargs"),
    [
        ("list", (), {"action": "destroy"}),
        ("list", (), {"start_date": NAIVE}),
        ("list", (), {"end_date": "2025-01-01"}),
        ("list", (), {"user_ids": []}),
        ("list", (), {"resource_ids": ["a,b"]}),
        ("list", (), {"team_id": ""}),
        ("list", (), {"user_id": 7}),
        ("list", (), {"order_by": "user_id"}),
        ("list", (), {"page_size": 0}),
        ("retrieve", ("",), {}),
        ("for_entity", ("", "id"), {}),
        ("for_entity", ("agent", ""), {}),
        ("for_entity", ("x" * 51, "id"), {}),
        ("for_entity", ("agent", "id"), {"end_date": NAIVE}),
        ("for_user", ("",), {}),
        ("for_user", ("u",), {"action": "read-all"}),
        ("for_user", ("u",), {"api_token_ids": [""]}),
    ],
)
def test_bad_arguments_fail_before_any_request(
    moderately_emulator: Emulator,
    moderately_client: ModeratelyAI,
    call: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    before = moderately_emulator.stats.count()
    with pytest.raises(InvalidArgumentError):
        getattr(moderately_client.audit_logs, call)(*args, **kwargs)
    assert moderately_emulator.stats.count() == before


def test_sync_every_method(moderately_emulator: Emulator, moderately_client: ModeratelyAI) -> None:
    emu, client = moderately_emulator, moderately_client
    agent = client.agents.create(name="Sync agent")
    client.agents.update(agent.agent_id, description="changed")

    page = client.audit_logs.list(resource_type="agent", start_date=date.today())
    assert isinstance(page, Page)
    assert [e.action for e in page] == ["create", "update"]
    assert all(isinstance(e, AuditLog) for e in page)
    entry = client.audit_logs.retrieve(page.items[1].audit_log_id)
    assert entry.changes is not None
    history = client.audit_logs.for_entity("agent", agent.agent_id, action="create")
    assert [e.event_type for e in history] == ["agent.create"]
    assert len(list(client.audit_logs.for_user(emu.user_id, resource_type="agent"))) == 2
    with pytest.raises(PermissionDeniedError):
        client.audit_logs.for_user(emu.new_identity().user_id)
    assert emu.stats.count("GET /audit-logs/entity/{entityType}/{entityId}") == 1
