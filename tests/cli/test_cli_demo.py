from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _cli_run import Run

from moderately import ModeratelyAI
from moderately.testing import Emulator


def clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATELY_")}
    env["TMPDIR"] = str(tmp)  # the demo's temporary folder must be gone afterwards
    return env


def test_demo_on_the_embedded_emulator_end_to_end(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "moderately", "demo"],
        env=clean_env(tmp),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "on the embedded emulator" in out
    for number in range(1, 10):
        assert f"[{number}/9] " in out
    summary = out[out.index("Summary") :]
    for step in ("file", "dataset", "data version", "schema (inferred)", "pipeline", "execution"):
        assert f"\n{step} " in summary
    assert "completed, 5/5 steps" in summary
    assert '"fieldCount": 2' in summary  # the output of the run
    assert "Cleanup: deleted 1 file, 1 dataset, 1 pipeline; nothing left behind." in out
    assert "\r" not in done.stderr  # not a terminal: no progress bars
    assert list(tmp.iterdir()) == []


def test_demo_against_given_credentials_leaves_nothing(
    cli: Run, creds: list[str], moderately_client: ModeratelyAI
) -> None:
    result = cli(*creds, "--json", "demo")
    assert result.code == 0, result.err
    report = result.json()
    assert report["target"] != "emulator"
    steps = {row["step"]: row for row in report["steps"]}
    assert steps["execution"]["detail"].startswith("completed")
    assert steps["validation"]["detail"].startswith("valid")
    assert report["output"]["fieldCount"] == 2
    assert report["cleanup"]["left_behind"] == []
    assert steps["file"]["id"] in report["cleanup"]["deleted"]["files"]
    assert "[1/9]" in result.err  # the story goes to stderr with --json
    assert list(moderately_client.files.list()) == []
    assert list(moderately_client.datasets.list()) == []
    assert list(moderately_client.pipelines.list()) == []


def test_demo_cleans_up_when_a_step_fails(
    cli: Run, creds: list[str], moderately_client: ModeratelyAI, moderately_emulator: Emulator
) -> None:
    moderately_emulator.faults.set(route="POST /pipeline-executions", status_500=1.0)
    result = cli(*creds, "demo")
    assert result.code == 3
    assert "Cleanup: " not in result.out  # no summary after a failure
    assert "checked: nothing left behind" in result.out
    assert list(moderately_client.files.list()) == []
    assert list(moderately_client.datasets.list()) == []
    assert list(moderately_client.pipelines.list()) == []


def test_console_script_help() -> None:
    script = Path(sys.executable).with_name("moderately")
    if not script.exists():
        found = shutil.which("moderately")
        if found is None:
            pytest.skip("the moderately console script is not installed next to this Python")
        script = Path(found)
    done = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0
    assert "usage: moderately" in done.stdout
    assert "exit codes:" in done.stdout


def test_emulator_command_serves(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "moderately", "emulator", "--port", "0"],
        env=clean_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(4)]
        settings = dict(
            line.strip().split("=", 1) for line in lines if line.strip().startswith("MODERATELY_")
        )
        with ModeratelyAI(
            base_url=settings["MODERATELY_BASE_URL"],
            api_key=settings["MODERATELY_API_KEY"],
            team_id=settings["MODERATELY_TEAM_ID"],
        ) as client:
            assert client.whoami().user_id
            assert list(client.files.list()) == []
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
