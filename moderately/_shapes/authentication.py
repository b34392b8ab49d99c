"""Authentication: sign-in bodies and the session cookie reader, shared by both APIs."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from typing import ClassVar

from multidict import MultiMapping
from pydantic import ConfigDict, Field

from .._models import Model, RequestModel
from .._response import Response

# An address as the contract's ``format: email`` needs it: one @, something on each side.
_EMAIL = r"^[^@\s]+@[^@\s]+$"


class _SecretBody(RequestModel):
    # A bad value must not appear in the error, nor in the ValidationError chained to it.
    model_config = ConfigDict(hide_input_in_errors=True)


class EmailBody(_SecretBody):
    """Body of ``POST /authentication/email/initialize``."""

    what: ClassVar[str] = "authentication.email_initialize"
    email: str = Field(pattern=_EMAIL, max_length=320)


class VerifyBody(_SecretBody):
    """Body of ``POST /authentication/email/verify``."""

    what: ClassVar[str] = "authentication.email_verify"
    token: str = Field(min_length=1)


class LoginBody(_SecretBody):
    """Body of ``POST /authentication/login``."""

    what: ClassVar[str] = "authentication.login"
    email: str = Field(pattern=_EMAIL, max_length=320)
    password: str = Field(min_length=1)


class Message(Model):
    message: str


def session_cookie(response: Response) -> str | None:
    """The session secret from the login answer's Set-Cookie headers, if one is named so."""
    headers = response.headers
    if isinstance(headers, MultiMapping):
        values = list(headers.getall("Set-Cookie", []))
    else:
        values = [headers["Set-Cookie"]] if "Set-Cookie" in headers else []
    for value in values:
        try:
            jar: SimpleCookie = SimpleCookie(value)
        except CookieError:
            continue
        for name, morsel in jar.items():
            if "session" in name.lower() and morsel.value:
                return morsel.value
    return None
