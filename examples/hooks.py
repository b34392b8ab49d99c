"""Client hooks: log every call a sync client makes, with its outcome and duration.

Run against your team (MODERATELY_API_KEY and MODERATELY_TEAM_ID set)::

    python examples/hooks.py

or offline, against an in-process emulator::

    python examples/hooks.py --emulator
"""

from __future__ import annotations

import sys
import time
from typing import Any

from _emulated import connect, parser

from moderately import HookContext, ModeratelyAI, NotFoundError, Outcome

started: dict[int, float] = {}


def log_call(ctx: HookContext[Any]) -> None:
    """Runs before every operation (search, get, create, save, delete, run); None lets it go."""
    started[id(ctx)] = time.perf_counter()
    print(f"-> {ctx.operation} {ctx.resource.__name__} {ctx.params}")


def log_outcome(ctx: HookContext[Any], outcome: Outcome[Any]) -> None:
    """Runs after each operation with its result or error; None keeps the outcome as it is."""
    took = (time.perf_counter() - started.pop(id(ctx))) * 1000
    result = "ok" if outcome.ok else type(outcome.error).__name__
    print(f"<- {ctx.operation} {ctx.resource.__name__}: {result} in {took:.1f} ms")


def main(argv: list[str] | None = None) -> int:
    """Register the hooks, then make a few calls, one of which fails."""
    args = parser(__doc__).parse_args(argv)
    with connect(args.emulator), ModeratelyAI() as client:
        # Hooks apply to every resource unless narrowed with operation=... or resource=...
        client.hooks.add_before(log_call)
        client.hooks.add_after(log_outcome)

        agent = client.agents.create(name="Triage", description="Sorts tickets")
        agent.description = "Sorts and labels tickets"
        agent.save()
        print(f"agents: {[a.name for a in client.agents.list()]}")
        agent.delete()
        try:
            client.agents.retrieve(agent.agent_id)
        except NotFoundError as exc:  # the after-hook saw it first; it is raised unchanged
            print(f"gone: {exc.status_code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
