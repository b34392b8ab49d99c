"""``moderately pipelines run``: run a pipeline on an input and follow it to its end."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ._commands import add_command, add_group, read_json_input
from ._context import Context
from ._executions import EXECUTION_FIELDS, report_end, wait_with_bar


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: Sequence[argparse.ArgumentParser],
) -> None:
    """Add the ``pipelines`` group."""
    group = add_group(commands, "pipelines", "run pipelines", parents)
    run = add_command(
        group,
        "run",
        "run a pipeline's current (or newest draft) configuration version and wait for it",
        parents,
        _run,
    )
    run.add_argument("pipeline_id", metavar="PIPELINE_ID")
    run.add_argument(
        "--input",
        metavar="JSON",
        help="the input: a JSON object, @file.json, or - for stdin (default: {})",
    )
    run.add_argument(
        "--configuration-version",
        metavar="ID",
        help="run this configuration version instead of the pipeline's current one",
    )
    run.add_argument(
        "--no-wait", action="store_true", help="print the started execution and return at once"
    )


def _run(ctx: Context, args: argparse.Namespace) -> int:
    payload = read_json_input(args.input)
    client = ctx.client()
    pipeline = client.pipelines.retrieve(args.pipeline_id)
    execution = pipeline.start(payload, configuration_version_id=args.configuration_version)
    ctx.out.note(f"started execution {execution.pipeline_execution_id} of {pipeline.name}")
    if args.no_wait:
        ctx.out.record(execution, EXECUTION_FIELDS)
        return 0
    return report_end(ctx, wait_with_bar(ctx, execution))
