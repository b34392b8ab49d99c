"""client.team_users against the emulator over a real socket, async and sync."""

from __future__ import annotations

from typing import Any

import pytest

from moderately import (
    AsyncModeratelyAI,
    AsyncTeamUser,
    InvalidArgumentError,
    ModeratelyAI,
    NotFoundError,
    Page,
    PermissionDeniedError,
    TeamUser,
)
from moderately.testing import Emulator


def _members(emu: Emulator) -> dict[str, str]:
    """Add two members to the seeded team; return their team-user ids by name."""
    ada = emu.create_user("Ada Lovelace", "ada@example.com")
    bob = emu.create_user("Bob Stone", "bob@other.org")
    return {
        "ada": emu.add_member(emu.team_id, ada, "member"),
        "bob": emu.add_member(emu.team_id, bob, "admin"),
    }


@pytest.mark.anyio
async def test_async_list_uses_every_filter(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    ids = _members(emu)
    other = emu.new_identity()
    emu.add_member(other.team_id, emu.user_id, "member")

    page = await client.team_users.list()
    # Scoped to the client's team by default, although the user also belongs to another team.
    assert {m.team_id for m in page.items} == {emu.team_id}
    assert len(page.items) == 3
    assert all(isinstance(m, AsyncTeamUser) for m in page.items)

    both = await client.team_users.list(team_ids=[emu.team_id, other.team_id])
    assert {m.team_id for m in both.items} == {emu.team_id, other.team_id}

    only_ada = await client.team_users.list(team_user_ids=ids["ada"])
    assert [m.email for m in only_ada.items] == ["ada@example.com"]
    by_user = await client.team_users.list(user_ids=[emu.user_id])
    assert [m.user_id for m in by_user.items] == [emu.user_id]
    admins = await client.team_users.list(roles="admin")
    assert {m.team_user_id for m in admins.items} >= {ids["bob"]}
    assert all(m.is_admin for m in admins.items)
    members = await client.team_users.list(roles=["member"])
    assert [m.team_user_id for m in members.items] == [ids["ada"]]
    assert [m.email for m in (await client.team_users.list(name_like="stone")).items] == [
        "bob@other.org"
    ]
    assert [m.team_user_id for m in (await client.team_users.list(email_like="ada@")).items] == [
        ids["ada"]
    ]

    ordered = await client.team_users.list(order_by="name", order_direction="desc")
    assert [m.email for m in ordered.items] == [
        emu.email,
        "bob@other.org",
        "ada@example.com",
    ]
    by_role = await client.team_users.list(order_by="role", page_size=1)
    assert by_role.page_size == 1
    assert by_role.has_next_page
    assert len([m async for m in client.team_users.list(page_size=1)]) == 3


@pytest.mark.anyio
async def test_async_retrieve_update_save_delete(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    ids = _members(emu)

    ada = await client.team_users.retrieve(ids["ada"])
    assert (ada.role, ada.is_admin, ada.email) == ("member", False, "ada@example.com")
    assert ada.created_at is not None

    promoted = await client.team_users.update(ids["ada"], role="admin")
    assert promoted.role == "admin"
    assert promoted.is_admin

    before = emu.stats.count("PATCH /team-users/{teamUserId}")
    ada.role = "member"
    ada.is_default = True
    assert ada.changed_fields == {"role", "is_default"}
    await ada.save()
    assert emu.stats.count("PATCH /team-users/{teamUserId}") == before + 1
    assert (await client.team_users.retrieve(ids["ada"])).role == "member"

    await client.team_users.delete(ids["bob"])
    await ada.delete()
    for gone in ids.values():
        with pytest.raises(NotFoundError):
            await client.team_users.retrieve(gone)
    assert emu.stats.count("DELETE /team-users/{teamUserId}") == 2


@pytest.mark.anyio
async def test_async_another_teams_membership_is_forbidden(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    other = emu.new_identity()
    async with AsyncModeratelyAI(
        api_key=other.api_key, team_id=other.team_id, base_url=emu.base_url
    ) as theirs:
        foreign = (await theirs.team_users.list()).items[0].team_user_id

    with pytest.raises(PermissionDeniedError) as caught:
        await client.team_users.retrieve(foreign)
    assert caught.value.status_code == 403
    with pytest.raises(PermissionDeniedError):
        await client.team_users.update(foreign, role="member")
    with pytest.raises(PermissionDeniedError):
        await client.team_users.delete(foreign)
    with pytest.raises(PermissionDeniedError):
        await client.team_users.list(team_ids=other.team_id)
    with pytest.raises(NotFoundError):
        await client.team_users.retrieve("no-such-membership")


@pytest.mark.parametrize(
    ("call", "kwargs"),
    [
        ("list", {"roles": "owner"}),
        ("list", {"roles": ["admin", ""]}),
        ("list", {"team_user_ids": []}),
        ("list", {"user_ids": ["a,b"]}),
        ("list", {"order_by": "email"}),
        ("list", {"order_direction": "up"}),
        ("list", {"page": 0}),
        ("list", {"page_size": 1001}),
        ("retrieve", {"team_user_id": ""}),
        ("update", {"team_user_id": "tu", "role": "owner"}),
        ("update", {"team_user_id": "tu", "is_default": "yes"}),
        ("update", {"team_user_id": "tu", "team_id": "t"}),
        ("delete", {"team_user_id": 42}),
    ],
)
def test_bad_arguments_fail_before_any_request(
    moderately_emulator: Emulator,
    moderately_client: ModeratelyAI,
    call: str,
    kwargs: dict[str, Any],
) -> None:
    before = moderately_emulator.stats.count()
    with pytest.raises(InvalidArgumentError):
        getattr(moderately_client.team_users, call)(**kwargs)
    assert moderately_emulator.stats.count() == before


def test_sync_every_method(moderately_emulator: Emulator, moderately_client: ModeratelyAI) -> None:
    emu, client = moderately_emulator, moderately_client
    ids = _members(emu)

    page = client.team_users.list(roles=["admin", "member"], order_by="created_at")
    assert isinstance(page, Page)
    assert all(isinstance(m, TeamUser) for m in page)
    assert len(page.items) == 3
    assert [m.team_user_id for m in client.team_users.list(email_like="other.org")] == [ids["bob"]]

    bob = client.team_users.retrieve(ids["bob"])
    assert bob.is_admin
    demoted = client.team_users.update(ids["bob"], role="member", is_default=False)
    assert demoted.role == "member"
    bob.refresh()
    assert bob.role == "member"
    bob.role = "admin"
    assert bob.save() is bob
    assert client.team_users.retrieve(ids["bob"]).is_admin

    client.team_users.delete(ids["ada"])
    bob.delete()
    assert [m.user_id for m in client.team_users.list()] == [emu.user_id]


def test_sync_another_teams_membership_is_forbidden(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    other = moderately_emulator.new_identity()
    with ModeratelyAI(
        api_key=other.api_key, team_id=other.team_id, base_url=moderately_emulator.base_url
    ) as theirs:
        foreign = theirs.team_users.list().items[0].team_user_id
    with pytest.raises(PermissionDeniedError):
        moderately_client.team_users.retrieve(foreign)
    with pytest.raises(PermissionDeniedError):
        moderately_client.team_users.delete(foreign)
