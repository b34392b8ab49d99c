from __future__ import annotations

import json
from typing import Any

import pytest
from _cli_run import Run

from moderately import ModeratelyAI, Pipeline
from moderately._cli._demo_data import pipeline_configuration
from moderately.testing import Emulator, ExecutionTiming


def new_pipeline(client: ModeratelyAI, name: str = "Echo") -> Pipeline:
    pipeline = client.pipelines.create(name=name)
    pipeline.create_configuration_version(pipeline_configuration(name), status="current")
    return pipeline


def slow_runs(emu: Emulator, outcome: Any = "completed") -> None:
    emu.config.data.pipeline_execution = ExecutionTiming(
        pending_seconds=30, step_seconds=30, steps=2, outcome=outcome
    )


def test_pipelines_run_waits_and_output_prints_the_result(
    cli: Run, creds: list[str], moderately_client: ModeratelyAI
) -> None:
    pipeline = new_pipeline(moderately_client)
    ran = cli(
        *creds,
        "--json",
        "pipelines",
        "run",
        "--input",
        '{"text": "hi"}',
        "--",
        pipeline.pipeline_id,
    )
    assert ran.code == 0, ran.err
    execution = ran.json()
    assert execution["status"] == "completed"
    assert execution["pipeline_input"] == {"text": "hi"}
    execution_id = execution["pipeline_execution_id"]

    output = cli(*creds, "executions", "output", "--", execution_id)
    assert output.code == 0
    assert output.json() == moderately_client.pipeline_executions.get_output(execution_id)
    assert output.json()["echo"] == {"text": "hi"}


def test_run_no_wait_then_wait(cli: Run, creds: list[str], moderately_client: ModeratelyAI) -> None:
    pipeline = new_pipeline(moderately_client)
    started = cli(*creds, "--json", "pipelines", "run", "--no-wait", "--", pipeline.pipeline_id)
    assert started.code == 0, started.err
    assert started.json()["status"] in ("pending", "running")

    waited = cli(*creds, "executions", "wait", "--", started.json()["pipeline_execution_id"])
    assert waited.code == 0, waited.err
    assert any(line.split()[:2] == ["status", "completed"] for line in waited.out.splitlines())


def test_input_from_a_file_and_bad_input(
    cli: Run, creds: list[str], moderately_client: ModeratelyAI, tmp_path: Any
) -> None:
    pipeline = new_pipeline(moderately_client)
    source = tmp_path / "input.json"
    source.write_text('{"n": 3}')
    ran = cli(
        *creds, "--json", "pipelines", "run", "--input", f"@{source}", "--", pipeline.pipeline_id
    )
    assert ran.json()["pipeline_input"] == {"n": 3}

    bad = cli(*creds, "pipelines", "run", "--input", "{nope", "--", pipeline.pipeline_id)
    assert bad.code == 2
    assert "not valid JSON" in bad.err
    not_object = cli(*creds, "pipelines", "run", "--input", "[1]", "--", pipeline.pipeline_id)
    assert not_object.code == 2


def test_failed_execution_exits_6(
    cli: Run, creds: list[str], moderately_client: ModeratelyAI, moderately_emulator: Emulator
) -> None:
    moderately_emulator.config.data.pipeline_execution = ExecutionTiming(
        pending_seconds=0.01, step_seconds=0.01, steps=2, outcome="failed"
    )
    pipeline = new_pipeline(moderately_client)
    ran = cli(*creds, "pipelines", "run", "--", pipeline.pipeline_id)
    assert ran.code == 6
    assert "ended failed" in ran.err


def test_wait_past_timeout_exits_4_and_cancel(
    cli: Run, creds: list[str], moderately_client: ModeratelyAI, moderately_emulator: Emulator
) -> None:
    slow_runs(moderately_emulator)
    pipeline = new_pipeline(moderately_client)
    execution = pipeline.start({"x": 1})
    waited = cli(
        *creds, "--timeout", "0.3", "executions", "wait", "--", execution.pipeline_execution_id
    )
    assert waited.code == 4
    assert "hint: raise --timeout" in waited.err

    cancelled = cli(
        *creds,
        "--json",
        "executions",
        "cancel",
        "--reason",
        "demo",
        "--",
        execution.pipeline_execution_id,
    )
    assert cancelled.code == 0, cancelled.err
    assert cancelled.json()["status"] == "cancelled"
    assert (
        moderately_client.pipeline_executions.retrieve(execution.pipeline_execution_id).status
        == "cancelled"
    )

    again = cli(*creds, "executions", "cancel", "--", execution.pipeline_execution_id)
    assert again.code == 3  # the platform refuses to cancel an ended execution


def test_unknown_execution_is_404(cli: Run, creds: list[str]) -> None:
    result = cli(*creds, "executions", "wait", "--", "missing")
    assert result.code == 3
    assert "404" in result.err
    assert "check the id" in result.err


@pytest.fixture
def agent_execution_id(moderately_client: ModeratelyAI, moderately_emulator: Emulator) -> str:
    moderately_emulator.config.agent_execution = ExecutionTiming(
        pending_seconds=0.01, step_seconds=0.03, steps=3
    )
    agent = moderately_client.agents.create(name="Researcher", description="Finds things")
    version = moderately_client.agent_configuration_versions.create(
        agent_id=agent.agent_id,
        instructions="Answer the question.",
        input_schema={"type": "object"},
        output_schema={"type": "object"},
        version_number=1,
        is_current=True,
    )
    execution = moderately_client.agent_executions.create(
        agent_configuration_version_id=version.agent_configuration_version_id,
        agent_input={"q": "why?"},
        agent_input_summary="Why is the sky blue?",
    )
    return execution.agent_execution_id


def test_tail_prints_each_step_once(cli: Run, creds: list[str], agent_execution_id: str) -> None:
    tailed = cli(*creds, "executions", "tail", "--", agent_execution_id)
    assert tailed.code == 0, tailed.err
    lines = tailed.out.splitlines()
    kinds = [line.split()[1] for line in lines]
    assert kinds[0] == "[task]"
    assert kinds[-1] == "[final_answer]"
    assert len(lines) == len(set(lines))  # each step printed once
    assert "Emulated answer for: Why is the sky blue?" in lines[-1]
    assert "ended completed" in tailed.err


def test_tail_json_lines(cli: Run, creds: list[str], agent_execution_id: str) -> None:
    tailed = cli(*creds, "--json", "executions", "tail", "--", agent_execution_id)
    assert tailed.code == 0, tailed.err
    states = [json.loads(line) for line in tailed.out.splitlines()]
    versions = [s["version"] for s in states]
    assert versions == sorted(set(versions))
    assert states[-1]["state"]["status"] == "completed"


def test_agents_list(cli: Run, creds: list[str], agent_execution_id: str) -> None:
    listed = cli(*creds, "--json", "agents", "list")
    assert [a["name"] for a in listed.json()] == ["Researcher"]
    table = cli(*creds, "agents", "list")
    assert table.out.splitlines()[0].split() == [
        "agent_id",
        "name",
        "description",
        "runs",
        "last_run",
    ]
    assert "Finds things" in table.out
