"""The checks CI relies on, run as tests: lint, format, strict typing, a fresh sync tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_sync_tree_is_generated_from_the_async_source() -> None:
    result = subprocess.run(
        [sys.executable, "tools/unasync.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lint_is_clean() -> None:
    result = run("ruff", "check", "moderately", "tools", "tests", "benchmarks", "examples")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = run(
        "ruff", "format", "--check", "moderately", "tools", "tests", "benchmarks", "examples"
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_over_the_package_and_the_user_typing_file() -> None:
    if shutil.which("mypy") is None and run("mypy", "--version").returncode != 0:
        pytest.fail("mypy is part of the test extra and must be installed")
    result = run("mypy", "--strict", "moderately", "tests/typing", "examples")
    assert result.returncode == 0, result.stdout + result.stderr
