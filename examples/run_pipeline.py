"""Start a pipeline run, wait for it by id, and read its output, with the sync client.

Run one of your team's pipelines (MODERATELY_API_KEY and MODERATELY_TEAM_ID set)::

    python examples/run_pipeline.py --pipeline-id <id> --text "some words to count"

or offline: ``--emulator`` starts an emulator with a word-counting pipeline to run::

    python examples/run_pipeline.py --emulator
"""

from __future__ import annotations

import sys

from _emulated import connect, demo_pipeline, parser

from moderately import ModeratelyAI, PipelineExecution


def on_progress(execution: PipelineExecution) -> None:
    """Called with a fresh snapshot of the execution after every poll."""
    print(f"  step {execution.current_step}/{execution.total_steps} ({execution.status})")


def main(argv: list[str] | None = None) -> int:
    """Start one run, wait for it, print its output."""
    arguments = parser(__doc__)
    arguments.add_argument("--pipeline-id", help="the pipeline to run")
    arguments.add_argument("--text", default="to be or not to be")
    args = arguments.parse_args(argv)
    with connect(args.emulator) as emu:
        pipeline_id = args.pipeline_id or (demo_pipeline(emu) if emu else None)
        if pipeline_id is None:
            arguments.error("--pipeline-id is required without --emulator")

        with ModeratelyAI() as client:
            pipeline = client.pipelines.retrieve(pipeline_id)
            # start() returns at once: keep the id, and wait here or in another process.
            started = pipeline.start({"text": args.text})
            execution_id = started.pipeline_execution_id
            print(f"started {execution_id} on {pipeline.name}: {started.status}")

            done = client.pipeline_executions.wait(
                execution_id, timeout=120, poll_interval=0.25, on_progress=on_progress
            )
            if not done.succeeded:
                print(f"{execution_id} ended {done.status}: {done.error}")
                return 1
            print(f"{execution_id} completed; output: {done.output()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
