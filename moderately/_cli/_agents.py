"""``moderately agents list``: the team's agents."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ._commands import add_command, add_group, add_limit
from ._context import Context
from ._output import Column

AGENT_COLUMNS: list[Column] = [
    ("agent_id", lambda a: a.agent_id),
    ("name", lambda a: a.name),
    ("description", lambda a: a.description),
    ("runs", lambda a: None if a.total_runs is None else int(a.total_runs)),
    ("last_run", lambda a: a.last_run_at),
]


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: Sequence[argparse.ArgumentParser],
) -> None:
    """Add the ``agents`` group."""
    group = add_group(commands, "agents", "list agents", parents)
    listing = add_command(group, "list", "list the team's agents by name", parents, _list)
    listing.add_argument("--name-like", metavar="TEXT", help="only names containing TEXT")
    add_limit(listing)


def _list(ctx: Context, args: argparse.Namespace) -> int:
    client = ctx.client(needs_team=True)
    page = client.agents.list(
        name_like=args.name_like, order_by="name", page_size=min(args.limit, 100)
    )
    found = []
    for agent in page:
        found.append(agent)
        if len(found) >= args.limit:
            break
    ctx.out.items(found, AGENT_COLUMNS, empty="no agents")
    return 0
