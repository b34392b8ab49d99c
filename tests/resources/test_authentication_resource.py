"""client.authentication against the emulator over a real socket, async and sync."""

from __future__ import annotations

import logging
import traceback
from typing import Any

import pytest

from moderately import (
    AsyncModeratelyAI,
    AuthenticationError,
    AuthSession,
    InvalidArgumentError,
    ModeratelyAI,
    RateLimitError,
    Secret,
    WhoAmI,
)
from moderately.testing import Emulator


def _never_shown(secret: str, *objects: object) -> None:
    for obj in objects:
        assert secret not in repr(obj)
        assert secret not in str(obj)


@pytest.mark.anyio
async def test_async_whoami_on_the_namespace_and_the_client(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    me = await client.authentication.whoami()
    assert isinstance(me, WhoAmI)
    assert me == await client.whoami()
    assert me.user_id == emu.user_id
    assert emu.stats.count("GET /authentication/whoami") == 2


@pytest.mark.anyio
async def test_async_login_session_and_logout(
    moderately_emulator: Emulator,
    moderately_async_client: AsyncModeratelyAI,
    caplog: pytest.LogCaptureFixture,
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    caplog.set_level(logging.DEBUG, logger="moderately")
    session = await client.authentication.login(emu.email, emu.password)
    assert isinstance(session, AuthSession)
    assert isinstance(session.token, Secret)
    secret = session.token.reveal()
    _never_shown(secret, session, session.token)
    assert secret not in session.model_dump_json()
    assert emu.password not in caplog.text
    assert secret not in caplog.text

    as_session = client.with_options(api_key=secret)
    assert (await as_session.whoami()).user_id == emu.user_id

    await client.authentication.logout(session)
    with pytest.raises(AuthenticationError):
        await as_session.whoami()
    # Signing out with an API key ends no session; the key keeps working.
    await client.authentication.logout()
    assert (await client.whoami()).user_id == emu.user_id
    assert emu.stats.count("POST /authentication/logout") == 2


@pytest.mark.anyio
async def test_async_wrong_password_and_lockout(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu = moderately_emulator
    # No retries: the lockout's Retry-After is a minute long.
    client = moderately_async_client.with_options(max_retries=0)
    wrong = "not-the-password-123"
    for _ in range(emu.config.login_attempts_before_429):
        with pytest.raises(AuthenticationError) as caught:
            await client.authentication.login(emu.email, wrong)
        assert wrong not in str(caught.value)
    with pytest.raises(RateLimitError) as limited:
        await client.authentication.login(emu.email, emu.password)
    assert limited.value.retry_after is not None


@pytest.mark.anyio
async def test_async_email_sign_in(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    message = await client.authentication.email_initialize(emu.email)
    assert message
    # The same answer for an unknown address, so the route reveals nothing.
    assert await client.authentication.email_initialize("nobody@example.com") == message
    code = emu.email_code(emu.email)
    assert code is not None

    session = await client.authentication.email_verify(code)
    assert session.token is not None
    _never_shown(session.token.reveal(), session)
    async with AsyncModeratelyAI(
        api_key=session.token.reveal(), base_url=emu.base_url
    ) as as_session:
        assert (await as_session.authentication.whoami()).user_id == emu.user_id
        await as_session.authentication.logout()
        with pytest.raises(AuthenticationError):
            await as_session.whoami()

    with pytest.raises(AuthenticationError):
        await client.authentication.email_verify(code)  # a code works once


@pytest.mark.parametrize(
    ("call", "kwargs"),
    [
        ("login", {"email": "not-an-address", "password": "hunter2-secret"}),
        ("login", {"email": "dev@moderately.test", "password": ""}),
        ("login", {"email": "dev@moderately.test", "password": b"hunter2-secret"}),
        ("login", {"email": None, "password": "hunter2-secret"}),
        ("email_initialize", {"email": "two@@signs"}),
        ("email_initialize", {"email": ""}),
        ("email_verify", {"token": ""}),
        ("email_verify", {"token": 123456}),
    ],
)
def test_bad_arguments_fail_before_any_request_and_hide_the_input(
    moderately_emulator: Emulator,
    moderately_client: ModeratelyAI,
    call: str,
    kwargs: dict[str, Any],
) -> None:
    before = moderately_emulator.stats.count()
    with pytest.raises(InvalidArgumentError) as caught:
        getattr(moderately_client.authentication, call)(**kwargs)
    assert moderately_emulator.stats.count() == before
    # Neither the error nor the validation error chained to it shows what was passed.
    shown = "".join(traceback.format_exception(caught.value))
    assert "hunter2-secret" not in shown
    assert "123456" not in shown


def test_sync_every_method(moderately_emulator: Emulator, moderately_client: ModeratelyAI) -> None:
    emu, client = moderately_emulator, moderately_client
    assert client.authentication.whoami().user_id == emu.user_id

    session = client.authentication.login(emu.email, emu.password)
    assert session.token is not None
    _never_shown(session.token.reveal(), session)
    with ModeratelyAI(api_key=session.token.reveal(), base_url=emu.base_url) as as_session:
        assert as_session.whoami().user_id == emu.user_id
        client.authentication.logout(session)
        with pytest.raises(AuthenticationError):
            as_session.whoami()

    assert client.authentication.email_initialize(emu.email)
    code = emu.email_code(emu.email)
    assert code is not None
    verified = client.authentication.email_verify(code)
    assert verified.token is not None
    client.authentication.logout(verified)
    with pytest.raises(AuthenticationError):
        client.with_options(api_key=verified.token.reveal()).whoami()

    with pytest.raises(AuthenticationError):
        client.authentication.login(emu.email, "wrong-password")
    with pytest.raises(AuthenticationError):
        client.authentication.email_verify("not-a-code")
