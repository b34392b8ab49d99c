"""Fixtures of the CLI tests: run ``main([...])`` in-process against the emulator fixture."""

from __future__ import annotations

import pytest
from _cli_run import Result, Run

from moderately._cli import main
from moderately.testing import Emulator


@pytest.fixture(autouse=True)
def _no_env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever the developer's shell holds must not leak into what a test proves.
    for name in ("MODERATELY_API_KEY", "MODERATELY_TEAM_ID", "MODERATELY_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def creds(moderately_emulator: Emulator) -> list[str]:
    emu = moderately_emulator
    # The = form: a platform id may begin with '-', which argparse would take for an option.
    return [f"--base-url={emu.base_url}", f"--api-key={emu.api_key}", f"--team-id={emu.team_id}"]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Run:
    def run(*argv: str) -> Result:
        capsys.readouterr()  # drop what came before this command
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
