"""Pagination, ordering and the list envelope shared by every list route.

Subclass `PageQuery` for a route's query model and narrow ``orderBy`` to the route's enum::

    class AgentListQuery(PageQuery):
        orderBy: Literal["name", "createdAt", "updatedAt"] | None = None
        nameLike: str | None = None

The defaults follow the contract: ``page >= 1`` (default 1), ``1 <= pageSize <= 1000``
(default 10), ``orderDirection`` ``asc`` | ``desc`` (default ``asc``). Routes with other bounds
override the field (see `SmallPageQuery`). Then::

    return json_response(paginate(items, query))

`paginate` sorts the already-filtered wire dicts by ``orderBy`` (missing/None values sort
first in ascending order, stably, ties keep insertion order), slices the page and returns
``{"items": [...], "pagination": {page, pageSize, totalItems, totalPages, hasNextPage,
hasPreviousPage}}``. Pass `sort_keys` to sort by something that is not a top-level field.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from pydantic import Field

from ._validation import Query

SortKey = Callable[[dict[str, Any]], Any]


class PageQuery(Query):
    """Paging and ordering parameters with the contract's common bounds."""

    page: int = Field(1, ge=1)
    pageSize: int = Field(10, ge=1, le=1000)
    orderBy: str | None = None
    orderDirection: Literal["asc", "desc"] = "asc"


class SmallPageQuery(PageQuery):
    """Paging for routes whose contract caps pageSize at 100 with a default of 20."""

    pageSize: int = Field(20, ge=1, le=100)


def _sortable(value: Any) -> tuple[int, Any]:
    # None first, then values of one kind; mixing kinds falls back to their text.
    if value is None:
        return (0, "")
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value.casefold())
    return (3, str(value))


def page_envelope(items: Sequence[Any], page: int, page_size: int, total: int) -> dict[str, Any]:
    """Return the list envelope for one already-sliced page."""
    total_pages = math.ceil(total / page_size) if total else 0
    return {
        "items": list(items),
        "pagination": {
            "page": page,
            "pageSize": page_size,
            "totalItems": total,
            "totalPages": total_pages,
            "hasNextPage": page < total_pages,
            "hasPreviousPage": page > 1,
        },
    }


def order(
    items: Sequence[dict[str, Any]],
    order_by: str | None,
    direction: str = "asc",
    sort_keys: Mapping[str, SortKey] | None = None,
) -> list[dict[str, Any]]:
    """Return `items` sorted by `order_by` (insertion order when it is None)."""
    result = list(items)
    if order_by is not None:
        getter = (sort_keys or {}).get(order_by)
        if getter is None:

            def getter(item: dict[str, Any], _key: str = order_by) -> Any:
                return item.get(_key)

        if direction == "desc":
            # The sort is stable, so equal keys keep their incoming order: reversed first, ties
            # come out newest first, as they would for objects made in the same millisecond.
            result.reverse()
        result.sort(key=lambda item: _sortable(getter(item)), reverse=direction == "desc")
    elif direction == "desc":
        result.reverse()
    return result


def paginate(
    items: Sequence[dict[str, Any]],
    query: PageQuery,
    sort_keys: Mapping[str, SortKey] | None = None,
    default_order_by: str | None = "createdAt",
) -> dict[str, Any]:
    """Order `items` as `query` asks, cut out its page and wrap it in the list envelope."""
    ordered = order(items, query.orderBy or default_order_by, query.orderDirection, sort_keys)
    start = (query.page - 1) * query.pageSize
    chunk = ordered[start : start + query.pageSize]
    return page_envelope(chunk, query.page, query.pageSize, len(ordered))
