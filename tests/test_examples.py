"""Every script in examples/ and the README's example, run as users run them, on the emulator.

Each example is started as a subprocess with ``--emulator`` (it then serves an emulator in its
own process); a few are also pointed at this test's emulator through the environment, so that
what they print can be checked against what the platform saw.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from moderately import ModeratelyAI
from moderately.testing import Emulator

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TOKEN = re.compile(r"mod_[A-Za-z0-9_-]{20,}")
ID = r"[A-Za-z0-9_-]{10,}"

# What each example must print when run with --emulator (regular expressions, in order).
EXPECTED: dict[str, list[str]] = {
    "upload_files.py": [
        rf"uploaded notes\.txt: id={ID} size=5600 bytes",
        r"type=text/plain sha256=[0-9a-f]{12}",
        r"listed   notes\.txt \(completed\)",
        r"downloaded to copy\.txt: 5600 bytes, identical=True",
        rf"deleted  {ID}",
    ],
    "upload_files_async.py": [
        r"21/21 bytes",
        rf"uploaded scores\.csv: id={ID} size=21 bytes",
        rf"uploaded blob\.bin: id={ID} size=16384 bytes",
        r"downloaded scores\.csv: \['id,score', '1,0\.9', '2,0\.4'\]",
        r"16384/16384 bytes",
        r"downloaded blob\.bin: 16384 bytes, identical=True",
        r"deleted both",
    ],
    "dataset_schema.py": [
        rf"dataset Orders: id={ID} data version 1",
        r"inferred order_id: integer",
        r"inferred amount: float",
        r"inferred paid: boolean",
        r"inferred ordered_at: datetime",
        r"built schema v2: order_id, customer, amount",
        r"processing: completed",
        r"downloaded \d+ bytes, 3 rows",
    ],
    "run_pipeline.py": [
        rf"started {ID} on Word counter: pending",
        r"step \d/4 \(running\)",
        r"step 4/4 \(completed\)",
        r"completed; output: \{'words': 6, 'longest': 'not'\}",
    ],
    "run_pipeline_async.py": [
        rf"running Word counter \({ID}\)",
        r"running\s+\d+%",
        r"completed 100%",
        r"completed; output: \{'words': 9, 'longest': 'quick'\}",
    ],
    "tail_agent_async.py": [
        rf"started agent execution {ID}",
        r'memory v1: \{"status": "running"',
        r'memory v5: \{"status": "completed"',
        r"completed: \{'output': 'Emulated answer for: What does the platform emulate\?'\}",
        r"thought: Thought 4",
    ],
    "bulk_transfer_async.py": [
        r"uploaded 12 files, 28450 bytes",
        rf"part-00\.txt: id={ID} size=350",
        r"downloaded 12 files into downloads/, identical=True",
    ],
    "hooks.py": [
        r"-> create Agent \{.*'name': 'Triage', 'description': 'Sorts tickets'\}",
        r"<- create Agent: ok in [\d.]+ ms",
        r"-> save Agent \{'description': 'Sorts and labels tickets'\}",
        r"<- search Agent: ok",
        r"agents: \['Triage'\]",
        r"<- delete Agent: ok",
        r"<- get Agent: NotFoundError",
        r"gone: 404",
    ],
    "hooks_subclass_async.py": [
        rf"created CachedAgent {ID}: 'Created through the hooks example'",
        r"read twice, one request: True",
        rf"deleted {ID}",
    ],
}


def discovered() -> list[str]:
    """The example scripts (helpers start with an underscore)."""
    return sorted(p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))


def run_script(
    args: list[str], env: dict[str, str] | None = None, *, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """Run ``python <args>`` with no MODERATELY_* settings but those in ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MODERATELY_")}
    # ResourceWarnings (an unclosed session or file) are printed, so an empty stderr proves none.
    command = [sys.executable, "-W", "default::ResourceWarning", *args]
    return subprocess.run(
        command, env={**clean, **(env or {})}, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def assert_in_order(output: str, patterns: list[str]) -> None:
    position = 0
    for pattern in patterns:
        found = re.compile(pattern).search(output, position)
        assert found, f"{pattern!r} not found after position {position} in:\n{output}"
        position = found.end()


def env_for(emu: Emulator) -> dict[str, str]:
    return {
        "MODERATELY_API_KEY": emu.api_key,
        "MODERATELY_TEAM_ID": emu.team_id,
        "MODERATELY_BASE_URL": emu.base_url,
    }


def test_examples_are_found() -> None:
    assert len(discovered()) >= 9


def test_every_expectation_names_an_existing_example() -> None:
    assert set(EXPECTED) <= set(discovered())


@pytest.mark.slow
@pytest.mark.parametrize("name", discovered())
def test_example_runs_offline_with_the_emulator_flag(name: str, tmp_path: Path) -> None:
    assert name in EXPECTED, f"examples/{name} is not run by this file: add its expected output"
    result = run_script([str(EXAMPLES / name), "--emulator"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("(using an in-process emulator at http://127.0.0.1:")
    assert_in_order(result.stdout, EXPECTED[name])
    assert not TOKEN.search(result.stdout)
    assert list(tmp_path.iterdir()) == []  # scratch files live in temporary folders


@pytest.mark.parametrize("name", discovered())
def test_example_has_a_docstring_saying_how_to_run_it_and_a_main(name: str) -> None:
    text = (EXAMPLES / name).read_text()
    assert text.startswith('"""')
    assert f"python examples/{name} --emulator" in text
    assert "\ndef main(argv: list[str] | None = None) -> int:" in text
    assert 'if __name__ == "__main__":\n    sys.exit(main())' in text


def test_example_needs_its_settings_without_the_emulator_flag(tmp_path: Path) -> None:
    result = run_script([str(EXAMPLES / "upload_files.py")], cwd=tmp_path)
    assert result.returncode != 0
    assert "MODERATELY_API_KEY" in result.stderr


# --- against this test's emulator: what the script printed is what the platform saw ---------


def test_upload_files_against_a_given_platform(
    moderately_emulator: Emulator, tmp_path: Path
) -> None:
    emu = moderately_emulator
    result = run_script([str(EXAMPLES / "upload_files.py")], env_for(emu), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "in-process emulator" not in result.stdout
    assert emu.api_key not in result.stdout + result.stderr
    file_id = re.search(rf"uploaded notes\.txt: id=({ID}) size=5600", result.stdout)
    assert file_id, result.stdout
    assert f"deleted  {file_id.group(1)}" in result.stdout
    assert emu.stats.count("POST /files/upload-url") == 1
    assert emu.stats.count("POST /files/{fileId}/complete") == 1
    assert emu.stats.count("DELETE /files/{fileId}") == 1


def test_subclass_cache_answers_the_second_read_without_a_request(
    moderately_emulator: Emulator, tmp_path: Path
) -> None:
    emu = moderately_emulator
    result = run_script([str(EXAMPLES / "hooks_subclass_async.py")], env_for(emu), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert emu.stats.count("POST /agents") == 1
    assert emu.stats.count("GET /agents/{agentId}") == 1


def load_bootstrap() -> ModuleType:
    spec = importlib.util.spec_from_file_location("examples_emulated", EXAMPLES / "_emulated.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["run_pipeline.py", "run_pipeline_async.py"])
def test_pipeline_examples_print_the_output_the_platform_computed(
    name: str, moderately_emulator: Emulator, moderately_client: ModeratelyAI, tmp_path: Path
) -> None:
    emu, client = moderately_emulator, moderately_client
    pipeline = client.pipelines.create(name="Shouter")
    pipeline.create_configuration_version(load_bootstrap().PIPELINE_CONFIGURATION)

    def shout(pipeline_input: dict[str, Any]) -> dict[str, Any]:
        return {"shouted": str(pipeline_input["text"]).upper()}

    emu.register_pipeline_processor(shout, pipeline_id=pipeline.pipeline_id)
    args = [str(EXAMPLES / name), "--pipeline-id", pipeline.pipeline_id, "--text", "hi there"]
    result = run_script(args, env_for(emu), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "output: {'shouted': 'HI THERE'}" in result.stdout
    [execution] = client.pipeline_executions.list(pipeline_ids=pipeline.pipeline_id)
    assert execution.pipeline_execution_id in result.stdout
    assert execution.pipeline_input == {"text": "hi there"}

    def explode(pipeline_input: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("no words today")

    emu.register_pipeline_processor(explode, pipeline_id=pipeline.pipeline_id)
    failed = run_script(args, env_for(emu), cwd=tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "failed: no words today" in failed.stdout


def test_tail_example_prints_every_memory_state(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI, tmp_path: Path
) -> None:
    emu, client = moderately_emulator, moderately_client
    agent = client.agents.create(name="Helper")
    version = client.agent_configuration_versions.create(
        agent_id=agent.agent_id,
        instructions="Help.",
        input_schema={"type": "object"},
        output_schema={"type": "object"},
        version_number=1,
        is_current=True,
    )
    args = [str(EXAMPLES / "tail_agent_async.py"), "--configuration-version-id", version.id]
    result = run_script([*args, "--question", "Why?"], env_for(emu), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    [execution] = client.agent_executions.list()
    states = [m.version for m in execution.list_memory_states()]
    printed = [int(v) for v in re.findall(r"memory v(\d+):", result.stdout)]
    assert printed == states
    assert len(states) > 1
    assert f"started agent execution {execution.id}" in result.stdout


# --- the README ----------------------------------------------------------------------------


def readme_example() -> str:
    """The README's first Python block."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert blocks, "README.md has no python example"
    return str(blocks[0])


def test_readme_example_runs_against_the_emulator(
    moderately_emulator: Emulator, tmp_path: Path
) -> None:
    emu = moderately_emulator
    script = tmp_path / "readme_example.py"
    script.write_text(readme_example())
    result = run_script([str(script)], env_for(emu), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert emu.api_key not in result.stdout
    assert "uploaded scores.csv 15 bytes" in result.stdout
    assert "listed scores.csv completed" in result.stdout
    assert "round trip ok: True" in result.stdout
    for route in ("POST /files/upload-url", "DELETE /files/{fileId}", "POST /agents"):
        assert emu.stats.count(route) == 1, route
    assert emu.stats.count("PATCH /agents/{agentId}") == 1
    assert emu.stats.count("DELETE /agents/{agentId}") == 1


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert f"```sh\n{ci}\n```" in (ROOT / "README.md").read_text()


def test_readme_links_point_at_files_that_exist() -> None:
    links = re.findall(r"\]\(([^)#]+)\)", (ROOT / "README.md").read_text())
    assert any(link.startswith("docs/") for link in links)
    for link in links:
        if "://" not in link:
            assert (ROOT / link).exists(), link
