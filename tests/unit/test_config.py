"""Client settings, copies made by ``with_options``, and keeping the API key out of sight."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import traceback
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from unit_support import BASE, CANARY, TEAM, agent_json, error_json, only, page_json, url

from moderately import (
    APIConnectionError,
    AsyncModeratelyAI,
    AuthenticationError,
    ConfigurationError,
    HookContext,
    ModeratelyAI,
    ModeratelyError,
    Replace,
)
from moderately._config import ClientConfig
from moderately._logging import redact_url

DEFAULT_BASE_URL = "https://api.moderately.ai"


def resolve(**overrides: Any) -> ClientConfig:
    settings: dict[str, Any] = {
        "api_key": None,
        "team_id": None,
        "base_url": None,
        "timeout": None,
        "max_retries": None,
        "retry_unknown_outcome": None,
        "default_headers": None,
    }
    settings.update(overrides)
    return ClientConfig.resolve(**settings)


# --- resolution order --------------------------------------------------------------------


@pytest.mark.anyio
async def test_explicit_arguments_beat_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODERATELY_API_KEY", "env-key")
    monkeypatch.setenv("MODERATELY_TEAM_ID", "env-team")
    monkeypatch.setenv("MODERATELY_BASE_URL", "https://env.unit.test")
    async with AsyncModeratelyAI(
        api_key=CANARY, team_id="arg-team", base_url="https://arg.unit.test"
    ) as client:
        assert client.team_id == "arg-team"
        assert client.base_url == "https://arg.unit.test"
        with aioresponses() as api:
            api.get("https://arg.unit.test/agents/a", payload=agent_json("a"))
            await client.agents.retrieve("a")
            headers = dict(only(api)[2].kwargs["headers"])
    assert headers["Authorization"] == f"Bearer {CANARY}"


@pytest.mark.anyio
async def test_environment_beats_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODERATELY_API_KEY", "env-key")
    monkeypatch.setenv("MODERATELY_TEAM_ID", "env-team")
    monkeypatch.setenv("MODERATELY_BASE_URL", "https://env.unit.test/")
    async with AsyncModeratelyAI() as client:
        assert client.team_id == "env-team"
        assert client.base_url == "https://env.unit.test"
        with aioresponses() as api:
            api.get("https://env.unit.test/agents/a", payload=agent_json("a"))
            await client.agents.retrieve("a")
            headers = dict(only(api)[2].kwargs["headers"])
    assert headers["Authorization"] == "Bearer env-key"


def test_default_base_url_and_settings() -> None:
    client = ModeratelyAI(api_key=CANARY)
    try:
        assert client.base_url == DEFAULT_BASE_URL
        assert client.team_id is None
        assert client.max_retries == 2
        assert client.timeout == 60.0
    finally:
        client.close()


def test_empty_environment_values_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODERATELY_TEAM_ID", "")
    monkeypatch.setenv("MODERATELY_BASE_URL", "")
    config = resolve(api_key=CANARY)
    assert config.team_id is None
    assert config.base_url == DEFAULT_BASE_URL


def test_settings_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODERATELY_TEAM_ID", "first")
    client = AsyncModeratelyAI(api_key=CANARY)
    monkeypatch.setenv("MODERATELY_TEAM_ID", "second")
    assert client.team_id == "first"


@pytest.mark.parametrize("key", [None, "", "   "])
def test_missing_api_key_names_the_setting(key: str | None) -> None:
    with pytest.raises(ConfigurationError, match="MODERATELY_API_KEY") as caught:
        AsyncModeratelyAI(api_key=key)
    assert isinstance(caught.value, ModeratelyError)
    assert isinstance(caught.value, ValueError)


def test_api_key_with_a_line_break_is_refused() -> None:
    with pytest.raises(ConfigurationError) as caught:
        AsyncModeratelyAI(api_key=CANARY + "\n")
    assert CANARY not in str(caught.value)


def test_api_key_surrounding_whitespace_is_trimmed() -> None:
    assert resolve(api_key=f"  {CANARY}  ").api_key.reveal() == CANARY


@pytest.mark.parametrize(
    "base_url",
    [
        "api.moderately.ai",
        "ftp://api.moderately.ai",
        "",
        "https://",
        "http:///agents",
        "https://api.unit.test?x=1",
        "https://api.unit.test#frag",
        "https://api .unit.test",
        "https://[::1",
        123,
    ],
)
def test_bad_base_url_is_refused(base_url: Any) -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        AsyncModeratelyAI(api_key=CANARY, base_url=base_url)


def test_bad_base_url_from_the_environment_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODERATELY_BASE_URL", "api.moderately.ai")
    with pytest.raises(ConfigurationError, match="MODERATELY_BASE_URL"):
        AsyncModeratelyAI(api_key=CANARY)


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf"), "5", True])
def test_bad_timeout_is_refused(timeout: Any) -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        AsyncModeratelyAI(api_key=CANARY, timeout=timeout)


@pytest.mark.parametrize("max_retries", [-1, 1.5, True, "2"])
def test_bad_max_retries_is_refused(max_retries: Any) -> None:
    with pytest.raises(ConfigurationError, match="max_retries"):
        AsyncModeratelyAI(api_key=CANARY, max_retries=max_retries)


@pytest.mark.parametrize("team_id", ["", "  ", 5])
def test_bad_team_id_is_refused(team_id: Any) -> None:
    with pytest.raises(ConfigurationError, match="team_id"):
        AsyncModeratelyAI(api_key=CANARY, team_id=team_id)


def test_valid_numbers_are_kept() -> None:
    client = AsyncModeratelyAI(api_key=CANARY, timeout=2.5, max_retries=0)
    assert client.timeout == 2.5
    assert client.max_retries == 0


# --- with_options ------------------------------------------------------------------------


@pytest.mark.anyio
async def test_with_options_changes_only_what_is_given(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    copy = client.with_options(team_id="t-2", timeout=5, base_url="https://other.unit.test")
    assert (copy.team_id, copy.timeout, copy.base_url) == ("t-2", 5.0, "https://other.unit.test")
    assert copy.max_retries == client.max_retries
    assert (client.team_id, client.timeout, client.base_url) == (TEAM, 60.0, BASE)
    api.get(
        "https://other.unit.test/agents?page=1&teamIds=t-2",
        payload=page_json([], page=1, total_pages=1),
    )
    await copy.agents.list()
    assert str(only(api)[1]).startswith("https://other.unit.test/agents?")


@pytest.mark.parametrize(
    "changes",
    [
        {"timeout": 0},
        {"max_retries": -1},
        {"base_url": "nope"},
        {"team_id": ""},
        {"bogus_option": 1},
        {"api_key": ""},
    ],
)
def test_with_options_checks_its_values(changes: dict[str, Any]) -> None:
    client = AsyncModeratelyAI(api_key=CANARY)
    with pytest.raises(ConfigurationError):
        client.with_options(**changes)


@pytest.mark.anyio
async def test_with_options_shares_the_connection_pool(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI]
) -> None:
    parent = make_client()
    copy = parent.with_options(max_retries=0)
    api.get(url("/agents/a"), payload=agent_json("a"), repeat=True)
    await copy.agents.retrieve("a")
    await copy.aclose()  # a copy does not own the pool
    assert not parent.is_closed
    await parent.agents.retrieve("a")
    await parent.aclose()
    assert parent.is_closed
    assert copy.is_closed  # the same pool, closed by its owner


@pytest.mark.anyio
async def test_with_options_keeps_the_hooks(api: aioresponses, client: AsyncModeratelyAI) -> None:
    seen: list[str] = []

    async def before(ctx: HookContext[Any]) -> Replace[Any] | None:
        seen.append(f"before {ctx.operation} {ctx.client.max_retries}")
        return None

    client.hooks.add_before(before)
    copy = client.with_options(max_retries=0)
    assert copy.hooks is client.hooks
    api.get(url("/agents/a"), payload=agent_json("a"))
    await copy.agents.retrieve("a")
    assert seen == ["before get 0"]


# --- the API key stays secret ------------------------------------------------------------


def _all_text(obj: object) -> str:
    return repr(obj) + "\n" + str(obj) + "\n" + f"{obj}" + "\n" + format(obj, "")


def test_key_absent_from_client_and_config_text() -> None:
    client = AsyncModeratelyAI(api_key=CANARY, team_id=TEAM)
    config = resolve(api_key=CANARY, default_headers={"X-Other": "1"})
    for obj in (client, config, config.api_key, client.with_options(timeout=3), client.agents):
        assert CANARY not in _all_text(obj)
    assert config.api_key.reveal() == CANARY
    sync = ModeratelyAI(api_key=CANARY)
    try:
        assert CANARY not in _all_text(sync)
    finally:
        sync.close()


def _traceback_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


@pytest.mark.anyio
async def test_key_absent_from_a_401_error(api: aioresponses, client: AsyncModeratelyAI) -> None:
    api.get(
        url("/agents/a"),
        status=401,
        payload=error_json("UNAUTHORIZED", "Invalid API key"),
        headers={"X-Request-Id": "r-401"},
    )
    with pytest.raises(AuthenticationError) as caught:
        await client.agents.retrieve("a")
    err = caught.value
    for text in (_all_text(err), _traceback_text(err), repr(vars(err)), err.message):
        assert CANARY not in text
    assert "r-401" in str(err)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "exc",
    [aiohttp.ServerDisconnectedError(), aiohttp.ClientOSError(104, "reset"), TimeoutError()],
)
async def test_key_absent_from_a_connection_error(
    api: aioresponses, client: AsyncModeratelyAI, exc: Exception
) -> None:
    api.get(url("/agents/a"), exception=exc, repeat=True)
    with pytest.raises(APIConnectionError) as caught:
        await client.agents.retrieve("a")
    err = caught.value
    for text in (_all_text(err), _traceback_text(err), repr(vars(err))):
        assert CANARY not in text


@pytest.mark.anyio
async def test_key_absent_from_debug_logs(
    api: aioresponses, client: AsyncModeratelyAI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="moderately")
    api.get(url("/agents/a"), status=500, body="", headers={"X-Request-Id": "r-500"})
    api.get(url("/agents/a"), payload=agent_json("a"), headers={"X-Request-Id": "r-200"})
    api.post(url("/agents"), status=401, payload=error_json("UNAUTHORIZED", "bad key"))
    await client.agents.retrieve("a")
    with pytest.raises(AuthenticationError):
        await client.agents.create(name="n")
    records = [r for r in caplog.records if r.name.startswith("moderately")]
    assert len(records) >= 3, "each answered attempt is logged at DEBUG"
    text = caplog.text + "".join(repr(vars(r)) for r in caplog.records)
    assert "r-500" in text
    assert "r-200" in text
    assert CANARY not in text
    assert "Bearer" not in text


def test_moderately_log_switch_turns_on_debug_output() -> None:
    # MODERATELY_LOG is read once per process, so it is checked in a fresh interpreter.
    here = os.path.dirname(__file__)
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        sys.path.insert(0, {here!r})
        import types
        import aiohttp
        from aioresponses import aioresponses, core
        from conftest import _CompatResponse
        core.ClientResponse = _CompatResponse
        from moderately import AsyncModeratelyAI

        async def main():
            async with AsyncModeratelyAI(api_key={CANARY!r}, base_url="https://log.unit.test") as c:
                with aioresponses() as api:
                    api.get(
                        "https://log.unit.test/health",
                        payload={{"status": "ok", "version": "1"}},
                        headers={{"X-Request-Id": "r-log"}},
                    )
                    await c.health()

        asyncio.run(main())
        """
    )
    env = {**os.environ, "MODERATELY_LOG": "debug"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "GET https://log.unit.test/health -> 200" in result.stderr
    assert "r-log" in result.stderr
    assert CANARY not in result.stderr + result.stdout


# --- redaction of presigned URLs ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "secrets", "kept"),
    [
        (
            "https://bucket.s3.amazonaws.com/up/file.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAEXAMPLE%2F20240501%2Fus-east-1&X-Amz-Signature=deadbeef01"
            "&X-Amz-Security-Token=tok3n",
            ["AKIAEXAMPLE", "deadbeef01", "tok3n"],
            ["bucket.s3.amazonaws.com", "/up/file.csv"],
        ),
        (
            "https://storage.googleapis.com/b/o?X-Goog-Signature=abc123sig&X-Goog-Expires=900",
            ["abc123sig"],
            ["storage.googleapis.com/b/o"],
        ),
        (
            "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2024-05-01&sp=r&sig=s1gval",
            ["s1gval"],
            ["sv=2022-11-02", "sp=r"],
        ),
        (
            "http://127.0.0.1:8080/_blobs/f1?token=emu-token&expires=99&SIGNATURE=UPPER",
            ["emu-token", "UPPER"],
            ["expires=99", "/_blobs/f1"],
        ),
        (
            "https://user:hunter2@host.unit.test/path?page=2&key=k3y",
            ["hunter2", "user:", "k3y"],
            ["host.unit.test/path", "page=2"],
        ),
    ],
)
def test_redact_url_hides_signatures(raw: str, secrets: list[str], kept: list[str]) -> None:
    safe = redact_url(raw)
    for secret in secrets:
        assert secret not in safe
    for part in kept:
        assert part in safe
    assert "REDACTED" in safe


@pytest.mark.parametrize(
    "plain", ["https://api.unit.test/agents/a%2Fb", "https://api.unit.test/agents?page=2"]
)
def test_redact_url_leaves_plain_urls_alone(plain: str) -> None:
    assert redact_url(plain) == plain


@pytest.mark.parametrize("size", [0, -1, 1.5, "10", True])
def test_a_max_response_size_that_would_refuse_everything_is_refused_up_front(
    size: object,
) -> None:
    # 0 used to fall back to the default silently and a negative limit refused every response.
    with pytest.raises(ConfigurationError, match="max_response_size"):
        AsyncModeratelyAI(api_key="k", max_response_size=size)  # type: ignore[arg-type]
