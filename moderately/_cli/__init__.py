"""The ``moderately`` command: the SDK's operations for the shell, and ``moderately demo``.

``main(argv)`` is the console script's entry point and returns the exit code; the codes are
listed in ``moderately --help`` (see `_errors.ExitCode`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from .._constants import ENV_API_KEY
from ._app import build_parser, finish_defaults
from ._context import SECRETS, Context, redact
from ._errors import ExitCode, explain
from ._output import Output

__all__ = ["main"]


def _secrets_in(argv: Sequence[str]) -> tuple[str, ...]:
    """The API key wherever this run may hold it: the environment and ``--api-key``."""
    found = [os.environ.get(ENV_API_KEY, "")]
    for i, arg in enumerate(argv):
        if arg == "--api-key" and i + 1 < len(argv):
            found.append(argv[i + 1])
        elif arg.startswith("--api-key="):
            found.append(arg.partition("=")[2])
    # Longest first, so a key that contains another is masked whole.
    return tuple(sorted({s.strip() for s in found if s.strip()}, key=len, reverse=True))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: the process's arguments); return the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    token = SECRETS.set(_secrets_in(args_list))
    try:
        return _run(args_list)
    finally:
        SECRETS.reset(token)


def _run(argv: list[str]) -> int:
    parser = build_parser()
    try:
        args = finish_defaults(parser.parse_args(argv))
    except SystemExit as exc:  # argparse exits on --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else ExitCode.USAGE
    if not hasattr(args, "func"):
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    out = Output.for_process(json_mode=args.json, quiet=args.quiet)
    ctx = Context(args, out)
    try:
        return int(args.func(ctx, args))
    except KeyboardInterrupt:
        out.error("interrupted")
        return ExitCode.INTERRUPTED
    except Exception as exc:  # every failure becomes a message and an exit code
        explained = explain(exc)
        out.error(redact(f"error: {explained.message}"))
        if explained.hint:
            out.error(redact(f"hint: {explained.hint}"))
        return explained.code
    finally:
        ctx.close()
