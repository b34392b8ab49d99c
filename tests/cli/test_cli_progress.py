from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from _cli_run import Run

from moderately import ModeratelyAI
from moderately._cli import main
from moderately._cli._demo_data import pipeline_configuration
from moderately._cli._progress import ProgressBar, bars_enabled
from moderately.testing import Emulator, ExecutionTiming


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_bar_renders_bytes_and_steps() -> None:
    stream = Terminal()
    bar = ProgressBar("up", stream=stream, enabled=True)
    bar(512, 2048)
    assert bar.render().startswith("up [#######---------------------]  25%")
    assert bar.render().endswith("512 B / 2.0 KiB")
    steps = ProgressBar("run", stream=stream, enabled=True, unit="steps")
    steps.update(3, 5, note="running")
    assert "60%  step 3/5  running" in steps.render()
    steps.close(note="completed")
    assert stream.getvalue().endswith("completed\x1b[K\n")


def test_disabled_bar_writes_nothing() -> None:
    stream = Terminal()
    bar = ProgressBar("up", stream=stream, enabled=False)
    bar(1, 2)
    bar.close()
    assert stream.getvalue() == ""


def test_bars_only_at_a_terminal_and_not_quiet() -> None:
    assert bars_enabled(Terminal(), quiet=False)
    assert not bars_enabled(Terminal(), quiet=True)
    assert not bars_enabled(io.StringIO(), quiet=False)


def test_no_bars_when_stderr_is_not_a_terminal(
    cli: Run, creds: list[str], tmp_path: Path, moderately_client: ModeratelyAI
) -> None:
    source = tmp_path / "data.bin"
    source.write_bytes(b"x" * 100_000)
    uploaded = cli(*creds, "files", "upload", str(source))
    assert uploaded.code == 0
    assert "\r" not in uploaded.err
    assert "[#" not in uploaded.err


def run_with_terminal_stderr(monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_bars_at_a_terminal_stay_off_json_stdout(
    creds: list[str],
    moderately_client: ModeratelyAI,
    moderately_emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    moderately_emulator.config.data.pipeline_execution = ExecutionTiming(
        pending_seconds=0.05, step_seconds=0.1, steps=3
    )
    pipeline = moderately_client.pipelines.create(name="Bars")
    pipeline.create_configuration_version(pipeline_configuration("Bars"), status="current")
    code, out, err = run_with_terminal_stderr(
        monkeypatch, *creds, "--json", "pipelines", "run", "--", pipeline.pipeline_id
    )
    assert code == 0
    assert "\r" in err
    assert "100%  step 3/3  completed" in err
    assert "\r" not in out
    assert json.loads(out)["status"] == "completed"

    code, out, err = run_with_terminal_stderr(
        monkeypatch, *creds, "--quiet", "--json", "pipelines", "run", "--", pipeline.pipeline_id
    )
    assert code == 0
    assert err == ""  # --quiet: no bar and no notes
