"""Fixtures of the unit suite: a mocked platform (aioresponses), client factories, no real sleeps.

Every test here runs without a socket. ``api`` is an ``aioresponses`` instance that answers
the requests the SDK makes; its ``requests`` record is what the assertions read.
"""

from __future__ import annotations

import types
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from aioresponses import core as aioresponses_core
from unit_support import BASE, CANARY, TEAM
from yarl import URL

import moderately._http
from moderately import AsyncModeratelyAI, ModeratelyAI


class _CompatResponse(aiohttp.ClientResponse):
    # aioresponses 0.7.9 (the newest) builds ClientResponse without the ``stream_writer``
    # argument that aiohttp >= 3.12 requires; supply a stand-in so that mocked responses build.
    def __init__(self, method: str, url: URL, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", types.SimpleNamespace(output_size=0))
        super().__init__(method, url, **kwargs)


@pytest.fixture(autouse=True)
def _aioresponses_compat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aioresponses_core, "ClientResponse", _CompatResponse)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # The developer's own settings must not leak into tests of settings resolution.
    for name in ("MODERATELY_API_KEY", "MODERATELY_TEAM_ID", "MODERATELY_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the retry controller asked for, in order; nothing actually sleeps.

    PRIVATE SEAM: there is no public knob for the retry sleep (or the RetryPolicy) of a client,
    so this wraps ``moderately._http.retrying`` and swaps the controller's sleep function.
    """
    waits: list[float] = []
    original = moderately._http.retrying

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    def retrying(*args: Any, **kwargs: Any) -> Any:
        controller = original(*args, **kwargs)
        controller.sleep = fake_sleep
        return controller

    monkeypatch.setattr(moderately._http, "retrying", retrying)
    return waits


@pytest.fixture
def api() -> Iterator[aioresponses]:
    """The mocked platform; register answers with ``api.get(...)``, ``api.post(...)``."""
    with aioresponses() as mocked:
        yield mocked


@pytest.fixture
async def make_client() -> AsyncIterator[Callable[..., AsyncModeratelyAI]]:
    """Build async clients (canary key, unit team, unit base URL unless overridden)."""
    made: list[AsyncModeratelyAI] = []

    def factory(**overrides: Any) -> AsyncModeratelyAI:
        settings: dict[str, Any] = {"api_key": CANARY, "team_id": TEAM, "base_url": BASE}
        settings.update(overrides)
        client = AsyncModeratelyAI(**settings)
        made.append(client)
        return client

    yield factory
    for client in made:
        await client.aclose()


@pytest.fixture
async def client(
    make_client: Callable[..., AsyncModeratelyAI],
) -> AsyncModeratelyAI:
    return make_client()


@pytest.fixture
def sync_client() -> Iterator[ModeratelyAI]:
    client = ModeratelyAI(api_key=CANARY, team_id=TEAM, base_url=BASE)
    yield client
    client.close()
