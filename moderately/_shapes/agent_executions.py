"""Agent executions: the create body and the memory-page reader, shared by both APIs."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, TypeAdapter

from .._models import RequestModel
from .._pages import PageEnvelope
from .._run_types import AgentExecutionMemoryState

MEMORY_PAGE: TypeAdapter[PageEnvelope[AgentExecutionMemoryState]] = TypeAdapter(
    PageEnvelope[AgentExecutionMemoryState]
)


class AgentExecutionCreate(RequestModel):
    """Body of ``POST /agent-executions``."""

    what: ClassVar[str] = "agent_executions.create"
    agent_configuration_version_id: str = Field(min_length=1)
    agent_input: dict[str, Any]
    agent_input_summary: str = Field(min_length=1, max_length=500)
    agent_input_schema: Any = None
    agent_output_schema: Any = None
    max_actions: int | None = Field(default=None, ge=1, le=100)
    planning_interval: int | None = Field(default=None, ge=1, le=50)
