"""Start an agent and tail its execution's memory as it changes, with the async client.

Run one of your agents (MODERATELY_API_KEY and MODERATELY_TEAM_ID set)::

    python examples/tail_agent_async.py --configuration-version-id <id> --question "..."

or offline: ``--emulator`` starts an emulator with an agent to run::

    python examples/tail_agent_async.py --emulator
"""

from __future__ import annotations

import asyncio
import json
import sys

from _emulated import connect, demo_agent_configuration, parser

from moderately import AsyncModeratelyAI


async def run(configuration_version_id: str, question: str) -> bool:
    """Start one execution, print each memory state, then its outcome; True if it completed."""
    async with AsyncModeratelyAI() as client:
        execution = await client.agent_executions.create(
            agent_configuration_version_id=configuration_version_id,
            agent_input={"question": question},
            agent_input_summary=question[:500],
        )
        print(f"started agent execution {execution.agent_execution_id}")

        # Each memory state once, in version order, until the execution ends; versions that
        # appeared between two polls are fetched too, so none is missed.
        async for memory in execution.live_tail(poll_interval=0.25):
            # The state is whatever the agent keeps; print a short view of it.
            summary = json.dumps(memory.state, default=str)
            print(f"  memory v{memory.version}: {summary[:70]}")

        await execution.refresh()
        print(f"{execution.status}: {execution.agent_output}")
        for thought in execution.thoughts:
            print(f"  thought: {thought.text}")
        return execution.succeeded


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, then run the async part."""
    arguments = parser(__doc__)
    arguments.add_argument("--configuration-version-id", help="the agent configuration to run")
    arguments.add_argument("--question", default="What does the platform emulate?")
    args = arguments.parse_args(argv)
    with connect(args.emulator) as emu:
        version_id = args.configuration_version_id or (demo_agent_configuration() if emu else None)
        if version_id is None:
            arguments.error("--configuration-version-id is required without --emulator")
        succeeded = asyncio.run(run(version_id, args.question))
    return 0 if succeeded else 1


if __name__ == "__main__":
    sys.exit(main())
