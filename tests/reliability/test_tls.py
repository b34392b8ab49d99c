"""TLS verification is on by default; a private CA or a context is an explicit option.

A self-signed certificate for 127.0.0.1 is made at test time with the ``openssl`` command.
"""

from __future__ import annotations

import logging
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_support import CANARY_KEY, ScriptedServer

from moderately import APIConnectionError, AsyncModeratelyAI, ConfigurationError, ModeratelyAI


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate (its own CA) for IP 127.0.0.1, and its key."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed, so no test certificate can be made")
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture
def https_server(certificate: tuple[Path, Path]) -> Iterator[ScriptedServer]:
    """An HTTPS server on 127.0.0.1 presenting the self-signed certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    with ScriptedServer(ssl_context=context) as server:
        yield server


def _client(server: ScriptedServer, **kw: Any) -> AsyncModeratelyAI:
    return AsyncModeratelyAI(api_key=CANARY_KEY, team_id="t1", base_url=server.url, **kw)


@pytest.mark.anyio
async def test_self_signed_certificate_is_refused_by_default(https_server: ScriptedServer) -> None:
    async with _client(https_server) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.agents.retrieve("a1")
    message = str(caught.value)
    assert "TLS certificate verification failed" in message
    assert "verify=" in message  # says how to trust a private CA
    assert caught.value.outcome_unknown is False  # nothing was sent
    assert https_server.count() == 0  # no request (and so no API key) ever reached it


def test_sync_client_refuses_it_too(https_server: ScriptedServer) -> None:
    client = ModeratelyAI(api_key=CANARY_KEY, team_id="t1", base_url=https_server.url)
    with client, pytest.raises(APIConnectionError, match="TLS certificate verification failed"):
        client.agents.retrieve("a1")
    assert https_server.count() == 0


@pytest.mark.anyio
async def test_a_custom_ca_file_is_trusted(
    https_server: ScriptedServer, certificate: tuple[Path, Path]
) -> None:
    async with _client(https_server, verify=certificate[0]) as client:
        agent = await client.agents.retrieve("a1")
    assert agent.agent_id == "a1"


def test_an_ssl_context_is_used_as_given(
    https_server: ScriptedServer, certificate: tuple[Path, Path]
) -> None:
    context = ssl.create_default_context(cafile=str(certificate[0]))
    with ModeratelyAI(
        api_key=CANARY_KEY, team_id="t1", base_url=https_server.url, verify=context
    ) as client:
        assert client.agents.retrieve("a1").agent_id == "a1"


@pytest.mark.anyio
async def test_opting_out_works_and_is_never_silent(
    https_server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="moderately"):
        client = _client(https_server, verify=False)
    assert any("verification is OFF" in r.getMessage() for r in caplog.records)
    async with client:
        assert (await client.agents.retrieve("a1")).agent_id == "a1"


@pytest.mark.parametrize("bad", ["/no/such/ca.pem", 3, None])
def test_bad_verify_values_are_refused_at_construction(bad: Any) -> None:
    with pytest.raises(ConfigurationError, match="verify"):
        AsyncModeratelyAI(api_key=CANARY_KEY, verify=bad)
