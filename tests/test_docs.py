"""The documentation runs: every ```python block of every docs page, and the strict site build.

Blocks of one page run in order in one namespace (later blocks may use names from earlier
ones), against a fresh emulator that the environment points at, in a temporary working
directory; so the examples are written as users write them: ``ModeratelyAI()`` from
MODERATELY_API_KEY, MODERATELY_TEAM_ID and MODERATELY_BASE_URL. A block that awaits at the top
level runs under ``asyncio.run``. A block fenced ``{ .python data-pytest="..." }`` is a test
module: pytest runs it, with the moderately plugin, and it must pass. A shell block fenced
``{ .sh data-run="cli" }`` runs each ``moderately ...`` line through the CLI's ``main()``, which
must exit 0. A block may opt out only with ``{ .python data-no-run="<why>" }``; the reason is
required and the list of such blocks is pinned below.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from moderately.testing import Emulator

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,})(?P<info>.*)$")
ATTR = re.compile(r'(?P<key>[\w-]+)="(?P<value>[^"]*)"')

# Blocks that do not run, each with the reason written on its fence (kept very rare).
OPTED_OUT: dict[str, str] = {}


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int  # 1-based line of the first line of code
    language: str
    attrs: dict[str, str]
    code: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def parse_info(info: str) -> tuple[str, dict[str, str]]:
    """The language and attributes of a fence: ``python`` or ``{ .python key="value" }``."""
    info = info.strip()
    if info.startswith("{") and info.endswith("}"):
        inner = info[1:-1]
        classes = re.findall(r"(?:^|\s)\.([\w-]+)", inner)
        attrs = {m["key"]: m["value"] for m in ATTR.finditer(inner)}
        return (classes[0] if classes else ""), attrs
    language, _, rest = info.partition(" ")
    return language, {m["key"]: m["value"] for m in ATTR.finditer(rest)}


def blocks(page: Path) -> list[Block]:
    """Every fenced block of ``page``, in order."""
    found: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, ticks = match["indent"], match["ticks"]
        language, attrs = parse_info(match["info"])
        start = i + 1
        j = start
        while j < len(lines) and lines[j].strip() != ticks:
            j += 1
        body = [line[len(indent) :] if line.startswith(indent) else line for line in lines[start:j]]
        found.append(Block(page, start + 1, language, attrs, "\n".join(body) + "\n"))
        i = j + 1
    return found


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def python_pages() -> list[Path]:
    return [p for p in pages() if any(b.language == "python" for b in blocks(p))]


def run_block(block: Block, namespace: dict[str, object]) -> None:
    # Padding keeps line numbers: a traceback names the docs page and the line in it.
    source = "\n" * (block.line - 1) + block.code
    code = compile(
        source, str(block.page), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True
    )
    if code.co_flags & inspect.CO_COROUTINE:
        asyncio.run(eval(code, namespace))
    else:
        exec(code, namespace)


def run_cli_block(block: Block) -> None:
    from moderately._cli import main

    for line in block.code.splitlines():
        if not line.startswith("moderately "):
            continue
        code = main(shlex.split(line)[1:])
        assert code == 0, f"{block.where}: {line!r} exited with {code}"


def run_pytest_block(block: Block, folder: Path) -> None:
    module = folder / f"test_doc_{block.line}.py"
    module.write_text(block.code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(module)],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, f"{block.where}\n{result.stdout}\n{result.stderr}"
    # It must have run tests, not merely been collected as empty.
    assert re.search(r"\b\d+ passed\b", result.stdout), result.stdout


@pytest.mark.parametrize("page", python_pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_page_examples_run(
    page: Path,
    moderately_emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    emu = moderately_emulator
    monkeypatch.setenv("MODERATELY_API_KEY", emu.api_key)
    monkeypatch.setenv("MODERATELY_TEAM_ID", emu.team_id)
    monkeypatch.setenv("MODERATELY_BASE_URL", emu.base_url)
    monkeypatch.delenv("MODERATELY_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__main__"}
    ran = 0
    for block in blocks(page):
        if block.attrs.get("data-run") == "cli":
            run_cli_block(block)
            ran += 1
            continue
        if block.language != "python":
            continue
        if "data-no-run" in block.attrs:
            continue
        if "data-pytest" in block.attrs:
            run_pytest_block(block, tmp_path)
        else:
            run_block(block, namespace)
        ran += 1
    assert ran, f"{page} has python blocks but none ran"
    out, err = capfd.readouterr()
    assert emu.api_key not in out + err, "an example printed the API key"


def test_opted_out_blocks_say_why_and_are_the_known_ones() -> None:
    skipped = {
        b.where: b.attrs["data-no-run"]
        for p in pages()
        for b in blocks(p)
        if b.language == "python" and "data-no-run" in b.attrs
    }
    for where, reason in skipped.items():
        assert len(reason.split()) >= 3, f"{where}: data-no-run needs a reason, got {reason!r}"
    assert sorted(skipped) == sorted(OPTED_OUT), skipped


def test_every_page_is_in_the_site_navigation() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in pages():
        assert str(page.relative_to(DOCS)) in nav, f"{page} is not in mkdocs.yml's nav"


def test_python_blocks_are_formatted_like_the_code() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "docs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_site_builds_in_strict_mode(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "moderately" in index
    reference = (tmp_path / "site" / "reference" / "clients" / "index.html").read_text("utf-8")
    assert "with_options" in reference  # the API reference was generated from the docstrings
