"""Pipelines: request bodies and run arguments, shared by both APIs."""

from __future__ import annotations

from typing import Any, ClassVar, Literal, TypedDict

from pydantic import Field

from .._models import RequestModel

PipelineOrder = Literal["name", "created_at", "updated_at"]
"""Fields pipelines can be sorted by."""

# Must equal the max_length of PipelineExecutionCreate.pipeline_input_summary, the body this
# summary is sent in; tests/resources/test_pipelines.py checks that the two agree.
SUMMARY_LIMIT = 1000


class PipelineCreate(RequestModel):
    """Body of ``POST /pipelines``."""

    what: ClassVar[str] = "pipelines.create"
    team_id: str
    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=1000)


class PipelineChanges(TypedDict, total=False):
    """Fields a pipeline update may change."""

    name: str
    description: str | None


class PipelineUpdate(RequestModel):
    """Body of ``PATCH /pipelines/{pipelineId}``."""

    what: ClassVar[str] = "pipelines.update"
    # Defaults are never sent (wire() leaves out unset fields); they only make fields optional.
    name: str = Field(default="", min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=1000)


class PipelineRun(RequestModel):
    """Arguments of ``pipeline.run()`` / ``pipeline.start()``, checked before anything is sent."""

    what: ClassVar[str] = "pipeline.run"
    input: dict[str, Any]
    configuration_version_id: str | None = Field(default=None, min_length=1)
    input_summary: str | None = Field(default=None, max_length=SUMMARY_LIMIT)


def run_params(
    input: dict[str, Any] | None, configuration_version_id: str | None, input_summary: str | None
) -> dict[str, Any]:
    params = {
        "input": {} if input is None else input,
        "configuration_version_id": configuration_version_id,
        "input_summary": input_summary,
    }
    PipelineRun.check(**params)
    return params
