"""``moderately executions``: pipeline executions (wait, cancel, output) and agent tails.

``wait``, ``cancel`` and ``output`` take a pipeline execution id; ``tail`` takes an agent
execution id, since only agent executions have a live tail on the platform.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from .._sync.resources.pipeline_executions import PipelineExecution
from ._commands import add_command, add_group
from ._context import Context
from ._errors import ExitCode
from ._output import Column

EXECUTION_FIELDS: list[Column] = [
    ("execution_id", lambda e: e.pipeline_execution_id),
    ("configuration_version_id", lambda e: e.pipeline_configuration_version_id),
    ("status", lambda e: e.status),
    ("step", lambda e: _steps(e)),
    ("created", lambda e: e.created_at),
    ("started", lambda e: e.started_at),
    ("ended", lambda e: e.completed_at or e.failed_at or e.cancelled_at),
    ("error", lambda e: e.error),
]


def _steps(execution: PipelineExecution) -> str | None:
    if execution.total_steps is None:
        return None
    return f"{execution.current_step or 0}/{execution.total_steps}"


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: Sequence[argparse.ArgumentParser],
) -> None:
    """Add the ``executions`` group."""
    group = add_group(
        commands,
        "executions",
        "follow pipeline executions (wait, cancel, output) and tail agent executions (tail)",
        parents,
    )
    wait = add_command(group, "wait", "wait for a pipeline execution to end", parents, _wait)
    wait.add_argument("execution_id", metavar="PIPELINE_EXECUTION_ID")

    cancel = add_command(
        group, "cancel", "cancel a pending or running pipeline execution", parents, _cancel
    )
    cancel.add_argument("execution_id", metavar="PIPELINE_EXECUTION_ID")
    cancel.add_argument("--reason", help="why, recorded with the execution")

    output = add_command(
        group, "output", "print a pipeline execution's output (JSON)", parents, _output
    )
    output.add_argument("execution_id", metavar="PIPELINE_EXECUTION_ID")

    tail = add_command(
        group,
        "tail",
        "follow an agent execution's steps live until it ends (--json: one state per line)",
        parents,
        _tail,
    )
    tail.add_argument("execution_id", metavar="AGENT_EXECUTION_ID")
    tail.add_argument(
        "--after-version",
        type=int,
        default=0,
        metavar="N",
        help="resume after memory state version N (default: from the start)",
    )


def wait_with_bar(
    ctx: Context,
    execution: PipelineExecution,
    *,
    poll_interval: float = 0.25,
    max_poll_interval: float = 2.0,
    label: str | None = None,
) -> PipelineExecution:
    """Wait for ``execution`` to end, a progress bar following its steps."""
    bar = ctx.bar(label or f"execution {execution.pipeline_execution_id}", unit="steps")

    def seen(snapshot: PipelineExecution) -> None:
        bar.update(snapshot.current_step or 0, snapshot.total_steps, note=snapshot.status)

    seen(execution)
    try:
        execution.wait(
            timeout=ctx.wait_timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_progress=seen,
        )
    finally:
        bar.close(note=execution.status)
    return execution


def report_end(ctx: Context, execution: PipelineExecution) -> int:
    """Print the ended execution; exit 0 if it completed, else 6."""
    ctx.out.record(execution, EXECUTION_FIELDS)
    if execution.succeeded:
        ctx.out.note(f"execution {execution.pipeline_execution_id} completed")
        return ExitCode.OK
    why = f": {execution.error}" if execution.error else ""
    ctx.out.error(f"execution {execution.pipeline_execution_id} ended {execution.status}{why}")
    return ExitCode.NOT_SUCCEEDED


def _wait(ctx: Context, args: argparse.Namespace) -> int:
    client = ctx.client()
    execution = client.pipeline_executions.retrieve(args.execution_id)
    return report_end(ctx, wait_with_bar(ctx, execution))


def _cancel(ctx: Context, args: argparse.Namespace) -> int:
    client = ctx.client()
    execution = client.pipeline_executions.cancel(args.execution_id, reason=args.reason)
    ctx.out.note(f"execution {execution.pipeline_execution_id} is {execution.status}")
    ctx.out.record(execution, EXECUTION_FIELDS)
    return 0


def _output(ctx: Context, args: argparse.Namespace) -> int:
    client = ctx.client()
    result: Any = client.pipeline_executions.get_output(args.execution_id)
    if isinstance(result, bytes):
        # Non-JSON outputs (csv, parquet, binary) go out as the bytes they are.
        ctx.out.stdout.flush()
        ctx.out.stdout.buffer.write(result)
        ctx.out.stdout.buffer.flush()
        return 0
    # An output is data whatever the mode, so it is always printed as JSON.
    ctx.out.data(result)
    return 0


def _tail(ctx: Context, args: argparse.Namespace) -> int:
    client = ctx.client()
    printed = 0
    for state in client.agent_executions.live_tail(
        args.execution_id, after_version=args.after_version, timeout=ctx.args.timeout
    ):
        if ctx.out.json_mode:
            ctx.out.json_line(state)
            continue
        steps = state.state.get("steps")
        if not isinstance(steps, list):
            continue
        for step in steps[printed:]:
            ctx.out.text(_step_line(state.version, step))
        printed = max(printed, len(steps))
    execution = client.agent_executions.retrieve(args.execution_id)
    ctx.out.note(f"agent execution {execution.agent_execution_id} ended {execution.status}")
    return ExitCode.OK if execution.succeeded else ExitCode.NOT_SUCCEEDED


def _step_line(version: int, step: Any) -> str:
    if not isinstance(step, dict):
        return f"v{version}  {json.dumps(step)}"
    kind = step.get("stepType", "step")
    summary = step.get("summary") or ""
    answer = step.get("finalAnswer")
    detail = answer.get("output") if isinstance(answer, dict) else step.get(kind)
    text = f"v{version}  [{kind}] {summary}"
    if isinstance(detail, str) and detail and detail != summary:
        text += f": {detail}"
    return text
