"""Checking list arguments and rendering them as the platform's query parameters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic.alias_generators import to_camel

from ._errors import InvalidArgumentError
from ._request import QueryValue

Ids = str | Iterable[str]
"""One id, or several (sent comma-separated)."""
Direction = Literal["asc", "desc"]
"""Sort direction."""


def _listed(value: Any, one: type, name: str) -> list[Any]:
    """The items of ``value`` (a single ``one``, or an iterable of them), refusing an empty one."""
    if isinstance(value, one):
        return [value]
    try:
        items = list(value)
    except TypeError:
        raise InvalidArgumentError(
            f"{name} must be one {one.__name__} value or a list of them; got {type(value).__name__}"
        ) from None
    if not items:
        raise InvalidArgumentError(f"{name} is empty; pass None to leave the filter out")
    return items


def join_ids(value: Ids | None, name: str) -> str | None:
    """Render ids as the platform's comma-separated list, refusing empties and non-strings."""
    if value is None:
        return None
    items = _listed(value, str, name)
    for item in items:
        if not isinstance(item, str) or not item or "," in item:
            raise InvalidArgumentError(
                f"{name} must hold non-empty id strings without commas; got {item!r}"
            )
    return ",".join(items)


def join_choices(
    value: str | Iterable[str] | None, allowed: tuple[str, ...], name: str
) -> str | None:
    """Render one or several enum values as the platform's comma-separated list, checked."""
    if value is None:
        return None
    items = _listed(value, str, name)
    for item in items:
        if item not in allowed:
            raise InvalidArgumentError(
                f"{name} values must be among {', '.join(allowed)}; got {item!r}"
            )
    return ",".join(items)


def join_numbers(value: int | Iterable[int] | None, name: str) -> str | None:
    """Render whole numbers >= 0 as the platform's comma-separated list, refusing bools."""
    if value is None:
        return None
    items = _listed(value, int, name)
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int) or item < 0:
            raise InvalidArgumentError(f"{name} must hold whole numbers >= 0; got {item!r}")
    return ",".join(str(item) for item in items)


def check_choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    """Refuse a value outside ``allowed`` (None is allowed: the filter is left out)."""
    if value is not None and value not in allowed:
        raise InvalidArgumentError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


def iso_when(value: datetime | date | None, name: str) -> str | None:
    """Render a date or an aware datetime as ISO 8601 (UTC as ``Z``); refuse naive datetimes."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            # A naive time would be read in the platform's zone, not the caller's: refuse it.
            raise InvalidArgumentError(
                f"{name} must carry a timezone (for example datetime.now(UTC)); got {value!r}"
            )
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    raise InvalidArgumentError(f"{name} must be a datetime or a date; got {type(value).__name__}")


def list_query(
    *,
    page: int,
    page_size: int | None,
    order_by: str | None,
    order_by_allowed: Iterable[str],
    order_direction: str | None,
    filters: Mapping[str, Any],
) -> dict[str, QueryValue]:
    """Check the paging and sorting arguments and return the query (wire names)."""
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise InvalidArgumentError(f"page must be an int >= 1; got {page!r}")
    if page_size is not None and (
        isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= 1000
    ):
        raise InvalidArgumentError(f"page_size must be an int from 1 to 1000; got {page_size!r}")
    allowed = tuple(order_by_allowed)
    if order_by is not None and order_by not in allowed:
        raise InvalidArgumentError(
            f"order_by must be one of {', '.join(allowed)}; got {order_by!r}"
        )
    if order_direction is not None and order_direction not in ("asc", "desc"):
        raise InvalidArgumentError(
            f"order_direction must be 'asc' or 'desc'; got {order_direction!r}"
        )
    query: dict[str, QueryValue] = {}
    for key, value in filters.items():
        if value is None:
            continue
        if not isinstance(value, str | int | float | bool):
            raise InvalidArgumentError(f"{key} must be a plain value; got {type(value).__name__}")
        query[to_camel(key)] = value
    if page_size is not None:
        query["pageSize"] = page_size
    if order_by is not None:
        query["orderBy"] = to_camel(order_by)
    if order_direction is not None:
        query["orderDirection"] = order_direction
    return query
