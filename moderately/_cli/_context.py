"""What a command handler gets: its options, its output, and a client made on first use."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from .._constants import ENV_API_KEY, ENV_BASE_URL, ENV_TEAM_ID
from .._sync._client import ModeratelyAI
from ._errors import UsageError
from ._output import Output
from ._progress import ProgressBar, bars_enabled

DEFAULT_WAIT_TIMEOUT = 600.0
"""Seconds a wait (``executions wait``, ``pipelines run``) lasts without ``--timeout``."""

SECRETS: ContextVar[tuple[str, ...]] = ContextVar("moderately_cli_secrets", default=())
"""Values that must never be printed in this run (the API key), set by ``main``."""


_MIN_SECRET = 8


def redact(text: str) -> str:
    """``text`` with every secret of this run replaced by ``****``."""
    for secret in SECRETS.get():
        # A string this short is no real key (platform keys run to dozens of characters), and
        # masking it would garble every message that happens to contain those letters.
        if len(secret) >= _MIN_SECRET:
            text = text.replace(secret, "****")
    return text


@dataclass
class Context:
    """One run of one command: parsed options, output, and the client it uses."""

    args: argparse.Namespace
    out: Output
    _client: ModeratelyAI | None = field(default=None, repr=False)

    @property
    def api_key(self) -> str | None:
        """The key from ``--api-key``, else ``MODERATELY_API_KEY``, else None."""
        key: str | None = self.args.api_key or os.environ.get(ENV_API_KEY) or None
        return key

    @property
    def team_id(self) -> str | None:
        """The team from ``--team-id``, else ``MODERATELY_TEAM_ID``, else None."""
        team: str | None = self.args.team_id or os.environ.get(ENV_TEAM_ID) or None
        return team

    @property
    def base_url(self) -> str | None:
        """The platform from ``--base-url``, else ``MODERATELY_BASE_URL``, else None."""
        url: str | None = self.args.base_url or os.environ.get(ENV_BASE_URL) or None
        return url

    @property
    def wait_timeout(self) -> float:
        """How long a wait may last: ``--timeout``, else ten minutes."""
        timeout: float | None = self.args.timeout
        return DEFAULT_WAIT_TIMEOUT if timeout is None else timeout

    def client(self, *, needs_team: bool = False) -> ModeratelyAI:
        """The sync client for this run, made once; usage errors say what is missing."""
        if self._client is None:
            if self.api_key is None:
                raise UsageError(f"no API key: set {ENV_API_KEY} or pass --api-key")
            self._client = ModeratelyAI(
                api_key=self.api_key,
                team_id=self.team_id,
                base_url=self.base_url,
                timeout=self.args.timeout,
            )
        if needs_team and self.team_id is None:
            raise UsageError(f"this command needs a team: set {ENV_TEAM_ID} or pass --team-id")
        return self._client

    def bar(self, label: str, *, unit: str = "bytes") -> ProgressBar:
        """A progress bar on stderr, drawn only at a terminal and without ``--quiet``."""
        stream = self.out.stderr
        return ProgressBar(
            label, stream=stream, enabled=bars_enabled(stream, self.out.quiet), unit=unit
        )

    def close(self) -> None:
        """Close the client, if one was made."""
        if self._client is not None:
            self._client.close()
            self._client = None


Handler = Callable[[Context, argparse.Namespace], int]
"""A command: reads its arguments, writes through ``ctx.out``, returns the exit code."""
