"""Route family ``authentication``: whoami, login, logout, email sign-in.

* ``POST /authentication/login`` checks the seeded email/password (`Emulator.email` /
  `Emulator.password`), opens a session and sets the ``moderately_session`` cookie; 200 with
  no body. After `EmulatorConfig.login_attempts_before_429` failures for one email within
  `login_lockout_seconds` it answers 429 with ``Retry-After``.
* ``POST /authentication/email/initialize`` queues a sign-in code for a known address (read it
  with `Emulator.email_code(email)`); the answer is the same for unknown addresses.
* ``POST /authentication/email/verify`` trades an unused code (valid 15 minutes) for a session
  token, usable as ``Authorization: Bearer``; 401 otherwise.
* ``POST /authentication/logout`` ends the session used by the call (no-op for API tokens).
* ``GET /authentication/whoami`` returns the caller's ``userId``.
"""

from __future__ import annotations

import math
from datetime import timedelta

from aiohttp import web

from ._audit import record_audit
from ._auth import SESSION_COOKIE, get_state, principal, public
from ._config import get_config
from ._errors import EmulatorError, unauthorized
from ._ids import new_id, utcnow
from ._responses import empty_response, json_response
from ._state import EmailCode
from ._validation import Body, Email, parse_body

CODE_LIFETIME = timedelta(minutes=15)


class EmailBody(Body):
    """Body of ``POST /authentication/email/initialize``."""

    email: Email


class VerifyBody(Body):
    """Body of ``POST /authentication/email/verify``."""

    token: str


class LoginBody(Body):
    """Body of ``POST /authentication/login``."""

    email: Email
    password: str


@public
async def initialize(request: web.Request) -> web.Response:
    """Queue a sign-in code for the address if it belongs to a user."""
    body = await parse_body(request, EmailBody)
    state = get_state(request)
    user = state.user_by_email(body.email)
    if user is not None:
        state.email_codes.append(EmailCode(user.email, new_id(32)))
        record_audit(
            request,
            resource_type="user",
            resource_id=user.user_id,
            action="update",
            event_type="authentication.email_initialized",
            user_id=user.user_id,
        )
    # Same answer either way, so the route does not reveal which addresses exist.
    return json_response({"message": "If the address has an account, a sign-in code was sent"})


@public
async def verify(request: web.Request) -> web.Response:
    """Trade a sign-in code for a session token."""
    body = await parse_body(request, VerifyBody)
    state = get_state(request)
    now = utcnow()
    for item in state.email_codes:
        if item.code == body.token and not item.used and now - item.created_at <= CODE_LIFETIME:
            user = state.user_by_email(item.email)
            if user is None:
                break
            item.used = True
            session, secret = state.add_session(user.user_id)
            record_audit(
                request,
                resource_type="session",
                resource_id=session.session_id,
                action="create",
                event_type="authentication.email_verified",
                user_id=user.user_id,
            )
            return json_response({"token": secret})
    raise unauthorized("The sign-in code is invalid or expired")


@public
async def login(request: web.Request) -> web.Response:
    """Open a session for a correct email and password."""
    body = await parse_body(request, LoginBody)
    state, config = get_state(request), get_config(request)
    key = body.email.casefold()
    now = utcnow()
    window = timedelta(seconds=config.login_lockout_seconds)
    failures = [t for t in state.failed_logins.get(key, []) if now - t < window]
    state.failed_logins[key] = failures
    if len(failures) >= config.login_attempts_before_429:
        wait = (failures[0] + window - now).total_seconds()
        raise EmulatorError(
            429,
            "too_many_login_attempts",
            "Too many login attempts",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
    user = state.user_by_email(body.email)
    if user is None or user.password is None or user.password != body.password:
        failures.append(now)
        raise unauthorized("Invalid email or password")
    state.failed_logins.pop(key, None)
    session, secret = state.add_session(user.user_id)
    record_audit(
        request,
        resource_type="session",
        resource_id=session.session_id,
        action="create",
        event_type="authentication.login",
        user_id=user.user_id,
    )
    response = empty_response(200)
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="Lax", path="/")
    return response


async def logout(request: web.Request) -> web.Response:
    """End the session that authenticated this call."""
    who = principal(request)
    response = empty_response(200)
    if who.session_id is not None:
        get_state(request).remove_session(who.session_id)
        record_audit(
            request,
            resource_type="session",
            resource_id=who.session_id,
            action="delete",
            event_type="authentication.logout",
        )
        response.del_cookie(SESSION_COOKIE, path="/")
    else:
        record_audit(
            request,
            resource_type="session",
            resource_id="",
            action="delete",
            event_type="authentication.logout",
        )
    return response


async def whoami(request: web.Request) -> web.Response:
    """Return the caller's user id."""
    return json_response({"userId": principal(request).user_id})


def register(app: web.Application) -> None:
    """Add the authentication routes."""
    app.router.add_post("/authentication/email/initialize", initialize)
    app.router.add_post("/authentication/email/verify", verify)
    app.router.add_post("/authentication/login", login)
    app.router.add_post("/authentication/logout", logout)
    app.router.add_get("/authentication/whoami", whoami, allow_head=False)
