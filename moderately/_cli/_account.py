"""``moderately whoami`` and ``moderately health``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ._commands import add_command
from ._context import Context
from ._errors import ExitCode


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: Sequence[argparse.ArgumentParser],
) -> None:
    """Add ``whoami`` and ``health``."""
    add_command(commands, "whoami", "show the user behind the API key", parents, _whoami)
    add_command(
        commands,
        "health",
        "show the platform's health (exit 3 when it reports itself unhealthy)",
        parents,
        _health,
    )


def _whoami(ctx: Context, args: argparse.Namespace) -> int:
    me = ctx.client().whoami()
    ctx.out.record(me)
    return 0


def _health(ctx: Context, args: argparse.Namespace) -> int:
    health = ctx.client().health()
    ctx.out.record(health)
    if health.is_healthy:
        return ExitCode.OK
    ctx.out.error(f"the platform reports itself {health.status!r}")
    return ExitCode.API
