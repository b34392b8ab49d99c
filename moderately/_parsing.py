"""Turning response bytes into models, with a typed error when they do not fit."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ._errors import APIResponseValidationError
from ._response import Response

M = TypeVar("M", bound=BaseModel)


def response_mismatch(
    what: str, response: Response, exc: ValidationError
) -> APIResponseValidationError:
    """The error for a 2xx body that does not fit the model ``what`` names."""
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"]) or "(body)"
    return APIResponseValidationError(
        f"The platform's {response.status} response does not fit {what}: "
        f"{exc.error_count()} problem(s), first at {where}: {first['msg']}",
        status_code=response.status,
        body=response.content,
        method=response.method,
        url=response.url,
        request_id=response.request_id,
        idempotency_key=response.idempotency_key,
    )


def parse_as(cls: type[M], response: Response) -> M:
    """Validate the response body straight from bytes into ``cls``."""
    try:
        return cls.model_validate_json(response.content)
    except ValidationError as exc:
        raise response_mismatch(cls.__name__, response, exc) from exc
