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

    model_config = ConfigDict(extra="allow")

    items: list[T]
    pagination: PageMeta
