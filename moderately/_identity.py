"""Plain models of the identity routes, shared by the async and the sync API.

They carry no operations, so one class serves both trees (the generator only twins ``_async``).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ._config import Secret
from ._models import Model


class ApiTokenUsageStats(Model):
    """Request counts of an API token over fixed windows, as ``retrieve`` reports them."""

    total_requests: float
    requests_last_24_hours: float
    requests_last_7_days: float
    requests_last_30_days: float


class ApiTokenCreator(Model):
    """The user who created an API token."""

    user_id: str
    full_name: str
    nickname: str | None = None


class ApiTokenUsage(Model):
    """Usage of one API token over a period: counts, error rate, response time."""

    total_requests: float
    requests_by_endpoint: dict[str, float] = Field(default_factory=dict)
    requests_by_method: dict[str, float] = Field(default_factory=dict)
    average_response_time: float
    """Mean response time of the counted requests, in milliseconds."""
    error_rate: float
    """Share of the counted requests that failed, from 0 to 1."""


class AuditLogMetadata(Model):
    """Where an audited action came from."""

    ip_address: str | None = None
    user_agent: str | None = None
    correlation_id: str | None = None
    request_id: str | None = None
    additional_info: dict[str, Any] | None = None


class AuthSession(Model):
    """A signed-in session; ``token`` is masked in repr, str and dumps.

    Act as the session with ``client.with_options(api_key=session.token.reveal())``, and end it
    with ``client.authentication.logout(session)``. ``token`` is None when the platform kept
    the session in a cookie under a name the SDK does not know.
    """

    token: Secret | None = None
