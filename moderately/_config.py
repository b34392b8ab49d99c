"""Client settings: resolved once from arguments, then the environment, then defaults."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy

from ._budget import RetryBudget
from ._constants import (
    DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_TIMEOUT,
    ENV_API_KEY,
    ENV_BASE_URL,
    ENV_TEAM_ID,
    USER_AGENT,
)
from ._errors import ConfigurationError
from ._retry import RetryPolicy

_UNSET: Any = object()


class Secret:
    """A string that never shows itself in repr, str or formatting."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret itself (the HTTP core calls it only to build the header)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('****')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """Let a model field hold a Secret: loaded from a string, dumped masked."""
        from pydantic_core import core_schema

        # Dumping (model_dump, JSON) masks it too, so only reveal() ever yields the value.
        return core_schema.no_info_plain_validator_function(
            _to_secret,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda _: "****"),
        )


class _MaskedHeader(str):
    """A header value that is sent as is but never shows itself in a repr.

    The request's header dict is a local variable of the HTTP core's frames: a traceback that
    prints locals (``capture_locals``, pytest ``--showlocals``, error trackers) shows its repr.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "'Bearer ****'"


def _to_secret(value: object) -> Secret:
    if isinstance(value, Secret):
        return value
    if isinstance(value, str):
        return Secret(value)
    # The value itself stays out of the message: it may be the secret in the wrong type.
    raise ValueError(f"expected a string, got {type(value).__name__}")


def api_timeout(seconds: float) -> aiohttp.ClientTimeout:
    """An API attempt's timeout in aiohttp's terms: ``seconds`` in all, connecting included."""
    return aiohttp.ClientTimeout(total=seconds, connect=min(DEFAULT_CONNECT_TIMEOUT, seconds))


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """Everything a client needs to talk to the platform; immutable, copied by ``with_options``."""

    api_key: Secret = field(repr=False)
    base_url: str
    team_id: str | None
    timeout: float
    retry: RetryPolicy
    default_headers: tuple[tuple[str, str], ...] = ()
    max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE
    retry_budget: RetryBudget = field(default_factory=RetryBudget, repr=False, compare=False)
    """Tokens for retries; the same object in a client and all its ``with_options`` copies."""
    request_headers: CIMultiDictProxy[str] = field(init=False, repr=False, compare=False)
    """Headers of every API request, built once per configuration (never shown: it has the key).

    Already the multidict aiohttp works with, so a request takes a ``copy()`` (one C call)
    instead of aiohttp converting a plain dict on every request.
    """
    client_timeout: aiohttp.ClientTimeout = field(init=False, repr=False, compare=False)
    """The per-attempt timeout as aiohttp takes it, built once per configuration."""

    def __post_init__(self) -> None:
        headers = dict(self.default_headers)
        headers["Authorization"] = _MaskedHeader("Bearer " + self.api_key.reveal())
        headers["User-Agent"] = USER_AGENT
        headers["Accept"] = "application/json"
        # Frozen dataclass: derived fields are set once here, and again by dataclasses.replace.
        object.__setattr__(self, "request_headers", CIMultiDictProxy(CIMultiDict(headers)))
        object.__setattr__(self, "client_timeout", api_timeout(self.timeout))

    @classmethod
    def resolve(
        cls,
        *,
        api_key: str | None,
        team_id: str | None,
        base_url: str | None,
        timeout: float | None,
        max_retries: int | None,
        retry_unknown_outcome: bool | None,
        default_headers: dict[str, str] | None,
        retry_policy: RetryPolicy | None = None,
        max_response_size: int | None = None,
        retry_budget: RetryBudget | None = None,
    ) -> ClientConfig:
        """Resolve settings: explicit argument, then environment, then default."""
        key = api_key if api_key is not None else os.environ.get(ENV_API_KEY)
        team = team_id if team_id is not None else os.environ.get(ENV_TEAM_ID) or None
        url = base_url if base_url is not None else os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL
        retry = RetryPolicy() if retry_policy is None else _check_policy(retry_policy)
        if max_retries is not None:
            retry = replace(retry, max_retries=_check_retries(max_retries))
        if retry_unknown_outcome is not None:
            retry = replace(retry, retry_unknown_outcome=bool(retry_unknown_outcome))
        return cls(
            api_key=_check_key(key),
            base_url=_check_base_url(url),
            team_id=_check_team(team),
            timeout=_check_timeout(DEFAULT_TIMEOUT if timeout is None else timeout),
            retry=retry,
            default_headers=tuple((default_headers or {}).items()),
            max_response_size=(
                DEFAULT_MAX_RESPONSE_SIZE
                if max_response_size is None
                else _check_max_response_size(max_response_size)
            ),
            retry_budget=_check_budget(RetryBudget() if retry_budget is None else retry_budget),
        )

    def updated(self, **changes: Any) -> ClientConfig:
        """Return a copy with the given settings changed and checked; others are kept."""
        new = self
        if (key := changes.pop("api_key", _UNSET)) is not _UNSET:
            new = replace(new, api_key=_check_key(key))
        if (url := changes.pop("base_url", _UNSET)) is not _UNSET:
            new = replace(new, base_url=_check_base_url(url))
        if (team := changes.pop("team_id", _UNSET)) is not _UNSET:
            new = replace(new, team_id=_check_team(team))
        if (timeout := changes.pop("timeout", _UNSET)) is not _UNSET:
            new = replace(new, timeout=_check_timeout(timeout))
        if (retries := changes.pop("max_retries", _UNSET)) is not _UNSET:
            new = replace(new, retry=replace(new.retry, max_retries=_check_retries(retries)))
        if (policy := changes.pop("retry_policy", _UNSET)) is not _UNSET:
            new = replace(new, retry=_check_policy(policy))
        if (unknown := changes.pop("retry_unknown_outcome", _UNSET)) is not _UNSET:
            new = replace(new, retry=replace(new.retry, retry_unknown_outcome=bool(unknown)))
        if (budget := changes.pop("retry_budget", _UNSET)) is not _UNSET:
            new = replace(new, retry_budget=_check_budget(budget))
        if (headers := changes.pop("default_headers", _UNSET)) is not _UNSET:
            merged = dict(new.default_headers) | dict(headers or {})
            new = replace(new, default_headers=tuple(merged.items()))
        if changes:
            raise ConfigurationError(f"Unknown client option(s): {', '.join(sorted(changes))}")
        return new

    def require_team(self, operation: str) -> str:
        """Return the team id, or explain how to set it when ``operation`` needs one."""
        if self.team_id is None:
            raise ConfigurationError(
                f"{operation} needs a team: pass team_id=... to the client or set {ENV_TEAM_ID}."
            )
        return self.team_id


