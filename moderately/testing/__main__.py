"""``python -m moderately.testing``: serve the emulator until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys

from ._emulator import Emulator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m moderately.testing",
        description="Run a local emulator of the Moderately platform on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=8080, help="port to bind (0 picks a free one)")
    parser.add_argument("--verbose", action="store_true", help="log each request")
    return parser.parse_args(argv)


async def serve(port: int) -> None:
    """Run the emulator and print how to reach it, then wait forever."""
    async with Emulator(port) as emu:
        print(f"Moderately emulator listening on {emu.base_url}")
        print(f"  MODERATELY_BASE_URL={emu.base_url}")
        print(f"  MODERATELY_API_KEY={emu.api_key}")
        print(f"  MODERATELY_TEAM_ID={emu.team_id}")
        print(f"  user id: {emu.user_id}")
        print(f"  login:   {emu.email} / {emu.password}")
        print("Press Ctrl-C to stop.", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
