"""Pipeline configuration versions: bodies and the configuration check, shared by both APIs."""

from __future__ import annotations

from typing import Any, ClassVar, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from .._models import RequestModel
from .._run_types import ConfigurationStatus

SCHEMA: TypeAdapter[dict[str, Any] | None] = TypeAdapter(dict[str, Any] | None)

PipelineConfigurationVersionOrder = Literal["version", "created_at", "updated_at"]
"""Fields pipeline configuration versions can be sorted by."""


class _Connection(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    source_block_id: str
    source_port: str
    target_block_id: str
    target_port: str


class _ConfigurationShape(BaseModel):
    # The contract's required skeleton of a configuration. Blocks are left to the platform,
    # whose block catalogue grows; the skeleton catches the common slips before sending.
    model_config = ConfigDict(extra="allow", strict=True)
    id: str
    name: str
    description: str | None = None
    version: str | None = None
    blocks: dict[str, dict[str, Any]]
    connections: list[_Connection] | None = None


def _check_configuration(value: dict[str, Any]) -> dict[str, Any]:
    try:
        _ConfigurationShape.model_validate(value)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{where}: {first['msg']}") from None
    # The caller's dict goes out unchanged: the check must not add defaults or drop keys.
    return value


class PipelineConfigurationVersionCreate(RequestModel):
    """Body of ``POST /pipeline-configuration-versions``."""

    what: ClassVar[str] = "pipeline_configuration_versions.create"
    pipeline_id: str = Field(min_length=1)
    configuration: dict[str, Any]
    status: ConfigurationStatus = "draft"

    _shape = field_validator("configuration")(_check_configuration)


class PipelineConfigurationVersionChanges(TypedDict, total=False):
    """Fields a configuration version update may change."""

    configuration: dict[str, Any]
    status: ConfigurationStatus


class PipelineConfigurationVersionUpdate(RequestModel):
    """Body of ``PATCH /pipeline-configuration-versions/{pipelineConfigurationVersionId}``."""

    what: ClassVar[str] = "pipeline_configuration_versions.update"
    # Defaults are never sent (wire() leaves out unset fields); they only make fields optional.
    configuration: dict[str, Any] = Field(default_factory=dict)
    status: ConfigurationStatus = "draft"

    _shape = field_validator("configuration")(_check_configuration)


class Validate(RequestModel):
    what: ClassVar[str] = "pipeline_configuration_versions.validate"
    configuration: dict[str, Any]