def _check_key(key: object) -> Secret:
    if not isinstance(key, str) or not key.strip():
        raise ConfigurationError(
            f"No API key: pass api_key=... or set the {ENV_API_KEY} environment variable."
        )
    if any(ch in key for ch in "\r\n"):
        raise ConfigurationError("The API key contains a line break; check how it was read.")
    return Secret(key.strip())


def _check_base_url(url: object) -> str:
    problem = None
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        problem = "must start with http:// or https://"
    elif any(ch.isspace() or not ch.isprintable() for ch in url):
        problem = "must not contain spaces or control characters"
    else:
        try:
            parts = urlsplit(url)
        except ValueError:  # an unbalanced IPv6 bracket
            parts = urlsplit("")
        # Paths are appended to the base URL as text, so a query or fragment would swallow them.
        if not parts.hostname:
            problem = "must name a host"
        elif parts.query or parts.fragment or "?" in url or "#" in url:
            problem = "must not have a query or fragment"
    if problem is not None:
        raise ConfigurationError(f"base_url {problem} (set it or {ENV_BASE_URL}); got {url!r}")
    assert isinstance(url, str)
    return url.rstrip("/")


def _check_team(team: object) -> str | None:
    if team is None:
        return None
    if not isinstance(team, str) or not team.strip():
        raise ConfigurationError(f"team_id must be a non-empty string; got {team!r}")
    return team


def _check_timeout(timeout: object) -> float:
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not math.isfinite(timeout)
        or timeout <= 0
    ):
        raise ConfigurationError(f"timeout must be a positive number of seconds; got {timeout!r}")
    return float(timeout)


def _check_policy(policy: object) -> RetryPolicy:
    if not isinstance(policy, RetryPolicy):
        raise ConfigurationError(
            f"retry_policy must be a moderately.RetryPolicy; got {type(policy).__name__}"
        )
    return policy


def _check_max_response_size(value: object) -> int:
    # 0 or a negative limit would refuse every response; say so now rather than on each call.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigurationError(f"max_response_size must be a whole number > 0; got {value!r}")
    return value


def _check_budget(budget: object) -> RetryBudget:
    if not isinstance(budget, RetryBudget):
        raise ConfigurationError(
            f"retry_budget must be a moderately.RetryBudget; got {type(budget).__name__}"
        )
    return budget


def _check_retries(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"max_retries must be a whole number >= 0; got {value!r}")
    return value
