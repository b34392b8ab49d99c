"""``moderately demo``: a whole platform workflow, on a local emulator unless told otherwise.

Without credentials (no ``--base-url``/``--api-key``/``--team-id`` and no ``MODERATELY_*``
variables) the demo starts the emulator in this process, on a thread, and points the sync
client at it; with them it runs the same workflow against that platform.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .._constants import ENV_API_KEY, ENV_BASE_URL, ENV_TEAM_ID
from .._sync._client import ModeratelyAI
from ._commands import add_command
from ._context import Context
from ._demo_data import emulator_config
from ._demo_flow import Workflow
from ._errors import ExitCode
from ._output import cell, render_table


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: Sequence[argparse.ArgumentParser],
) -> None:
    """Add ``demo``."""
    add_command(
        commands,
        "demo",
        "run a whole workflow (upload, dataset, schema, pipeline, execution, output, cleanup) "
        "on a local emulator, or on the platform the credentials point at",
        parents,
        _demo,
    )


def _has_credentials(ctx: Context) -> bool:
    given = (ctx.args.base_url, ctx.args.api_key, ctx.args.team_id)
    from_env = (os.environ.get(name) for name in (ENV_API_KEY, ENV_TEAM_ID, ENV_BASE_URL))
    return any(given) or any(from_env)


@contextmanager
def _emulated(ctx: Context) -> Iterator[ModeratelyAI]:
    # Imported here: the emulator is loaded only when the demo needs it.
    from ..testing import Emulator

    ctx.out.narrate("Starting the embedded emulator of the platform (in this process)")
    with Emulator(config=emulator_config()) as emu:
        ctx.out.narrate(f"      listening on {emu.base_url}")
        client = ModeratelyAI(
            api_key=emu.api_key,
            team_id=emu.team_id,
            base_url=emu.base_url,
            timeout=ctx.args.timeout,
        )
        try:
            yield client
        finally:
            client.close()
    ctx.out.narrate("Emulator stopped")


def _demo(ctx: Context, args: argparse.Namespace) -> int:
    emulated = not _has_credentials(ctx)
    target = "the embedded emulator" if emulated else (ctx.base_url or "the Moderately platform")
    intro = f"moderately demo: a whole platform workflow on {target}"
    ctx.out.narrate(intro)
    started = time.monotonic()
    with (
        _emulated(ctx) if emulated else _real(ctx) as client,
        tempfile.TemporaryDirectory(prefix="moderately-demo-") as workdir,
    ):
        flow = Workflow(ctx, client, Path(workdir))
        try:
            flow.run()
        finally:
            flow.cleanup()
    total = time.monotonic() - started
    _summary(ctx, flow, "emulator" if emulated else str(ctx.base_url or "platform"), total)
    return ExitCode.FAILURE if flow.left_behind else ExitCode.OK


@contextmanager
def _real(ctx: Context) -> Iterator[ModeratelyAI]:
    yield ctx.client(needs_team=True)


def _summary(ctx: Context, flow: Workflow, target: str, total: float) -> None:
    out = ctx.out
    if out.json_mode:
        out.data(
            {
                "target": target,
                "steps": [
                    {"step": r.step, "id": r.id, "detail": r.detail, "seconds": round(r.seconds, 3)}
                    for r in flow.rows
                ],
                "output": flow.output,
                "cleanup": {
                    "deleted": {
                        "files": flow.created.files,
                        "datasets": flow.created.datasets,
                        "pipelines": flow.created.pipelines,
                    },
                    "left_behind": flow.left_behind,
                },
                "seconds": round(total, 3),
            }
        )
        return
    rows = [[r.step, cell(r.id), cell(r.detail), f"{r.seconds:.2f}"] for r in flow.rows]
    out.text("")
    out.text(f"Summary ({total:.1f} s in all)")
    out.text(render_table(["step", "id", "detail", "seconds"], rows))
    out.text("")
    out.text("Output of the execution:")
    out.data(flow.output)
    if flow.left_behind:
        out.error("Some of what the demo created is still there: " + ", ".join(flow.left_behind))
    else:
        out.text(f"Cleanup: deleted {flow.created.count()}; nothing left behind.")
