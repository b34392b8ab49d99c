"""Authentication and team scoping.

`auth_middleware` resolves the caller from ``Authorization: Bearer <secret>`` (an API token or
a session token from email verification) or from the ``moderately_session`` cookie set by
``POST /authentication/login``, and stores a `Principal` on the request. Without valid
credentials it raises 401 in the envelope; handlers decorated with `@public` skip it.

Handlers use:

* `principal(request)` -> `Principal` (user id, team ids, token id, session id, token role);
* `require_member(request, team_id)` / `require_admin(request, team_id)` -> 403 otherwise;
* `scope_team_ids(request, requested)` -> the team ids a list may show (403 if `requested`
  names a team the caller is not in);
* `require_write(request)` is applied by the middleware: a ``readonly`` token cannot mutate.

Token roles cap what the user may do: ``readonly`` only reads, ``member`` cannot do admin
actions, ``admin`` can do whatever the user's team role allows. Sessions are not capped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from aiohttp import web

from ._errors import forbidden, unauthorized
from ._ids import parse_iso, utcnow
from ._responses import Handler
from ._state import State, TokenRole, hash_secret

SESSION_COOKIE = "moderately_session"
STATE_KEY = web.AppKey("moderately.state", State)
MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

F = TypeVar("F")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user, their teams, and the credential used."""

    user_id: str
    team_ids: frozenset[str]
    token_id: str | None = None
    session_id: str | None = None
    token_role: TokenRole | None = None

    @property
    def can_write(self) -> bool:
        """Return whether this credential may mutate state."""
        return self.token_role != "readonly"

    @property
    def can_admin(self) -> bool:
        """Return whether this credential may perform admin actions (team role permitting)."""
        return self.token_role in (None, "admin")


PRINCIPAL_KEY = web.RequestKey("moderately.principal", Principal)


def public(handler: F) -> F:
    """Mark a handler as reachable without credentials."""
    setattr(handler, "__moderately_public__", True)  # noqa: B010 - attribute on any callable
    return handler


def get_state(request: web.Request) -> State:
    """Return the store of the emulator serving `request`."""
    return request.app[STATE_KEY]


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def authenticate(request: web.Request) -> Principal | None:
    """Resolve the caller of `request`, or None when credentials are absent or invalid."""
    state = get_state(request)
    secret = _bearer(request) or request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    digest = hash_secret(secret)
    token_id = state.token_ids_by_hash.get(digest)
    if token_id is not None:
        token = state.tokens.get(token_id)
        if token is None or not token.is_active:
            return None
        if token.expires_at is not None:
            try:
                if parse_iso(token.expires_at) <= utcnow():
                    return None
            except ValueError:
                return None
        user_id = token.created_by_user_id
        if user_id not in state.users:
            return None
        return Principal(
            user_id, state.team_ids_of(user_id), token_id=token_id, token_role=token.role
        )
    session_id = state.session_ids_by_hash.get(digest)
    if session_id is not None:
        session = state.sessions[session_id]
        if session.user_id not in state.users:
            return None
        return Principal(session.user_id, state.team_ids_of(session.user_id), session_id=session_id)
    return None


def _is_public(request: web.Request) -> bool:
    match = request.match_info
    if match.http_exception is not None:
        # Unknown routes and wrong methods answer 404/405 rather than 401.
        return True
    return bool(getattr(match.handler, "__moderately_public__", False))


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Attach the `Principal` or answer 401; stop readonly tokens from mutating."""
    if _is_public(request):
        found = authenticate(request)
        if found is not None:
            request[PRINCIPAL_KEY] = found
        return await handler(request)
    found = authenticate(request)
    if found is None:
        raise unauthorized()
    request[PRINCIPAL_KEY] = found
    if request.method in MUTATING_METHODS and not found.can_write:
        raise forbidden("This API token is read-only")
    return await handler(request)


def principal(request: web.Request) -> Principal:
    """Return the authenticated caller; 401 if the route was public and nobody signed in."""
    if PRINCIPAL_KEY not in request:
        raise unauthorized()
    return request[PRINCIPAL_KEY]


def optional_principal(request: web.Request) -> Principal | None:
    """Return the caller if credentials were sent, else None (for public routes)."""
    found: Principal | None = request.get(PRINCIPAL_KEY)
    return found


def require_member(request: web.Request, team_id: str) -> Principal:
    """Return the caller, or raise 403 unless they belong to `team_id`."""
    who = principal(request)
    if team_id not in who.team_ids:
        raise forbidden("You are not a member of this team")
    return who


def require_admin(request: web.Request, team_id: str) -> Principal:
    """Return the caller, or raise 403 unless they are an admin of `team_id`."""
    who = require_member(request, team_id)
    membership = get_state(request).membership(team_id, who.user_id)
    if membership is None or membership.role != "admin" or not who.can_admin:
        raise forbidden("You must be an admin of this team")
    return who


def scope_team_ids(
    request: web.Request, requested: Iterable[str] | None, *, strict: bool = True
) -> frozenset[str]:
    """Return the teams a list may cover: `requested` (each must be the caller's) or all.

    With ``strict=False`` (routes whose contract lists no 403) foreign teams are dropped
    silently instead of answering 403.
    """
    who = principal(request)
    if requested is None:
        return who.team_ids
    wanted = frozenset(requested)
    foreign = sorted(wanted - who.team_ids)
    if foreign and not strict:
        return wanted & who.team_ids
    if foreign:
        raise forbidden("You are not a member of every requested team", {"teamIds": foreign})
    return wanted
