"""Plain models and helpers shared by the async and sync execution resources.

They carry no operations and no client, so one class serves both APIs (a copy generated per
API would make ``isinstance`` checks differ between them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from pydantic_core import to_json

from ._models import Model

# The choice joiner lives with the other argument helpers; resources still import it from here.
from ._params import join_choices as join_choices

ExecutionStatus = Literal["pending", "running", "completed", "failed", "cancelled", "paused"]
"""States of a pipeline or agent execution."""
ConfigurationStatus = Literal["draft", "current", "archived"]
"""States of a pipeline configuration version."""

TERMINAL_STATUSES: frozenset[str] = frozenset({"completed", "failed", "cancelled"})
"""Statuses an execution never leaves (``paused`` may resume, so it is not one)."""


EXECUTION_STATUSES: tuple[str, ...] = get_args(ExecutionStatus)
CONFIGURATION_STATUSES: tuple[str, ...] = get_args(ConfigurationStatus)


def summarize_input(value: Any, limit: int) -> str:
    """A short human-readable summary of an input, for the platform's required summary field."""
    text = "Input: " + to_json(value, fallback=str).decode()
    return text if len(text) <= limit else text[: limit - 1] + "…"


class PipelineConfigurationProblem(Model):
    """One error or warning found by validating a pipeline configuration."""

    type: str
    """``block_type_error`` or ``connection_error``."""
    error_type: str
    message: str
    block_id: str | None = None
    block_type: str | None = None
    port_name: str | None = None
    connection_id: str | None = None
    source_block_id: str | None = None
    source_port: str | None = None
    target_block_id: str | None = None
    target_port: str | None = None


class PipelineConfigurationValidation(Model):
    """The platform's verdict on a pipeline configuration, with the schemas it implies."""

    valid: bool
    errors: list[PipelineConfigurationProblem]
    warnings: list[PipelineConfigurationProblem]
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None

    def __bool__(self) -> bool:
        return self.valid


class AgentThought(Model):
    """One reasoning note an agent wrote while running."""

    text: str
    created_at: datetime | None = None


class AgentExecutionMemoryState(Model):
    """One version of an agent execution's memory: the steps taken so far."""

    agent_execution_memory_state_id: str
    agent_execution_id: str
    state: dict[str, Any]
    version: int
    created_at: datetime | None = None
    updated_at: datetime | None = None


class AgentLiveTailExecution(Model):
    """The execution part of a live-tail snapshot."""

    agent_execution_id: str
    status: str
    current_step: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None

    @property
    def is_terminal(self) -> bool:
        """True once the execution will not change state again."""
        return self.status in TERMINAL_STATUSES


class AgentLiveTail(Model):
    """A live-tail snapshot: execution progress, its latest memory state, and its steps."""

    execution: AgentLiveTailExecution
    latest_memory_state: AgentExecutionMemoryState | None = None
    steps: list[dict[str, Any]]
    total_versions: int
