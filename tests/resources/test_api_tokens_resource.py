"""client.api_tokens against the emulator over a real socket, async and sync."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel

from moderately import (
    ApiToken,
    ApiTokenUsage,
    AsyncApiToken,
    AsyncModeratelyAI,
    AuthenticationError,
    ConfigurationError,
    InvalidArgumentError,
    ModeratelyAI,
    NotFoundError,
    PermissionDeniedError,
    Secret,
)
from moderately.testing import Emulator


def _assert_masked(obj: object, secret: str) -> None:
    for shown in (repr(obj), str(obj), f"{obj}", f"{obj!r}"):
        assert secret not in shown
    if isinstance(obj, BaseModel):
        assert secret not in obj.model_dump_json()
        assert secret not in str(obj.model_dump())


@pytest.mark.anyio
async def test_async_create_shows_the_secret_once_and_masks_it(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    expires = datetime.now(UTC) + timedelta(days=30)
    created = await client.api_tokens.create(
        name="CI pipeline", role="readonly", expires_at=expires
    )
    assert isinstance(created, AsyncApiToken)
    assert (created.name, created.role, created.team_id) == ("CI pipeline", "readonly", emu.team_id)
    assert created.expires_at is not None
    assert abs(created.expires_at - expires) < timedelta(seconds=1)

    assert isinstance(created.token, Secret)
    secret = created.token.reveal()
    assert len(secret) > 8
    _assert_masked(created, secret)
    _assert_masked(created.token, secret)
    assert "Secret('****')" in repr(created)

    # The revealed secret is a working credential.
    async with AsyncModeratelyAI(
        api_key=secret, team_id=emu.team_id, base_url=emu.base_url
    ) as as_token:
        assert (await as_token.whoami()).user_id == emu.user_id

    # Saving re-reads the token from an answer without the secret: the secret stays.
    created.name = "CI"
    await created.save()
    assert created.name == "CI"
    assert created.token is not None
    assert created.token.reveal() == secret
    await created.refresh()
    assert created.token.reveal() == secret
    assert created.token_prefix is not None
    assert secret.startswith(created.token_prefix)

    # Later loads never carry it.
    again = await client.api_tokens.retrieve(created.token_id)
    assert again.token is None
    assert again.last4 == secret[-4:]


@pytest.mark.anyio
async def test_async_list_retrieve_update_delete(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    alpha = await client.api_tokens.create(name="alpha")
    beta = await client.api_tokens.create(name="beta", role="admin")

    names = [t.name for t in (await client.api_tokens.list(order_by="name")).items]
    assert names == ["alpha", "beta", "emulator"]
    newest = await client.api_tokens.list(order_by="created_at", order_direction="desc")
    assert newest.items[0].token_id == beta.token_id
    picked = await client.api_tokens.list(token_ids=[alpha.token_id, beta.token_id])
    assert {t.token_id for t in picked.items} == {alpha.token_id, beta.token_id}
    assert all(t.token is None and t.usage_7_days is not None for t in picked.items)
    explicit = await client.api_tokens.list(team_id=emu.team_id, page_size=1)
    assert explicit.has_next_page
    assert len([t async for t in client.api_tokens.list(page_size=1)]) == 3

    detail = await client.api_tokens.retrieve(alpha.token_id)
    assert detail.created_by is not None
    assert detail.created_by.user_id == emu.user_id
    assert detail.usage_stats is not None
    assert detail.usage_stats.total_requests == 0
    assert detail.role == "member"
    assert detail.is_active is True

    later = datetime.now(UTC) + timedelta(days=2)
    changed = await client.api_tokens.update(alpha.token_id, name="alpha-2", expires_at=later)
    assert changed.name == "alpha-2"
    assert changed.expires_at is not None
    cleared = await client.api_tokens.update(alpha.token_id, expires_at=None)
    assert cleared.expires_at is None

    alpha_secret = alpha.token.reveal() if alpha.token else ""
    off = await client.api_tokens.update(alpha.token_id, is_active=False)
    assert off.is_active is False
    async with AsyncModeratelyAI(api_key=alpha_secret, base_url=emu.base_url) as as_alpha:
        with pytest.raises(AuthenticationError):
            await as_alpha.whoami()

    before = emu.stats.count("DELETE /api-tokens/{tokenId}")
    await client.api_tokens.delete(alpha.token_id)
    await beta.delete()
    assert emu.stats.count("DELETE /api-tokens/{tokenId}") == before + 2
    with pytest.raises(NotFoundError):
        await client.api_tokens.retrieve(beta.token_id)


@pytest.mark.anyio
async def test_async_usage_with_every_filter(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    created = await client.api_tokens.create(name="usage")
    assert created.token is not None
    async with AsyncModeratelyAI(
        api_key=created.token.reveal(), team_id=emu.team_id, base_url=emu.base_url
    ) as as_token:
        await as_token.agents.list()
        await as_token.agents.list()
        await as_token.whoami()
        with pytest.raises(NotFoundError):
            await as_token.agents.retrieve("missing")

    usage = await client.api_tokens.usage(created.token_id)
    assert isinstance(usage, ApiTokenUsage)
    assert usage.total_requests == 4
    assert usage.requests_by_endpoint["/agents"] == 2
    assert usage.requests_by_method == {"GET": 4}
    assert usage.error_rate == pytest.approx(0.25)
    assert usage.average_response_time >= 0

    only_agents = await client.api_tokens.usage(created.token_id, endpoint="/agents", method="get")
    assert only_agents.total_requests == 2
    assert (await client.api_tokens.usage(created.token_id, method="POST")).total_requests == 0
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    window = await client.api_tokens.usage(
        created.token_id, start_date=hour_ago, end_date=datetime.now(UTC) + timedelta(hours=1)
    )
    assert window.total_requests == 4
    future = await created.usage(start_date=date.today() + timedelta(days=2))
    assert future.total_requests == 0
    past = await created.usage(end_date=date(2000, 1, 1))
    assert past.total_requests == 0


@pytest.mark.anyio
async def test_async_another_teams_tokens_are_forbidden(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    other = emu.new_identity()
    async with AsyncModeratelyAI(
        api_key=other.api_key, team_id=other.team_id, base_url=emu.base_url
    ) as theirs:
        foreign = (await theirs.api_tokens.list()).items[0].token_id
    for call in (
        client.api_tokens.retrieve(foreign),
        client.api_tokens.usage(foreign),
        client.api_tokens.update(foreign, name="mine now"),
        client.api_tokens.delete(foreign),
    ):
        with pytest.raises(PermissionDeniedError):
            await call
    with pytest.raises(PermissionDeniedError):
        await client.api_tokens.list(team_id=other.team_id)
    with pytest.raises(PermissionDeniedError):
        await client.api_tokens.create(name="intruder", team_id=other.team_id)
    with pytest.raises(NotFoundError):
        await client.api_tokens.usage("no-such-token")


@pytest.mark.anyio
async def test_async_a_readonly_token_cannot_create_tokens(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    readonly = await client.api_tokens.create(name="reader", role="readonly")
    assert readonly.token is not None
    async with AsyncModeratelyAI(
        api_key=readonly.token.reveal(), team_id=emu.team_id, base_url=emu.base_url
    ) as reader:
        assert len((await reader.api_tokens.list()).items) == 2
        with pytest.raises(PermissionDeniedError):
            await reader.api_tokens.create(name="escalate", role="admin")


NAIVE = datetime(2030, 1, 1, 12, 0)  # naive on purpose


@pytest.mark.parametrize(
    ("call", "kwargs"),
    [
        ("create", {"name": ""}),
        ("create", {"name": "x" * 256}),
        ("create", {"name": "ok", "role": "owner"}),
        ("create", {"name": "ok", "expires_at": NAIVE}),
        ("create", {"name": "ok", "expires_at": "2030-01-01"}),
        ("list", {"order_by": "last_used_at"}),
        ("list", {"token_ids": [""]}),
        ("list", {"team_id": ""}),
        ("retrieve", {"token_id": ""}),
        ("update", {"token_id": "t", "name": ""}),
        ("update", {"token_id": "t", "is_active": 1}),
        ("update", {"token_id": "t", "expires_at": NAIVE}),
        ("update", {"token_id": "t", "role": "admin"}),
        ("delete", {"token_id": None}),
        ("usage", {"token_id": "t", "start_date": NAIVE}),
        ("usage", {"token_id": "t", "end_date": "yesterday"}),
        ("usage", {"token_id": "t", "method": ""}),
        ("usage", {"token_id": "t", "endpoint": 5}),
        ("usage", {"token_id": ""}),
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
        getattr(moderately_client.api_tokens, call)(**kwargs)
    assert moderately_emulator.stats.count() == before


def test_team_scoped_calls_need_a_team(moderately_emulator: Emulator) -> None:
    emu = moderately_emulator
    with ModeratelyAI(api_key=emu.api_key, base_url=emu.base_url) as teamless:
        with pytest.raises(ConfigurationError):
            teamless.api_tokens.list()
        with pytest.raises(ConfigurationError):
            teamless.api_tokens.create(name="x")
        assert [t.name for t in teamless.api_tokens.list(team_id=emu.team_id)] == ["emulator"]
    assert emu.stats.count("POST /api-tokens") == 0


def test_sync_every_method(moderately_emulator: Emulator, moderately_client: ModeratelyAI) -> None:
    emu, client = moderately_emulator, moderately_client
    token = client.api_tokens.create(name="nightly", expires_at=datetime.now(UTC) + timedelta(1))
    assert isinstance(token, ApiToken)
    assert token.token is not None
    secret = token.token.reveal()
    _assert_masked(token, secret)
    # Pickling for a cache or a queue must not be a way around the mask either.
    assert secret.encode() not in pickle.dumps(token.model_dump())

    assert [t.name for t in client.api_tokens.list(order_by="name", order_direction="desc")] == [
        "nightly",
        "emulator",
    ]
    fetched = client.api_tokens.retrieve(token.token_id)
    assert fetched.usage_stats is not None
    updated = client.api_tokens.update(token.token_id, name="nightly-2", is_active=True)
    assert updated.name == "nightly-2"
    token.is_active = False
    token.save()
    assert token.is_active is False
    assert token.token is not None
    assert token.token.reveal() == secret

    usage = client.api_tokens.usage(token.token_id, endpoint="/agents", method="GET")
    assert usage.total_requests == 0
    assert token.usage(start_date=date.today()).total_requests == 0

    client.api_tokens.delete(token.token_id)
    assert emu.stats.count("DELETE /api-tokens/{tokenId}") == 1
    with pytest.raises(NotFoundError):
        token.refresh()


def test_sync_another_teams_token_is_forbidden(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    other = moderately_emulator.new_identity()
    with ModeratelyAI(
        api_key=other.api_key, team_id=other.team_id, base_url=moderately_emulator.base_url
    ) as theirs:
        foreign = theirs.api_tokens.list().items[0].token_id
    with pytest.raises(PermissionDeniedError):
        moderately_client.api_tokens.retrieve(foreign)
    with pytest.raises(PermissionDeniedError):
        moderately_client.api_tokens.usage(foreign, method="GET")
