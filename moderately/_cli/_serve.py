"""``moderately emulator``: serve the local emulator, as ``python -m moderately.testing`` does."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ._commands import add_command
from ._context import Context


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: Sequence[argparse.ArgumentParser],
) -> None:
    """Add ``emulator``."""
    serve = add_command(
        commands,
        "emulator",
        "serve a local emulator of the platform on 127.0.0.1 until Ctrl-C",
        parents,
        _serve,
    )
    serve.add_argument(
        "--port", type=int, default=8080, help="port to bind (default 8080; 0 picks a free one)"
    )
    serve.add_argument("--verbose", action="store_true", help="log each request")


def _serve(ctx: Context, args: argparse.Namespace) -> int:
    # Imported here: the emulator is only loaded by the command that serves it.
    from ..testing.__main__ import main as serve_main

    argv = ["--port", str(args.port)] + (["--verbose"] if args.verbose else [])
    return serve_main(argv)
