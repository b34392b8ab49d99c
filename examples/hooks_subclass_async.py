"""Model hooks: a subclass of AsyncAgent, used through ``client.agents.using(...)``.

Its ``before_create`` fills in a default description; its ``before_get`` / ``after_get`` cache
reads, answering repeated ones without a request.

Run against your team (MODERATELY_API_KEY and MODERATELY_TEAM_ID set)::

    python examples/hooks_subclass_async.py

or offline, against an in-process emulator::

    python examples/hooks_subclass_async.py --emulator
"""

from __future__ import annotations

import asyncio
import sys
from typing import ClassVar

from _emulated import connect, parser

from moderately import AsyncAgent, AsyncModeratelyAI, HookContext, Outcome, Replace


class CachedAgent(AsyncAgent):
    """An agent whose creation fills in a description and whose reads are cached."""

    # A ClassVar, since every annotated name of a model is otherwise a field.
    cache: ClassVar[dict[str, CachedAgent]] = {}

    @classmethod
    async def before_create(cls, ctx: HookContext[CachedAgent]) -> None:
        """Edits to ``ctx.params`` change the request about to be sent."""
        ctx.params.setdefault("description", "Created through the hooks example")

    @classmethod
    async def before_get(cls, ctx: HookContext[CachedAgent]) -> Replace[CachedAgent] | None:
        """``Replace(value)`` answers the call without a request."""
        cached = cls.cache.get(ctx.params["agent_id"])
        return None if cached is None else Replace(cached)

    @classmethod
    async def after_get(cls, ctx: HookContext[CachedAgent], outcome: Outcome[CachedAgent]) -> None:
        """Keep what the platform returned for the next read."""
        if outcome.result is not None:
            cls.cache[outcome.result.agent_id] = outcome.result


async def run() -> None:
    """Create an agent through the subclass and read it twice."""
    async with AsyncModeratelyAI() as client:
        agents = client.agents.using(CachedAgent)  # every call through it builds CachedAgent
        agent = await agents.create(name="Triage")
        print(f"created {type(agent).__name__} {agent.agent_id}: {agent.description!r}")

        first = await agents.retrieve(agent.agent_id)  # sent, then kept by after_get
        again = await agents.retrieve(agent.agent_id)  # answered by before_get
        print(f"read twice, one request: {again is first}")

        # Hooks run on instance operations too: delete() passes through before_delete.
        await agent.delete()
        CachedAgent.cache.pop(agent.agent_id, None)
        print(f"deleted {agent.agent_id}")


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, then run the async part."""
    args = parser(__doc__).parse_args(argv)
    with connect(args.emulator):
        asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
