"""Run a pipeline, follow its progress, and read its output, with the async client.

Run one of your team's pipelines (MODERATELY_API_KEY and MODERATELY_TEAM_ID set)::

    python examples/run_pipeline_async.py --pipeline-id <id> --text "some words to count"

or offline: ``--emulator`` starts an emulator with a word-counting pipeline to run::

    python examples/run_pipeline_async.py --emulator
"""

from __future__ import annotations

import asyncio
import sys

from _emulated import connect, demo_pipeline, parser

from moderately import AsyncModeratelyAI, AsyncPipelineExecution


def on_progress(execution: AsyncPipelineExecution) -> None:
    """Called with a fresh snapshot of the execution after every poll."""
    done = "?" if execution.progress is None else f"{execution.progress:.0%}"
    print(f"  {execution.status:<9} {done}")


async def run(pipeline_id: str, text: str) -> bool:
    """Run the pipeline on ``{"text": text}``, print what it returned; True when it succeeded."""
    async with AsyncModeratelyAI() as client:
        pipeline = await client.pipelines.retrieve(pipeline_id)
        print(f"running {pipeline.name} ({pipeline.pipeline_id})")
        # run() starts the current configuration version and polls until the end.
        execution = await pipeline.run({"text": text}, timeout=120, on_progress=on_progress)
        if not execution.succeeded:
            print(
                f"execution {execution.pipeline_execution_id} {execution.status}: {execution.error}"
            )
            return False
        # Small outputs come inline; large ones are downloaded from storage and parsed.
        output = await client.pipeline_executions.get_output(execution.pipeline_execution_id)
        print(f"execution {execution.pipeline_execution_id} completed; output: {output}")
        return True


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, then run the async part."""
    arguments = parser(__doc__)
    arguments.add_argument("--pipeline-id", help="the pipeline to run")
    arguments.add_argument("--text", default="the quick brown fox jumps over the lazy dog")
    args = arguments.parse_args(argv)
    with connect(args.emulator) as emu:
        pipeline_id = args.pipeline_id or (demo_pipeline(emu) if emu else None)
        if pipeline_id is None:
            arguments.error("--pipeline-id is required without --emulator")
        succeeded = asyncio.run(run(pipeline_id, args.text))
    return 0 if succeeded else 1


if __name__ == "__main__":
    sys.exit(main())
