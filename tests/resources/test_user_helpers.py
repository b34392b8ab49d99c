"""The user model's helpers (display name, creation date, profile update), async and sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from moderately import (
    AsyncModeratelyAI,
    AsyncUser,
    InvalidArgumentError,
    ModeratelyAI,
    User,
)
from moderately.testing import Emulator


def test_display_name_prefers_the_nickname() -> None:
    named = User.model_validate({"userId": "u1", "fullName": "Jane Smith", "nickname": "jane"})
    assert named.display_name() == "jane"
    plain = User.model_validate({"userId": "u2", "fullName": "Jane Smith"})
    assert plain.display_name() == "Jane Smith"


def test_formatted_created_at_is_in_utc() -> None:
    eastern = datetime(2025, 8, 22, 22, 14, tzinfo=timezone(timedelta(hours=2)))
    user = AsyncUser.model_validate(
        {"userId": "u", "fullName": "J", "createdAt": eastern.isoformat()}
    )
    assert user.formatted_created_at() == "2025-08-22 20:14 UTC"
    assert user.formatted_created_at("%d/%m/%Y") == "22/08/2025"
    unknown = AsyncUser.model_validate({"userId": "u", "fullName": "J", "createdAt": None})
    assert unknown.formatted_created_at() is None


@pytest.mark.anyio
async def test_async_the_reference_example(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    user = await client.users.retrieve(emu.user_id)
    assert user.display_name() == "Developer"
    assert user.nickname is None
    shown = user.formatted_created_at()
    assert shown is not None
    assert shown.startswith(str(datetime.now(UTC).year))

    before = emu.stats.count("PATCH /users/{userId}")
    same = await user.update_profile(full_name="Jane Smith")
    assert same is user
    assert user.full_name == "Jane Smith"
    assert user.changed_fields == frozenset()
    assert emu.stats.count("PATCH /users/{userId}") == before + 1
    assert (await client.users.retrieve(emu.user_id)).display_name() == "Jane Smith"

    via_namespace = await client.users.update(emu.user_id, full_name="John Doe")
    assert via_namespace.full_name == "John Doe"


@pytest.mark.anyio
async def test_async_a_refused_name_changes_nothing(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    user = await client.users.retrieve(emu.user_id)
    before = emu.stats.count()
    for bad in ("", "x" * 256):
        with pytest.raises(InvalidArgumentError):
            await user.update_profile(full_name=bad)
    assert user.full_name == "Developer"
    assert user.changed_fields == frozenset()
    assert emu.stats.count() == before


def test_sync_the_reference_example(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_client
    user = client.users.retrieve(emu.user_id)
    assert isinstance(user, User)
    assert f"User: {user.display_name()} ({user.full_name})" == "User: Developer (Developer)"
    assert user.formatted_created_at() is not None
    user = user.update_profile(full_name="Jane Smith")
    assert client.users.retrieve(emu.user_id).full_name == "Jane Smith"
    with pytest.raises(InvalidArgumentError):
        user.update_profile(full_name="")
    assert user.full_name == "Jane Smith"
