"""Agent configuration versions: request bodies and their parts, shared by both APIs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field

from .._models import RequestModel

LlmProvider = Literal["vertexai", "anthropic", "openai"]
"""Model providers an agent can use."""
LlmTier = Literal["large", "medium", "small"]
"""Model size tiers (large: best quality, small: fastest)."""


class _Part(BaseModel):
    # Nested parts keep their snake_case wire names; ``model_*`` keys are wire fields here.
    model_config = ConfigDict(
        extra="forbid", strict=True, populate_by_name=True, protected_namespaces=()
    )


class _Llm(_Part):
    provider: LlmProvider
    model_tier: LlmTier
    model: str | None = None
    enable_reasoning: bool | None = None
    settings: dict[str, Any] | None = Field(default=None, alias="model_config")


class _LlmConfig(_Part):
    thought_llm: _Llm | None = None
    fact_extraction_llm: _Llm | None = None
    planner_llm: _Llm | None = None


class _Tool(_Part):
    # Tool names are left open: the platform's tool registry grows faster than SDK releases.
    type: str = Field(min_length=1)
    config: dict[str, Any] | None = None


class _ExecutionConfig(_Part):
    max_actions: int | None = Field(default=None, ge=0)
    planning_interval: int | None = Field(default=None, ge=0)
    feedback_rounds: int | None = Field(default=None, ge=0)
    timeout_minutes: int | None = Field(default=None, ge=0)


class AgentConfigurationVersionCreate(RequestModel):
    """Body of ``POST /agent-configuration-versions`` (every field is required on the wire)."""

    what: ClassVar[str] = "agent_configuration_versions.create"
    agent_id: str = Field(min_length=1)
    instructions: str = Field(min_length=1)
    input_schema: Any
    output_schema: Any
    version_number: int = Field(ge=0)
    is_current: bool
    system_prompt: str | None
    llm_config: _LlmConfig
    tool_config: list[_Tool]
    execution_config: _ExecutionConfig


class AgentConfigurationVersionChanges(TypedDict, total=False):
    """Fields an agent configuration version update may change."""

    instructions: str
    input_schema: Any
    output_schema: Any
    is_current: bool
    system_prompt: str | None
    llm_config: Mapping[str, Any]
    tool_config: Sequence[Mapping[str, Any]]
    execution_config: Mapping[str, Any]


class AgentConfigurationVersionUpdate(RequestModel):
    """Body of ``PATCH /agent-configuration-versions/{agentConfigurationVersionId}``."""

    what: ClassVar[str] = "agent_configuration_versions.update"
    # Defaults are never sent (wire() leaves out unset fields); they only make fields optional.
    instructions: str = Field(default="x", min_length=1)
    input_schema: Any = None
    output_schema: Any = None
    is_current: bool | None = None
    system_prompt: str | None = None
    llm_config: _LlmConfig | None = None
    tool_config: list[_Tool] | None = None
    execution_config: _ExecutionConfig | None = None


def plain_data(value: Any) -> Any:
    # Mappings and sequences from the caller become plain dicts and lists, which the strict
    # body model accepts; anything else is left for it to refuse.
    if isinstance(value, Mapping):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_data(v) for v in value]
    return value
