"""pytest plugin (entry point ``moderately.testing.pytest_plugin``): emulator fixtures.

* ``moderately_emulator`` - a fresh `Emulator` per test, in thread mode, with fast execution
  timings; usable from sync tests and from async tests on any loop.
* ``moderately_emulator_session`` - one emulator shared by the whole session (faster, but
  state and fault rules persist across tests; clear ``emu.faults`` when you change them).
* ``moderately_client`` / ``moderately_async_client`` - a sync / async SDK client bound to
  ``moderately_emulator``'s seeded team and API token, closed after the test.

"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

from ._config import EmulatorConfig
from ._emulator import Emulator

if TYPE_CHECKING:
    from moderately import AsyncModeratelyAI, ModeratelyAI


@pytest.fixture
def moderately_emulator() -> Iterator[Emulator]:
    """Yield a running emulator with fresh state, stopped after the test."""
    emu = Emulator(config=EmulatorConfig.fast())
    emu.start_in_thread()
    try:
        yield emu
    finally:
        emu.stop_thread()


@pytest.fixture(scope="session")
def moderately_emulator_session() -> Iterator[Emulator]:
    """Yield one running emulator shared by every test in the session."""
    emu = Emulator(config=EmulatorConfig.fast())
    emu.start_in_thread()
    try:
        yield emu
    finally:
        emu.stop_thread()


# --- client fixtures -------------------------------------------------------------------------
# The SDK is imported inside each fixture so that loading the plugin costs nothing for users who
# only want the emulator.


@pytest.fixture
def moderately_client(moderately_emulator: Emulator) -> Iterator[ModeratelyAI]:
    """Yield a sync client bound to ``moderately_emulator``'s seeded team and token."""
    from moderately import ModeratelyAI

    with ModeratelyAI(
        api_key=moderately_emulator.api_key,
        team_id=moderately_emulator.team_id,
        base_url=moderately_emulator.base_url,
    ) as client:
        yield client


@pytest.fixture
async def moderately_async_client(
    moderately_emulator: Emulator,
) -> AsyncIterator[AsyncModeratelyAI]:
    """Yield an async client bound to ``moderately_emulator`` (for ``@pytest.mark.anyio`` tests)."""
    from moderately import AsyncModeratelyAI

    async with AsyncModeratelyAI(
        api_key=moderately_emulator.api_key,
        team_id=moderately_emulator.team_id,
        base_url=moderately_emulator.base_url,
    ) as client:
        yield client
