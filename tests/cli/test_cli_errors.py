from __future__ import annotations

import socket
import time

import pytest
from _cli_run import Run

from moderately.testing import Emulator

CANARY = "mod_canary-7f3a9c-DO-NOT-PRINT"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_no_command_is_a_usage_error(cli: Run) -> None:
    result = cli()
    assert result.code == 2
    assert "usage: moderately" in result.err
    assert result.out == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["bogus"],
        ["files"],
        ["files", "list", "--limit", "0"],
        ["--timeout", "soon", "whoami"],
        ["--timeout", "-1", "whoami"],
        ["datasets", "create"],
    ],
)
def test_bad_command_lines_exit_2(cli: Run, argv: list[str]) -> None:
    result = cli(*argv)
    assert result.code == 2
    assert "error:" in result.err


def test_help_and_version_exit_0(cli: Run) -> None:
    helped = cli("--help")
    assert helped.code == 0
    assert "exit codes:" in helped.out
    assert "MODERATELY_API_KEY" in helped.out
    assert cli("--version").code == 0


def test_missing_key_says_how_to_set_it(cli: Run, moderately_emulator: Emulator) -> None:
    result = cli(f"--base-url={moderately_emulator.base_url}", "whoami")
    assert result.code == 2
    assert "set MODERATELY_API_KEY or pass --api-key" in result.err


def test_wrong_key_is_an_api_error_and_never_printed(
    cli: Run, moderately_emulator: Emulator, tmp_path: object
) -> None:
    base = f"--base-url={moderately_emulator.base_url}"
    team = f"--team-id={moderately_emulator.team_id}"
    for argv in (
        ["whoami"],
        ["--json", "files", "list"],
        ["agents", "list"],
        ["executions", "wait", "--", "x"],
    ):
        result = cli(base, "--api-key", CANARY, team, *argv)
        assert result.code == 3, (argv, result.err)
        assert "401" in result.err
        assert "hint: check the API key" in result.err
        assert CANARY not in result.out + result.err


def test_key_from_the_environment_is_never_printed(
    cli: Run, moderately_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODERATELY_API_KEY", CANARY)
    result = cli(f"--base-url={moderately_emulator.base_url}", "whoami")
    assert result.code == 3
    assert CANARY not in result.out + result.err


def test_key_in_a_usage_error_is_masked(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    # A key pasted where an argument goes would be echoed by argparse; it is masked instead.
    result = cli(f"--api-key={CANARY}", "whoami", CANARY)
    assert result.code == 2
    assert "unrecognized arguments: ****" in result.err
    assert CANARY not in result.err
    monkeypatch.setenv("MODERATELY_API_KEY", CANARY)
    pasted = cli("health", CANARY)
    assert pasted.code == 2
    assert CANARY not in pasted.err


def test_not_found_exits_3_with_a_hint(cli: Run, creds: list[str]) -> None:
    result = cli(*creds, "files", "delete", "--", "no-such-file")
    assert result.code == 3
    assert "404" in result.err
    assert "hint: check the id" in result.err


def test_connection_refused_exits_5(cli: Run) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    result = cli(f"--base-url={url}", f"--api-key={CANARY}", "whoami")
    assert result.code == 5
    assert f"could not reach the platform at {url}" in result.err
    assert "hint: check --base-url" in result.err
    assert CANARY not in result.err


def test_slow_platform_exits_4(cli: Run, creds: list[str], moderately_emulator: Emulator) -> None:
    moderately_emulator.faults.set(route="GET /authentication/whoami", latency=0.5)
    result = cli(*creds, "--timeout", "0.2", "whoami")
    assert result.code == 4
    assert "hint: raise --timeout" in result.err
    # Not a timing check: lets the delayed handlers finish before the emulator stops.
    time.sleep(0.5)
