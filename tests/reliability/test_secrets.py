"""A canary API key never shows up anywhere but the Authorization header it is sent in.

Checked: repr and str of clients, copies and settings; exception text and tracebacks (also
with local variables printed, as error trackers and ``pytest --showlocals`` do); DEBUG logs,
in a subprocess with ``MODERATELY_LOG=debug``. Presigned URL signatures are redacted wherever
the SDK writes a URL.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import textwrap
import traceback

import aiohttp
import pytest
from aiohttp import web
from reliability_support import CANARY_KEY, ScriptedServer, drop, status_responder

from moderately import APIError, AsyncModeratelyAI, ModeratelyAI, RetryPolicy
from moderately._logging import describe_error, redact_url

FAST = RetryPolicy(max_retries=1, initial_backoff=0.001)


def everything_shown(exc: BaseException) -> str:
    """Every text an exception offers: str, repr, notes, and tracebacks with and without locals."""
    plain = "".join(traceback.format_exception(exc))
    with_locals = "".join(
        traceback.TracebackException.from_exception(exc, capture_locals=True).format()
    )
    attrs = repr(vars(exc)) if hasattr(exc, "__dict__") else ""
    return "\n".join([str(exc), repr(exc), plain, with_locals, attrs])


def test_clients_and_settings_never_show_the_key() -> None:
    async_client = AsyncModeratelyAI(api_key=CANARY_KEY, base_url="http://127.0.0.1:9")
    with ModeratelyAI(api_key=CANARY_KEY, base_url="http://127.0.0.1:9") as sync_client:
        shown = [
            repr(async_client),
            str(async_client),
            repr(async_client.with_options(timeout=5)),
            repr(sync_client),
            repr(async_client._config),
            str(async_client._config),
            repr(async_client._config.api_key),
            f"{async_client._config.api_key}",
            repr(dict(async_client._config.request_headers)),
            repr(vars(sync_client)),
        ]
    assert async_client._transport.close_if_unused()
    for text in shown:
        assert CANARY_KEY not in text


@pytest.mark.anyio
@pytest.mark.parametrize("failure", ["401", "500", "reset"])
async def test_errors_and_tracebacks_never_show_the_key(failure: str) -> None:
    async def respond(request: web.BaseRequest, n: int) -> web.StreamResponse:
        if failure == "reset":
            return drop(request)
        return await status_responder(int(failure))(request, n)

    with ScriptedServer(respond) as server:
        async with AsyncModeratelyAI(
            api_key=CANARY_KEY, team_id="t1", base_url=server.url, retry_policy=FAST
        ) as client:
            with pytest.raises(APIError) as caught:
                await client.agents.create(name="n")
    # The key did go out (so the check below is looking at a client that holds it)...
    assert server.seen[0].headers["Authorization"] == f"Bearer {CANARY_KEY}"
    # ...and shows nowhere in what the failure offers.
    assert CANARY_KEY not in everything_shown(caught.value)


def test_the_sync_facade_errors_never_show_the_key() -> None:
    with ScriptedServer(status_responder(403)) as server:
        client = ModeratelyAI(api_key=CANARY_KEY, team_id="t1", base_url=server.url)
        with client, pytest.raises(APIError) as caught:
            client.agents.retrieve("a1")
    assert CANARY_KEY not in everything_shown(caught.value)


def test_debug_logs_in_this_process_never_show_the_key(caplog: pytest.LogCaptureFixture) -> None:
    with (
        ScriptedServer(status_responder(404)) as server,
        caplog.at_level(logging.DEBUG, logger="moderately"),
        ModeratelyAI(api_key=CANARY_KEY, team_id="t1", base_url=server.url) as client,
        pytest.raises(APIError),
    ):
        client.agents.retrieve("a1")
    assert caplog.records  # the request was logged...
    assert CANARY_KEY not in caplog.text  # ...without the key


# The script runs against the emulator with MODERATELY_LOG=debug and prints every error it meets,
# then the test reads all it wrote. The emulator's admin token is the canary.
SCRIPT = textwrap.dedent(
    """
    import sys, traceback
    from moderately import ModeratelyAI, APIError, RetryPolicy
    from moderately.testing import Emulator, EmulatorConfig

    with Emulator(config=EmulatorConfig.fast()) as emu:
        print("KEY", emu.api_key, file=sys.stdout)
        policy = RetryPolicy(max_retries=1, initial_backoff=0.001)
        with ModeratelyAI(api_key=emu.api_key, team_id=emu.team_id, base_url=emu.base_url,
                          retry_policy=policy) as client:
            agent = client.agents.create(name="logged")
            client.agents.retrieve(agent.agent_id)
            emu.faults.set(route="GET /agents/{agentId}", status_503=1.0)
            uploaded = client.files.upload(b"x" * 1000, name="a.bin")
            emu.storage.corrupt_next_download(uploaded.file_id, mode="flip")
            for failing in (
                lambda: client.agents.retrieve(agent.agent_id),
                lambda: client.agents.retrieve("missing"),
                lambda: client.files.download(uploaded.file_id),
            ):
                try:
                    failing()
                except Exception as exc:
                    traceback.print_exc()
                    print(repr(exc), file=sys.stderr)
    """
)


def test_debug_logs_of_a_whole_session_in_a_subprocess() -> None:
    env = {**os.environ, "MODERATELY_LOG": "debug"}
    for name in ("MODERATELY_API_KEY", "MODERATELY_TEAM_ID", "MODERATELY_BASE_URL"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    key = done.stdout.split("KEY ", 1)[1].split()[0]
    logs = done.stderr
    assert " DEBUG " in logs  # logging really was on
    assert "TransferError" in logs  # the storage failure was printed, with its URL
    assert key not in logs
    assert "signature=REDACTED" in logs
    assert not re.search(r"signature=[0-9a-f]{16,}", logs)


@pytest.mark.parametrize(
    ("url", "hidden"),
    [
        ("https://s.example/b/k?X-Amz-Signature=abc123&X-Amz-Credential=cred", ["abc123", "cred"]),
        ("https://s.example/b/k?sig=abc123&se=2030", ["abc123"]),
        ("https://s.example/k?expires=1&signature=deadbeef", ["deadbeef"]),
        ("https://user:pa55@s.example/k?token=t0k", ["pa55", "t0k"]),
    ],
)
def test_presigned_url_credentials_are_redacted(url: str, hidden: list[str]) -> None:
    shown = redact_url(url)
    for secret in hidden:
        assert secret not in shown
    assert "REDACTED" in shown


def test_a_storage_error_quoting_its_url_is_shown_without_the_signature() -> None:
    # aiohttp puts the whole URL in some of its errors (an invalid URL, a request body it
    # could not write); the SDK's error message must not carry the signature on.
    url = "https://s.example/k?expires=1&signature=deadbeef"
    exc = aiohttp.InvalidURL(url)

    shown = describe_error(exc, url, redact_url(url))

    assert "deadbeef" not in shown
    assert shown.startswith("InvalidURL: ")
    assert "REDACTED" in shown
