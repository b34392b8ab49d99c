"""Small helpers route families share: fetch-or-404, filters, and "like" matching."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TypeVar

from ._errors import not_found

V = TypeVar("V")


def get_or_404(items: Mapping[str, V], item_id: str, resource: str) -> V:
    """Return ``items[item_id]`` or raise 404 naming `resource`."""
    found = items.get(item_id)
    if found is None:
        raise not_found(resource, item_id)
    return found


def like(value: str | None, pattern: str | None) -> bool:
    """Return whether `pattern` occurs in `value`, ignoring case (True when no pattern)."""
    if pattern is None:
        return True
    return value is not None and pattern.casefold() in value.casefold()


def within(value: V, allowed: Collection[V] | None) -> bool:
    """Return whether `value` is in `allowed` (True when there is no filter)."""
    return allowed is None or value in allowed
