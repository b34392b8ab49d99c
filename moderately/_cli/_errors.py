"""Exit codes of the ``moderately`` command, and what an error tells the user to do next."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from .._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    InvalidArgumentError,
    ModeratelyError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    WaitTimeoutError,
)


class ExitCode(IntEnum):
    """The process exit codes; ``moderately --help`` lists them."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    API = 3
    TIMEOUT = 4
    CONNECTION = 5
    NOT_SUCCEEDED = 6
    INTERRUPTED = 130


EXIT_CODES_HELP = """\
exit codes:
  0    success
  1    any other failure (for example a download whose bytes did not check out)
  2    usage error: a bad option or argument, or a missing API key or team id
  3    the platform answered with an error (4xx/5xx), or reports itself unhealthy
  4    timed out: a request, or a wait past --timeout
  5    could not connect to the platform (check --base-url and the network)
  6    an execution ended without succeeding (failed or cancelled)
  130  interrupted (Ctrl-C)
"""


class UsageError(ModeratelyError):
    """A command line that cannot work: the message says how to fix it."""


@dataclass(frozen=True)
class Explained:
    """An error as the CLI reports it: exit code, what happened, what to do next."""

    code: ExitCode
    message: str
    hint: str | None = None


def _status_hint(exc: APIStatusError) -> str | None:
    if isinstance(exc, AuthenticationError):
        return (
            "check the API key (MODERATELY_API_KEY or --api-key): it may be mistyped, "
            "revoked or meant for another platform (--base-url)"
        )
    if isinstance(exc, PermissionDeniedError):
        return "the key has no access to this; check --team-id and the key's role"
    if isinstance(exc, NotFoundError):
        return "check the id (list them with the matching 'list' command) and --team-id"
    if isinstance(exc, RateLimitError):
        return "the platform is rate limiting this key; wait a moment and try again"
    if isinstance(exc, ConflictError):
        return "the resource is not in a state that allows this; fetch it and check its status"
    if exc.status_code >= 500:
        return "the platform failed; try again later, and quote the request_id if it persists"
    return None


def explain(exc: BaseException) -> Explained:
    """Map an exception to its exit code, a one-line message and a hint."""
    if isinstance(exc, UsageError | ConfigurationError | InvalidArgumentError):
        return Explained(ExitCode.USAGE, str(exc))
    if isinstance(exc, WaitTimeoutError):
        return Explained(ExitCode.TIMEOUT, str(exc), "raise --timeout to wait longer")
    if isinstance(exc, APITimeoutError):
        return Explained(
            ExitCode.TIMEOUT,
            f"the platform did not answer in time: {exc}",
            "raise --timeout, or try again when the platform is less busy",
        )
    if isinstance(exc, APIConnectionError):
        return Explained(
            ExitCode.CONNECTION,
            f"could not reach the platform at {exc.url}: {exc}",
            "check --base-url (or MODERATELY_BASE_URL) and your network connection",
        )
    if isinstance(exc, APIStatusError):
        return Explained(ExitCode.API, str(exc), _status_hint(exc))
    if isinstance(exc, APIError):
        return Explained(ExitCode.API, str(exc))
    if isinstance(exc, ModeratelyError | OSError):
        return Explained(ExitCode.FAILURE, str(exc))
    return Explained(ExitCode.FAILURE, f"{type(exc).__name__}: {exc}")
