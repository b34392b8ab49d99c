"""Fixtures for the emulator's own tests: an emulator on the test's loop and an HTTP session."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from moderately.testing import Emulator, EmulatorConfig
from moderately.testing import pytest_plugin as _plugin


def pytest_configure(config: pytest.Config) -> None:
    # When the package is not installed, its pytest11 entry point is not either; register the
    # plugin by hand so its fixtures are still tested.
    if not config.pluginmanager.is_registered(_plugin):
        config.pluginmanager.register(_plugin, "moderately-testing-fallback")


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(config=EmulatorConfig.fast()) as running:
        yield running


@pytest.fixture
async def http(emu: Emulator) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bearer {emu.api_key}"}
    async with aiohttp.ClientSession(base_url=emu.base_url, headers=headers) as session:
        yield session


@pytest.fixture
async def anon(emu: Emulator) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=emu.base_url) as session:
        yield session
