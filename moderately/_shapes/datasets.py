"""Datasets: request bodies and sort fields, shared by both APIs."""

from __future__ import annotations

from typing import ClassVar, Literal, TypedDict

from pydantic import Field

from .._models import RequestModel

DatasetOrder = Literal["created_at", "updated_at", "name"]
"""Fields datasets can be sorted by."""


class DatasetCreate(RequestModel):
    """Body of ``POST /datasets``."""

    what: ClassVar[str] = "datasets.create"
    team_id: str = Field(min_length=1)
    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=10000)


class DatasetUpdate(RequestModel):
    """Body of ``PATCH /datasets/{datasetId}``."""

    what: ClassVar[str] = "datasets.update"
    # Defaults are never sent (wire() leaves out unset fields); they only make fields optional.
    name: str = Field(default="", min_length=1, max_length=255)
    description: str = Field(default="", max_length=10000)
    should_process: bool = False


class DatasetChanges(TypedDict, total=False):
    """Fields a dataset update may change; ``should_process=True`` also starts processing."""

    name: str
    description: str
    should_process: bool
