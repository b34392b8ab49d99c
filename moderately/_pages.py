"""Pagination metadata as the platform sends it, shared by the async and sync pages."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

T = TypeVar("T")


class PageMeta(BaseModel):
    """The ``pagination`` object of a list response."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")

    page: int
    page_size: int
    total_items: int
    total_pages: int
    has_next_page: bool
    has_previous_page: bool = False


class PageEnvelope(BaseModel, Generic[T]):
    """A list response: ``{"items": [...], "pagination": {...}}``, parsed in one pass."""

    # Only keys go through pydantic's string cache: they repeat on every item, while the
    # values of a page (ids, names, timestamps) are mostly unique, so caching them cost a
    # lookup and an insert each for no hit (100 distinct pages of agents: 29.5 -> 25.4 ms).
    model_config = ConfigDict(extra="allow", cache_strings="keys")

    items: list[T]
    pagination: PageMeta
