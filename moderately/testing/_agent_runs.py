"""Simulated agent executions: how an execution moves through its states over time.

Nothing runs in the background. Each execution keeps a snapshot of `ExecutionTiming` taken at
creation (``_timing``) and its creation instant (``_created``); `advance(state, execution)`
brings it up to date whenever it is read:

* ``pending`` until ``pending_seconds`` have passed; then ``running`` (``startedAt`` set) and
  memory state version 1 holds the ``task`` step;
* every ``step_seconds`` one more step completes: ``currentStep`` grows, a thought is added and
  a new memory state version holds the steps so far (plan, thought, code, observation, ...);
* after ``steps`` steps it ends as the timing's ``outcome``: ``completed`` (``agentOutput``,
  ``agentOutputSummary``, ``completedAt`` and a ``final_answer`` step) or ``failed``
  (``failedAt`` and a ``system`` step).

Timestamps are the instants those transitions happened, not the instant they were observed.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from ._config import ExecutionTiming
from ._ids import iso, new_id, utcnow
from ._state import Record, State

AGENTS = "agents"
CONFIGS = "agent_configuration_versions"
EXECUTIONS = "agent_executions"
MEMORY = "agent_execution_memory_states"

_STEP_KINDS = ("plan", "thought", "code", "observation", "fact")
TERMINAL = frozenset({"completed", "failed", "cancelled"})


def new_execution(
    config: Record, team_id: str, fields: dict[str, Any], timing: ExecutionTiming
) -> Record:
    """Return a fresh pending execution record for configuration version `config`."""
    now = utcnow()
    stamp = iso(now)
    return {
        "agentExecutionId": new_id(),
        "agentConfigurationVersionId": config["agentConfigurationVersionId"],
        "agentInput": fields["agentInput"],
        "agentInputSchema": fields.get("agentInputSchema", config["inputSchema"]),
        "agentInputSummary": fields["agentInputSummary"],
        "agentOutput": None,
        "agentOutputSchema": fields.get("agentOutputSchema", config["outputSchema"]),
        "agentOutputSummary": None,
        "status": "pending",
        "thoughts": [],
        "maxActions": fields.get("maxActions") or config["executionConfig"]["max_actions"],
        "currentStep": 0,
        "planningInterval": (
            fields.get("planningInterval") or config["executionConfig"]["planning_interval"]
        ),
        "createdAt": stamp,
        "updatedAt": stamp,
        "startedAt": None,
        "completedAt": None,
        "failedAt": None,
        "cancelledAt": None,
        "pausedAt": None,
        "_teamId": team_id,
        "_agentId": config["agentId"],
        "_created": now,
        "_timing": asdict(timing),
        "_versions": 0,
    }


def _step(
    kind: str, index: int, start: datetime, end: datetime | None, text: str
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "stepType": kind,
        "startedAt": iso(start),
        "endedAt": iso(end) if end else None,
        "summary": f"Step {index}: {kind}",
    }
    key = {"fact": "facts"}.get(kind, kind)
    body[key] = text
    return body


def _steps_until(execution: Record, done: int, ended: str | None) -> list[dict[str, Any]]:
    timing = execution["_timing"]
    start = execution["_created"] + timedelta(seconds=timing["pending_seconds"])
    step = timedelta(seconds=timing["step_seconds"])
    steps = [_step("task", 0, start, start, execution["agentInputSummary"])]
    for i in range(1, done + 1):
        began, finished = start + step * (i - 1), start + step * i
        if ended == "completed" and i == done:
            steps.append(
                {
                    "stepType": "final_answer",
                    "startedAt": iso(began),
                    "endedAt": iso(finished),
                    "summary": "Final answer",
                    "finalAnswer": {
                        "type": "final_answer",
                        "output": _output_text(execution),
                        "resourceIds": [],
                    },
                }
            )
        elif ended == "failed" and i == done:
            steps.append(_step("system", i, began, finished, "The execution failed"))
        else:
            kind = _STEP_KINDS[(i - 1) % len(_STEP_KINDS)]
            steps.append(_step(kind, i, began, finished, f"Working on step {i}"))
    return steps


def _output_text(execution: Record) -> str:
    return f"Emulated answer for: {execution['agentInputSummary']}"


def _add_memory_state(
    state: State, execution: Record, version: int, at: datetime, ended: str | None
) -> None:
    done = version - 1
    memory = {
        "agentExecutionMemoryStateId": new_id(),
        "agentExecutionId": execution["agentExecutionId"],
        "state": {
            "status": ended or "running",
            "currentStep": done,
            "steps": _steps_until(execution, done, ended),
        },
        "version": version,
        "createdAt": iso(at),
        "updatedAt": iso(at),
    }
    state.collection(MEMORY)[memory["agentExecutionMemoryStateId"]] = memory


def advance(state: State, execution: Record, now: datetime | None = None) -> Record:
    """Bring `execution` (and its memory states) up to date with the clock; return it."""
    if execution["status"] in TERMINAL or execution["status"] == "paused":
        return execution
    now = now or utcnow()
    timing = execution["_timing"]
    created: datetime = execution["_created"]
    started = created + timedelta(seconds=timing["pending_seconds"])
    if now < started:
        return execution
    step = timing["step_seconds"]
    total_steps = int(timing["steps"])
    elapsed = (now - started).total_seconds()
    done = total_steps if step <= 0 else min(total_steps, math.floor(elapsed / step))
    finished = done >= total_steps
    outcome: str | None = timing["outcome"] if finished else None
    if execution["startedAt"] is None:
        execution["startedAt"] = iso(started)
        execution["status"] = "running"
    for version in range(execution["_versions"] + 1, done + 2):
        at = started + timedelta(seconds=step * (version - 1))
        _add_memory_state(state, execution, version, at, outcome if version == done + 1 else None)
        execution["_versions"] = version
    while len(execution["thoughts"]) < done:
        index = len(execution["thoughts"]) + 1
        at = started + timedelta(seconds=step * index)
        execution["thoughts"].append({"text": f"Thought {index}", "createdAt": iso(at)})
    last_change = started + timedelta(seconds=step * done)
    execution["currentStep"] = done
    execution["updatedAt"] = iso(last_change)
    if finished:
        if outcome == "completed":
            execution["status"] = "completed"
            execution["completedAt"] = iso(last_change)
            execution["agentOutput"] = {"output": _output_text(execution)}
            execution["agentOutputSummary"] = _output_text(execution)[:500]
        else:
            execution["status"] = "failed"
            execution["failedAt"] = iso(last_change)
    return execution


def memory_states_of(state: State, execution_id: str) -> list[Record]:
    """Return the memory states of one execution, oldest version first."""
    found = [m for m in state.collection(MEMORY).values() if m["agentExecutionId"] == execution_id]
    return sorted(found, key=lambda m: int(m["version"]))


def agent_stats(state: State, agent_id: str) -> dict[str, Any]:
    """Return ``lastRunAt``, ``totalRuns``, ``successfulRuns``, ``successRate`` of an agent."""
    runs = [
        advance(state, e)
        for e in state.collection(EXECUTIONS).values()
        if e["_agentId"] == agent_id
    ]
    successful = sum(1 for e in runs if e["status"] == "completed")
    return {
        "lastRunAt": max((e["createdAt"] for e in runs), default=None),
        "totalRuns": len(runs),
        "successfulRuns": successful,
        "successRate": successful / len(runs) if runs else 0,
    }
