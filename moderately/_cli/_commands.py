"""Helpers the command modules use to declare their sub-commands and read common input."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._context import Handler
from ._errors import UsageError


def add_group(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help: str,
    parents: Sequence[argparse.ArgumentParser],
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """A command group (``files``, ``datasets``, ...) whose sub-commands are required."""
    # The group takes the global options too, so they may also come between group and command.
    group = commands.add_parser(name, help=help, description=help, parents=list(parents))
    sub = group.add_subparsers(title="commands", metavar="COMMAND", required=True)
    return sub


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help: str,
    parents: Sequence[argparse.ArgumentParser],
    handler: Handler,
) -> argparse.ArgumentParser:
    """A leaf command that runs ``handler``; it takes the global options too."""
    parser = commands.add_parser(name, help=help, description=help, parents=list(parents))
    parser.set_defaults(func=handler)
    return parser


def add_limit(parser: argparse.ArgumentParser) -> None:
    """``--limit N`` for list commands."""
    parser.add_argument(
        "--limit", type=_count, default=50, metavar="N", help="show at most N items (default 50)"
    )


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def read_json_input(value: str | None) -> dict[str, Any]:
    """A JSON object from ``--input``: inline text, ``@path`` for a file, ``-`` for stdin."""
    if value is None:
        return {}
    if value == "-":
        text, where = sys.stdin.read(), "stdin"
    elif value.startswith("@"):
        path = Path(value[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read --input file {path}: {exc.strerror}") from None
        where = str(path)
    else:
        text, where = value, "--input"
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{where} is not valid JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise UsageError(f'{where} must be a JSON object, like \'{{"text": "hello"}}\'')
    return parsed
