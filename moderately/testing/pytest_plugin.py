"""pytest plugin (entry point ``moderately.testing.pytest_plugin``): emulator fixtures.

* ``moderately_emulator`` - a fresh `Emulator` per test, in thread mode, with fast execution
  timings; usable from sync tests and from async tests on any loop.
* ``moderately_emulator_session`` - one emulator shared by the whole session (faster, but
  state and fault rules persist across tests; clear ``emu.faults`` when you change them).

The SDK client is deliberately not imported here so this plugin loads even when only the
emulator is wanted; client fixtures belong in the section marked below.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._config import EmulatorConfig
from ._emulator import Emulator


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
# The lead adds fixtures that build AsyncModeratelyAI / ModeratelyAI against
# ``moderately_emulator`` here, importing the client inside the fixture body.
