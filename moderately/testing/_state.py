"""The in-memory store of one emulator instance.

`State` holds the identity records the core needs (users, teams, memberships, API tokens,
sessions, email sign-in codes, token usage) as small dataclasses, the audit log, and a generic
`collection(name)` of wire-shaped dicts for every route family (agents, files, ...).

Conventions for route families:

* A collection maps id -> record; the record is the JSON body the platform returns, in
  camelCase, plus private bookkeeping keys that start with ``_`` (e.g. ``_teamId`` on a record
  whose wire form has no team). `public(record)` strips the private keys.
* Ids come from `new_id()` and timestamps from `now_iso()` (see `_ids.py`).
* All access happens on the emulator's event loop, so no locking is needed; `Emulator`
  marshals calls from other threads onto that loop.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeVar

from ._ids import new_id, now_iso, utcnow

X = TypeVar("X")

TeamRole = Literal["admin", "member"]
TokenRole = Literal["member", "admin", "readonly"]

Record = dict[str, Any]


def public(record: Record) -> Record:
    """Return the wire form of `record`: every key that does not start with ``_``."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def hash_secret(secret: str) -> str:
    """Return the digest under which a token or session secret is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class User:
    """A platform user; `password` is only used by the emulator's login route."""

    user_id: str
    full_name: str
    email: str
    nickname: str | None = None
    password: str | None = None
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)

    def wire(self) -> Record:
        """Return the user as the platform serialises it."""
        body: Record = {
            "userId": self.user_id,
            "fullName": self.full_name,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }
        if self.nickname is not None:
            body["nickname"] = self.nickname
        return body


@dataclass
class Team:
    """A team: the unit that owns resources."""

    team_id: str
    name: str
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)

    def wire(self) -> Record:
        """Return the team as the platform serialises it."""
        return {
            "teamId": self.team_id,
            "name": self.name,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }


@dataclass
class TeamUser:
    """A membership of a user in a team, with a role."""

    team_user_id: str
    team_id: str
    user_id: str
    role: TeamRole
    is_default: bool
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)


@dataclass
class ApiToken:
    """An API token; only the digest of its secret is kept."""

    token_id: str
    team_id: str
    name: str
    role: TokenRole
    created_by_user_id: str
    secret_hash: str
    token_prefix: str
    last4: str
    expires_at: str | None = None
    last_used_at: str | None = None
    is_active: bool = True
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)


@dataclass
class Session:
    """A login session (from /authentication/login or email verification)."""

    session_id: str
    user_id: str
    secret_hash: str
    created_at: str = field(default_factory=now_iso)


@dataclass
class UsageRecord:
    """One request made with an API token, for the usage routes."""

    at: datetime
    endpoint: str
    method: str
    status: int
    duration_ms: float


@dataclass
class EmailCode:
    """A pending email sign-in code, readable by tests through `Emulator.email_codes`."""

    email: str
    code: str
    created_at: datetime = field(default_factory=utcnow)
    used: bool = False


class State:
    """Everything one emulator instance remembers."""

    def __init__(self) -> None:
        """Create an empty store."""
        self.users: dict[str, User] = {}
        self.teams: dict[str, Team] = {}
        self.team_users: dict[str, TeamUser] = {}
        self.tokens: dict[str, ApiToken] = {}
        self.token_ids_by_hash: dict[str, str] = {}
        self.sessions: dict[str, Session] = {}
        self.session_ids_by_hash: dict[str, str] = {}
        self.email_codes: list[EmailCode] = []
        self.token_usage: dict[str, list[UsageRecord]] = {}
        self.failed_logins: dict[str, list[datetime]] = {}
        self.audit_logs: dict[str, Record] = {}
        self._collections: dict[str, dict[str, Record]] = {}
        # Per-family helper objects (blob storage, pipeline processors, ...); see `extension`.
        self._extensions: dict[type, object] = {}

    # -- generic collections -------------------------------------------------------------

    def extension(self, kind: type[X]) -> X:
        """Return this store's instance of `kind`, created with no arguments on first use."""
        found = self._extensions.get(kind)
        if found is None:
            found = self._extensions[kind] = kind()
        assert isinstance(found, kind)
        return found

    def collection(self, name: str) -> dict[str, Record]:
        """Return the id -> record dict for `name`, creating it on first use."""
        return self._collections.setdefault(name, {})

    # -- identity helpers ----------------------------------------------------------------

    def add_user(
        self,
        full_name: str,
        email: str,
        *,
        password: str | None = None,
        nickname: str | None = None,
    ) -> User:
        """Create and store a user."""
        user = User(new_id(), full_name, email, nickname=nickname, password=password)
        self.users[user.user_id] = user
        return user

    def add_team(self, name: str) -> Team:
        """Create and store a team with no members."""
        team = Team(new_id(), name)
        self.teams[team.team_id] = team
        return team

    def add_membership(self, team_id: str, user_id: str, role: TeamRole = "member") -> TeamUser:
        """Add `user_id` to `team_id`; the first membership of a user becomes its default."""
        is_default = not any(
            m.user_id == user_id and m.is_default for m in self.team_users.values()
        )
        membership = TeamUser(new_id(), team_id, user_id, role, is_default)
        self.team_users[membership.team_user_id] = membership
        return membership

    def membership(self, team_id: str, user_id: str) -> TeamUser | None:
        """Return the membership of `user_id` in `team_id`, if any."""
        for m in self.team_users.values():
            if m.team_id == team_id and m.user_id == user_id:
                return m
        return None

    def team_ids_of(self, user_id: str) -> frozenset[str]:
        """Return the ids of every team `user_id` belongs to."""
        return frozenset(m.team_id for m in self.team_users.values() if m.user_id == user_id)

    def add_token(
        self,
        team_id: str,
        user_id: str,
        *,
        name: str = "default",
        role: TokenRole = "admin",
        expires_at: str | None = None,
    ) -> tuple[ApiToken, str]:
        """Create an API token; return the record and the secret (shown only once)."""
        secret = "mod_" + new_id(40)
        token = ApiToken(
            token_id=new_id(),
            team_id=team_id,
            name=name,
            role=role,
            created_by_user_id=user_id,
            secret_hash=hash_secret(secret),
            token_prefix=secret[:8],
            last4=secret[-4:],
            expires_at=expires_at,
        )
        self.tokens[token.token_id] = token
        self.token_ids_by_hash[token.secret_hash] = token.token_id
        return token, secret

    def remove_token(self, token_id: str) -> None:
        """Forget a token so its secret no longer authenticates."""
        token = self.tokens.pop(token_id, None)
        if token is not None:
            self.token_ids_by_hash.pop(token.secret_hash, None)

    def add_session(self, user_id: str) -> tuple[Session, str]:
        """Open a session for `user_id`; return the record and its secret."""
        secret = "ses_" + new_id(40)
        session = Session(new_id(), user_id, hash_secret(secret))
        self.sessions[session.session_id] = session
        self.session_ids_by_hash[session.secret_hash] = session.session_id
        return session, secret

    def remove_session(self, session_id: str) -> None:
        """Invalidate a session."""
        session = self.sessions.pop(session_id, None)
        if session is not None:
            self.session_ids_by_hash.pop(session.secret_hash, None)

    def user_by_email(self, email: str) -> User | None:
        """Return the user with `email` (case-insensitive), if any."""
        wanted = email.casefold()
        return next((u for u in self.users.values() if u.email.casefold() == wanted), None)
