"""Fixtures of the socket-level tests: one test server for the session, reset for each test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from _fake_platform import API_KEY, TEAM_ID, FakePlatform, ServerThread


@pytest.fixture(scope="session")
def _server() -> Iterator[tuple[FakePlatform, ServerThread]]:
    platform = FakePlatform()
    server = ServerThread(platform.app())
    server.start()
    yield platform, server
    server.stop()


@pytest.fixture
def platform(_server: tuple[FakePlatform, ServerThread]) -> FakePlatform:
    """The running server's state, reset for this test."""
    state, _ = _server
    state.reset()
    return state


@pytest.fixture
def base_url(_server: tuple[FakePlatform, ServerThread], platform: FakePlatform) -> str:
    """The running server's base URL (``http://127.0.0.1:<port>``)."""
    return _server[1].base_url


@pytest.fixture
def client_kwargs(base_url: str) -> dict[str, Any]:
    """Arguments that point a client at the test server."""
    return {"api_key": API_KEY, "team_id": TEAM_ID, "base_url": base_url}
