"""Authentication: who the key belongs to, password and email sign-in, sign-out."""

from __future__ import annotations

from ..._errors import InvalidArgumentError
from ..._identity import AuthSession
from ..._parsing import parse_as
from ..._shapes.authentication import (
    EmailBody,
    LoginBody,
    Message,
    VerifyBody,
    session_cookie,
)
from ..._types import WhoAmI
from .._namespace import AsyncNamespace


class AsyncAuthentication(AsyncNamespace[None]):
    """``client.authentication``: identity and sign-in; passwords and tokens are never shown."""

    __slots__ = ()

    async def whoami(self) -> WhoAmI:
        """The user behind the client's credential (same as ``client.whoami()``)."""
        return await self._client.whoami()

    async def login(self, email: str, password: str) -> AuthSession:
        """Sign in with email and password; the session token comes back masked."""
        body = LoginBody.check(email=email, password=password).wire()
        response = await self._client._request("POST", "/authentication/login", json=body)
        return AuthSession(token=session_cookie(response))

    async def logout(self, session: AuthSession | None = None) -> None:
        """End ``session``, or the session the client's credential belongs to (none for a key)."""
        if session is not None and not isinstance(session, AuthSession):
            raise InvalidArgumentError(
                f"session must be an AuthSession or None; got {type(session).__name__}"
            )
        client = self._client
        if session is not None and session.token is not None:
            # Sign-out ends the session that authenticates the call, so act as that session.
            client = client.with_options(api_key=session.token.reveal())
        await client._request("POST", "/authentication/logout")

    async def email_initialize(self, email: str) -> str:
        """Send a sign-in code to ``email``; the message is the same for unknown addresses."""
        body = EmailBody.check(email=email).wire()
        response = await self._client._request(
            "POST", "/authentication/email/initialize", json=body
        )
        return parse_as(Message, response).message

    async def email_verify(self, token: str) -> AuthSession:
        """Trade the emailed sign-in code for a session."""
        body = VerifyBody.check(token=token).wire()
        response = await self._client._request("POST", "/authentication/email/verify", json=body)
        return parse_as(AuthSession, response)
