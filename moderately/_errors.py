"""The exception hierarchy, and the mapping from an error response to its typed exception."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from ._retry_after import parse_retry_after

if TYPE_CHECKING:
    from ._response import Response

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "InvalidArgumentError",
    "ModeratelyError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "UnprocessableEntityError",
    "UploadError",
    "WaitTimeoutError",
]


class ModeratelyError(Exception):
    """Base class of every error this SDK raises."""


class ConfigurationError(ModeratelyError, ValueError):
    """A required setting (API key, team id, base URL) is missing or malformed."""


class InvalidArgumentError(ModeratelyError, ValueError):
    """An argument can never be valid; raised before any request is sent."""


class APIError(ModeratelyError):
    """A request to the platform failed; carries what identifies the attempt."""

    method: str
    url: str
    request_id: str | None
    idempotency_key: str | None

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        request_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.request_id = request_id
        self.idempotency_key = idempotency_key

    def __str__(self) -> str:
        parts = [self.message]
        if self.request_id:
            parts.append(f"request_id={self.request_id}")
        if self.idempotency_key:
            parts.append(f"idempotency_key={self.idempotency_key}")
        return " | ".join(parts)


class APIConnectionError(APIError):
    """The platform could not be reached, or the connection broke before a full response."""

    outcome_unknown: bool
    """True when the request may have reached the platform (it was sent, the answer was lost)."""

    def __init__(self, message: str, *, outcome_unknown: bool = True, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.outcome_unknown = outcome_unknown


class APITimeoutError(APIConnectionError):
    """An attempt took longer than its timeout."""


class APIStatusError(APIError):
    """The platform answered with a 4xx or 5xx status."""

    status_code: int
    code: str | None
    details: Any
    body: Any
    headers: dict[str, str]

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        details: Any = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.status_code = status_code
        self.code = code
        self.details = details
        self.body = body
        self.headers = headers or {}

    def __str__(self) -> str:
        head = f"{self.status_code}"
        if self.code:
            head += f" {self.code}"
        return f"{head}: {super().__str__()}"


class BadRequestError(APIStatusError):
    """400: the platform rejected the request as malformed."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the key is valid but may not touch this resource."""


class NotFoundError(APIStatusError):
    """404: no such resource (another team's resources answer 403, PermissionDeniedError)."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's current state."""


class UploadError(ConflictError):
    """409 on completing an upload: the stored bytes differ from those declared, or it was done."""

    file_id: str | None
    """The id of the file (or data version) whose upload was refused."""

    def __init__(self, message: str, *, file_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.file_id = file_id


class UnprocessableEntityError(APIStatusError):
    """422: well-formed but semantically invalid."""


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` says how long the platform asked to wait."""

    retry_after: float | None

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class InternalServerError(APIStatusError):
    """5xx: the platform failed; usually worth a retry."""


class ResponseTooLargeError(APIError):
    """A response body crossed ``max_response_size``; it was refused, not read into memory."""


class WaitTimeoutError(ModeratelyError, TimeoutError):
    """A wait for an execution to finish ran past its timeout; ``last`` is what was seen last."""

    def __init__(self, message: str, *, last: Any = None) -> None:
        super().__init__(message)
        self.last = last


class APIResponseValidationError(APIError):
    """A 2xx response whose body does not fit the model the SDK expected."""

    status_code: int
    body: bytes

    def __init__(self, message: str, *, status_code: int, body: bytes, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.status_code = status_code
        self.body = body


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_from(response: Response, *, idempotency_key: str | None) -> APIStatusError:
    """Build the typed error for an error response, reading the platform's error envelope."""
    body: Any
    try:
        body = json.loads(response.content) if response.content else None
    except ValueError:
        body = response.content.decode("utf-8", "replace")[:2000]
    code: str | None = None
    details: Any = None
    message = f"HTTP {response.status}"
    request_id = response.request_id
    envelope = body.get("error") if isinstance(body, dict) else None
    if isinstance(envelope, dict):
        code = envelope.get("code") if isinstance(envelope.get("code"), str) else None
        message = str(envelope.get("message") or message)
        details = envelope.get("details")
        request_id = request_id or envelope.get("requestId")
    elif isinstance(body, str) and body.strip():
        message = f"HTTP {response.status}: {body.strip()[:200]}"
    cls = _BY_STATUS.get(response.status)
    kwargs: dict[str, Any] = {
        "status_code": response.status,
        "code": code,
        "details": details,
        "body": body,
        "headers": dict(response.headers),
        "method": response.method,
        "url": response.url,
        "request_id": request_id,
        "idempotency_key": idempotency_key,
    }
    if cls is RateLimitError:
        retry_after = parse_retry_after(response.headers, now=time.time())
        return RateLimitError(message, retry_after=retry_after, **kwargs)
    if cls is None:
        cls = InternalServerError if response.status >= 500 else APIStatusError
    return cls(message, **kwargs)
