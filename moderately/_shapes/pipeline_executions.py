"""Pipeline executions: request bodies and the output's shapes, shared by both APIs."""

from __future__ import annotations

import gzip
from typing import Any, ClassVar, Literal, TypedDict

from pydantic import AwareDatetime, Field, TypeAdapter
from pydantic_core import from_json

from .._errors import ModeratelyError
from .._models import Model, RequestModel
from .._run_types import ExecutionStatus

PipelineExecutionOrder = Literal["created_at", "updated_at", "started_at"]
"""Fields pipeline executions can be sorted by."""

Moment = AwareDatetime | str
"""A point in time: a timezone-aware datetime, or ISO 8601 text as the platform writes it."""


class PipelineExecutionCreate(RequestModel):
    """Body of ``POST /pipeline-executions``."""

    what: ClassVar[str] = "pipeline_executions.create"
    pipeline_configuration_version_id: str = Field(min_length=1)
    pipeline_input: dict[str, Any]
    pipeline_input_summary: str = Field(max_length=1000)
    current_step: int = Field(default=0, ge=0)
    total_steps: int = Field(default=0, ge=0)


class PipelineExecutionChanges(TypedDict, total=False):
    """Fields a pipeline execution update may change (what a worker reports)."""

    pipeline_output: dict[str, Any] | None
    pipeline_output_summary: str | None
    status: ExecutionStatus
    progress_data: dict[str, Any]
    current_step: int
    total_steps: int
    started_at: Moment | None
    completed_at: Moment | None
    failed_at: Moment | None
    cancelled_at: Moment | None
    paused_at: Moment | None


class PipelineExecutionUpdate(RequestModel):
    """Body of ``PATCH /pipeline-executions/{pipelineExecutionId}``."""

    what: ClassVar[str] = "pipeline_executions.update"
    # Defaults are never sent (wire() leaves out unset fields); they only make fields optional.
    pipeline_output: dict[str, Any] | None = None
    pipeline_output_summary: str | None = Field(default=None, max_length=1000)
    status: ExecutionStatus = "pending"
    progress_data: dict[str, Any] = Field(default_factory=dict)
    current_step: int = Field(default=0, ge=0)
    total_steps: int = Field(default=0, ge=0)
    started_at: Moment | None = None
    completed_at: Moment | None = None
    failed_at: Moment | None = None
    cancelled_at: Moment | None = None
    paused_at: Moment | None = None


class PipelineExecutionCancel(RequestModel):
    """Body of ``POST /pipeline-executions/{pipelineExecutionId}/cancel``."""

    what: ClassVar[str] = "pipeline_executions.cancel"
    reason: str = Field(default="", max_length=500)


class InlineOutput(Model):
    type: Literal["inline"]
    data: Any = None
    summary: str | None = None


class _StoredOutputMeta(Model):
    file_size_bytes: int | None = None
    compression_type: str | None = None
    file_type: str = "json"
    output_summary: str | None = None


class _StoredOutput(Model):
    type: Literal["s3"]
    download_url: str
    expires_at: str | None = None
    metadata: _StoredOutputMeta = Field(default_factory=_StoredOutputMeta)


OUTPUT: TypeAdapter[InlineOutput | _StoredOutput] = TypeAdapter(InlineOutput | _StoredOutput)


def decode_stored(raw: bytes, meta: _StoredOutputMeta) -> Any:
    compression = meta.compression_type or "none"
    if compression == "gzip":
        raw = gzip.decompress(raw)
    elif compression != "none":
        raise ModeratelyError(
            f"The output is compressed with {compression}, which the SDK cannot decode."
        )
    if meta.file_type != "json":
        # parquet, csv and binary outputs are handed back as the bytes they are.
        return raw
    return from_json(raw)
