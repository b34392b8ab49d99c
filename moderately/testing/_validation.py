"""Request validation: pydantic models written from the contract, and parsers that use them.

* Bodies: subclass `Body` (unknown fields are rejected, types are strict) and call
  ``await parse_body(request, MyBody)``. Use `provided(model)` in PATCH handlers to get only
  the fields the client sent (so an explicit ``null`` differs from an absent field).
* Queries: subclass `Query` (unknown parameters are ignored, strings are coerced to the
  declared types) and call ``parse_query(request, MyQuery)``. A field typed ``list[...]``
  accepts comma-separated values, repeated keys, or both (``?ids=a,b&ids=c``).
* `Email` is a ``str`` checked for the shape of an address.

Failures raise 400 ``validation_error`` whose ``details`` is a list of
``{"field", "message", "type"}`` naming each offending field (dotted path for nested ones).
"""

from __future__ import annotations

import json
import re
import types
import typing
from typing import Annotated, Any, TypeVar, Union

from aiohttp import web
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from ._errors import bad_request

B = TypeVar("B", bound="Body")
Q = TypeVar("Q", bound="Query")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("must be an email address")
    return value


Email = Annotated[str, AfterValidator(_check_email)]


class Body(BaseModel):
    """Base of request-body models: strict types, no unknown fields."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    """Base of query-string models: values arrive as strings and are coerced."""

    model_config = ConfigDict(extra="ignore")


def error_details(exc: ValidationError) -> list[dict[str, str]]:
    """Turn pydantic errors into ``[{"field", "message", "type"}]``."""
    details: list[dict[str, str]] = []
    for item in exc.errors(include_url=False):
        field = ".".join(str(part) for part in item["loc"]) or "body"
        details.append({"field": field, "message": item["msg"], "type": item["type"]})
    return details


async def parse_body(request: web.Request, model: type[B]) -> B:
    """Read the JSON body of `request` and validate it against `model` (400 on failure)."""
    raw = await request.read()
    if not raw.strip():
        data: Any = {}
    else:
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise bad_request(
                "Request body is not valid JSON",
                [{"field": "body", "message": str(exc), "type": "json_invalid"}],
                code="invalid_json",
            ) from None
    if not isinstance(data, dict):
        raise bad_request(
            "Request body must be a JSON object",
            [{"field": "body", "message": "expected an object", "type": "object_type"}],
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise bad_request("Request body is invalid", error_details(exc)) from None


def provided(model: BaseModel) -> dict[str, Any]:
    """Return the fields the client actually sent, as plain JSON-ready values."""
    return model.model_dump(include=set(model.model_fields_set), mode="json")


def _is_list_type(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is list:
        return True
    if origin in (Union, types.UnionType, Annotated):
        return any(_is_list_type(arg) for arg in typing.get_args(annotation))
    return False


def split_list(values: list[str]) -> list[str]:
    """Flatten repeated and comma-separated query values, dropping blanks."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_query(request: web.Request, model: type[Q]) -> Q:
    """Validate the query string of `request` against `model` (400 naming bad parameters)."""
    query = request.query
    data: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in query:
            continue
        values = query.getall(key)
        if _is_list_type(field.annotation):
            items = split_list(values)
            if items:
                data[key] = items
        else:
            # A repeated scalar parameter keeps its last value, like most web frameworks.
            data[key] = values[-1]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise bad_request("Query parameters are invalid", error_details(exc)) from None
