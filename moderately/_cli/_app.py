"""The command line: global options, one sub-command group per resource, and dispatch."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from .._version import __version__
from . import _account, _agents, _datasets, _demo, _executions, _files, _pipelines, _serve
from ._context import redact
from ._errors import EXIT_CODES_HELP

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

DESCRIPTION = "Work with the Moderately AI platform from the shell."

EPILOG = f"""\
credentials come from the environment (preferred, so the key stays out of your shell history
and the process list) or from the options:
  MODERATELY_API_KEY   the API key            (--api-key)
  MODERATELY_TEAM_ID   the team to work in    (--team-id)
  MODERATELY_BASE_URL  the platform's address (--base-url)

'moderately demo' without any of them runs against a local emulator started in-process.

ids may begin with '-': give such an option value as --team-id=ID, and put such an id
argument after '--' (moderately files download -o out.csv -- -AbC123).

{EXIT_CODES_HELP}"""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose messages never show this run's secrets."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        super()._print_message(redact(message), file)

    def error(self, message: str) -> NoReturn:
        """Report a usage error (exit code 2), the secrets of this run masked."""
        super().error(redact(message))


def global_options() -> argparse.ArgumentParser:
    """Options every command takes, before or after its name."""
    # SUPPRESS defaults: a sub-command's copy of an option must not overwrite a value given
    # before the command name; `finish_defaults` fills in what neither place set.
    common = Parser(add_help=False, argument_default=argparse.SUPPRESS)
    group = common.add_argument_group("global options")
    group.add_argument("--base-url", metavar="URL", help="the platform's address")
    group.add_argument(
        "--api-key", metavar="KEY", help="API key (prefer MODERATELY_API_KEY; it is never printed)"
    )
    group.add_argument("--team-id", metavar="ID", help="the team to work in")
    group.add_argument("--json", action="store_true", help="print results as JSON (for scripts)")
    group.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_positive_float,
        help="limit for each request and for each wait (default: 60 s per request, 600 s per wait)",
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bars or notes on stderr"
    )
    return common


_DEFAULTS: dict[str, object] = {
    "base_url": None,
    "api_key": None,
    "team_id": None,
    "json": False,
    "timeout": None,
    "quiet": False,
}


def finish_defaults(args: argparse.Namespace) -> argparse.Namespace:
    """Give every global option that was not passed its default."""
    for name, value in _DEFAULTS.items():
        if not hasattr(args, name):
            setattr(args, name, value)
    return args


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value


def build_parser() -> Parser:
    """The whole command line."""
    common = global_options()
    parser = Parser(
        prog="moderately",
        description=DESCRIPTION,
        epilog=EPILOG,
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"moderately {__version__}")
    commands: argparse._SubParsersAction[Any] = parser.add_subparsers(
        title="commands", metavar="COMMAND"
    )
    parents: Sequence[argparse.ArgumentParser] = [common]
    _demo.register(commands, parents)
    _files.register(commands, parents)
    _datasets.register(commands, parents)
    _pipelines.register(commands, parents)
    _executions.register(commands, parents)
    _agents.register(commands, parents)
    _account.register(commands, parents)
    _serve.register(commands, parents)
    return parser
