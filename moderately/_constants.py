"""Defaults shared by the clients, the HTTP core and the retry policy."""

from __future__ import annotations

import platform

import aiohttp

from ._version import __version__

DEFAULT_BASE_URL = "https://api.moderately.ai"
"""Where the clients point when neither an argument nor MODERATELY_BASE_URL says otherwise."""

DEFAULT_TIMEOUT = 60.0
"""Seconds one attempt of a request may take, connecting and reading included."""

DEFAULT_CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a connection before the attempt counts as failed (and is retried)."""

DEFAULT_MAX_RETRIES = 2
"""Retries after the first attempt, so three attempts in all."""

DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024
"""Largest API response body the core reads into memory; file bytes never go through it."""

ENV_API_KEY = "MODERATELY_API_KEY"
ENV_TEAM_ID = "MODERATELY_TEAM_ID"
ENV_BASE_URL = "MODERATELY_BASE_URL"
ENV_LOG = "MODERATELY_LOG"

IDEMPOTENCY_HEADER = "Idempotency-Key"
RETRY_COUNT_HEADER = "X-Moderately-Retry-Count"
REQUEST_ID_HEADER = "X-Request-Id"

USER_AGENT = (
    f"moderately-python/{__version__} "
    f"Python/{platform.python_version()} aiohttp/{aiohttp.__version__}"
)
"""Names the SDK, Python and aiohttp versions on every request."""
