"""The platform's error envelope and the exception that produces it.

Raise `EmulatorError(status, code, message, details)` (or a helper such as `not_found`,
`forbidden`, `bad_request`, `conflict`) anywhere in a handler or middleware; `error_middleware`
turns it into::

    {"error": {"code", "message", "details", "timestamp", "path", "requestId"}}

Router misses become 404 ``not_found`` and wrong methods 405 ``method_not_allowed`` in the
same envelope; any other exception is logged and becomes a 500 ``internal_error``. Every
response, success or not, carries ``X-Request-Id`` (set by `attach_request_id`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from ._ids import new_id, now_iso
from ._responses import Handler

logger = logging.getLogger("moderately.testing")

REQUEST_ID_HEADER = "X-Request-Id"
REQUEST_ID_KEY = web.RequestKey("moderately.request_id", str)


class EmulatorError(Exception):
    """An error the emulator answers with the platform's error envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Describe the response: HTTP status, machine code, human message, details."""
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = dict(headers or {})


def bad_request(message: str, details: Any = None, code: str = "validation_error") -> EmulatorError:
    """Return a 400 error; `details` should name the offending fields."""
    return EmulatorError(400, code, message, details)


def unauthorized(message: str = "Missing or invalid credentials") -> EmulatorError:
    """Return a 401 error."""
    return EmulatorError(401, "unauthorized", message)


def forbidden(
    message: str = "You do not have access to this resource", details: Any = None
) -> EmulatorError:
    """Return a 403 error."""
    return EmulatorError(403, "forbidden", message, details)


def not_found(resource: str, resource_id: str | None = None) -> EmulatorError:
    """Return a 404 error for a missing `resource`."""
    suffix = f" {resource_id!r}" if resource_id is not None else ""
    return EmulatorError(404, "not_found", f"{resource}{suffix} not found")


def conflict(message: str, details: Any = None) -> EmulatorError:
    """Return a 409 error."""
    return EmulatorError(409, "conflict", message, details)


def request_id(request: web.Request) -> str:
    """Return the id assigned to `request` (assigning one if the middleware has not)."""
    if REQUEST_ID_KEY not in request:
        request[REQUEST_ID_KEY] = "req_" + new_id()
    return request[REQUEST_ID_KEY]


def error_body(request: web.Request, err: EmulatorError) -> dict[str, Any]:
    """Return the envelope for `err` raised while serving `request`."""
    return {
        "error": {
            "code": err.code,
            "message": err.message,
            "details": err.details,
            "timestamp": now_iso(),
            "path": request.path,
            "requestId": request_id(request),
        }
    }


def error_response(request: web.Request, err: EmulatorError) -> web.Response:
    """Return the JSON response for `err`."""
    response = web.json_response(error_body(request, err), status=err.status, dumps=json.dumps)
    for name, value in err.headers.items():
        response.headers[name] = value
    return response


def _from_http_exception(exc: web.HTTPException) -> EmulatorError:
    if exc.status == 404:
        return EmulatorError(404, "not_found", "No route matches this path")
    if exc.status == 405:
        allowed = exc.headers.get("Allow", "")
        return EmulatorError(
            405,
            "method_not_allowed",
            "Method not allowed on this path",
            {"allowed": [m for m in allowed.split(",") if m]},
            headers={"Allow": allowed},
        )
    if exc.status == 413:
        return EmulatorError(413, "payload_too_large", "Request body too large")
    code = "http_error" if exc.status >= 400 else "redirect"
    return EmulatorError(exc.status, code, exc.reason)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn every failure into the error envelope; never let HTML or a traceback out."""
    request_id(request)
    try:
        return await handler(request)
    except EmulatorError as err:
        return error_response(request, err)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(request, _from_http_exception(exc))
    except Exception:
        # Handler bugs must still answer in the envelope; the traceback goes to the log.
        logger.exception("unhandled error serving %s %s", request.method, request.path)
        failure = EmulatorError(500, "internal_error", "The emulator failed to handle the request")
        return error_response(request, failure)


async def attach_request_id(request: web.BaseRequest, response: web.StreamResponse) -> None:
    """Add ``X-Request-Id`` to every response just before its headers are sent."""
    if REQUEST_ID_HEADER not in response.headers:
        rid = request.get(REQUEST_ID_KEY)
        response.headers[REQUEST_ID_HEADER] = rid if isinstance(rid, str) else "req_" + new_id()
