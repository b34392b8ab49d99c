from __future__ import annotations

from _cli_run import Run

from moderately.testing import Emulator


def test_whoami(cli: Run, creds: list[str], moderately_emulator: Emulator) -> None:
    result = cli(*creds, "--json", "whoami")
    assert result.code == 0, result.err
    assert result.json()["user_id"] == moderately_emulator.user_id
    table = cli(*creds, "whoami")
    assert moderately_emulator.user_id in table.out
    assert table.out.splitlines()[0].split() == ["field", "value"]


def test_health(cli: Run, creds: list[str]) -> None:
    result = cli(*creds, "--json", "health")
    assert result.code == 0, result.err
    assert set(result.json()) >= {"status", "version"}
