"""The Python SDK for the Moderately AI platform: async-first, with a generated sync facade."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

# The public names are loaded on first use (PEP 562 module ``__getattr__``), not at import:
# importing every resource model of both twins built ~80 pydantic classes and made
# ``import moderately`` cost about 2.5x importing pydantic, aiohttp, tenacity and anyio.
# Type checkers and IDEs read the imports below instead; ``__all__`` stays the public list.
if TYPE_CHECKING:
    from ._async._client import AsyncModeratelyAI, ClientOptions
    from ._async._pagination import AsyncPage, AsyncPageRequest
    from ._async.resources.agent_configuration_versions import (
        AsyncAgentConfigurationVersion,
        AsyncAgentConfigurationVersions,
    )
    from ._async.resources.agent_executions import AsyncAgentExecution, AsyncAgentExecutions
    from ._async.resources.agents import AsyncAgent, AsyncAgents
    from ._async.resources.api_tokens import AsyncApiToken, AsyncApiTokens
    from ._async.resources.audit_logs import AsyncAuditLog, AsyncAuditLogs
    from ._async.resources.authentication import AsyncAuthentication
    from ._async.resources.dataset_data_versions import (
        AsyncDatasetDataVersion,
        AsyncDatasetDataVersions,
    )
    from ._async.resources.dataset_schema_versions import (
        AsyncDatasetSchemaVersion,
        AsyncDatasetSchemaVersions,
    )
    from ._async.resources.datasets import AsyncDataset, AsyncDatasets
    from ._async.resources.files import AsyncFile, AsyncFiles
    from ._async.resources.pipeline_configuration_versions import (
        AsyncPipelineConfigurationVersion,
        AsyncPipelineConfigurationVersions,
    )
    from ._async.resources.pipeline_executions import (
        AsyncPipelineExecution,
        AsyncPipelineExecutions,
    )
    from ._async.resources.pipelines import AsyncPipeline, AsyncPipelines
    from ._async.resources.schema_builder import AsyncSchemaBuilder
    from ._async.resources.team_users import AsyncTeamUser, AsyncTeamUsers
    from ._async.resources.teams import AsyncTeam, AsyncTeams
    from ._async.resources.users import AsyncUser, AsyncUsers
    from ._budget import RetryBudget
    from ._config import Secret
    from ._dataset_models import ParsingOptions, SchemaColumn
    from ._errors import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConfigurationError,
        ConflictError,
        InternalServerError,
        InvalidArgumentError,
        ModeratelyError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ResponseTooLargeError,
        UnprocessableEntityError,
        UploadError,
        WaitTimeoutError,
    )
    from ._hooks import HookContext, HookRegistry, Operation, Outcome, Replace
    from ._http import ClientClosedError
    from ._identity import (
        ApiTokenCreator,
        ApiTokenUsage,
        ApiTokenUsageStats,
        AuditLogMetadata,
        AuthSession,
    )
    from ._retry import RetryPolicy
    from ._run_types import (
        AgentExecutionMemoryState,
        AgentLiveTail,
        AgentLiveTailExecution,
        AgentThought,
        PipelineConfigurationProblem,
        PipelineConfigurationValidation,
    )
    from ._sync._client import ModeratelyAI
    from ._sync._pagination import Page
    from ._sync.resources.agent_configuration_versions import (
        AgentConfigurationVersion,
        AgentConfigurationVersions,
    )
    from ._sync.resources.agent_executions import AgentExecution, AgentExecutions
    from ._sync.resources.agents import Agent, Agents
    from ._sync.resources.api_tokens import ApiToken, ApiTokens
    from ._sync.resources.audit_logs import AuditLog, AuditLogs
    from ._sync.resources.authentication import Authentication
    from ._sync.resources.dataset_data_versions import DatasetDataVersion, DatasetDataVersions
    from ._sync.resources.dataset_schema_versions import (
        DatasetSchemaVersion,
        DatasetSchemaVersions,
    )
    from ._sync.resources.datasets import Dataset, Datasets
    from ._sync.resources.files import File, Files
    from ._sync.resources.pipeline_configuration_versions import (
        PipelineConfigurationVersion,
        PipelineConfigurationVersions,
    )
    from ._sync.resources.pipeline_executions import PipelineExecution, PipelineExecutions
    from ._sync.resources.pipelines import Pipeline, Pipelines
    from ._sync.resources.schema_builder import SchemaBuilder
    from ._sync.resources.team_users import TeamUser, TeamUsers
    from ._sync.resources.teams import Team, Teams
    from ._sync.resources.users import User, Users
    from ._transfer import TransferError
    from ._types import Health, WhoAmI

# Public name -> the private module defining it (relative to this package), grouped by module.
_SOURCES: dict[str, tuple[str, ...]] = {
    "._async._client": (
        "AsyncModeratelyAI",
        "ClientOptions",
    ),
    "._async._pagination": (
        "AsyncPage",
        "AsyncPageRequest",
    ),
    "._async.resources.agent_configuration_versions": (
        "AsyncAgentConfigurationVersion",
        "AsyncAgentConfigurationVersions",
    ),
    "._async.resources.agent_executions": (
        "AsyncAgentExecution",
        "AsyncAgentExecutions",
    ),
    "._async.resources.agents": (
        "AsyncAgent",
        "AsyncAgents",
    ),
    "._async.resources.api_tokens": (
        "AsyncApiToken",
        "AsyncApiTokens",
    ),
    "._async.resources.audit_logs": (
        "AsyncAuditLog",
        "AsyncAuditLogs",
    ),
    "._async.resources.authentication": ("AsyncAuthentication",),
    "._async.resources.dataset_data_versions": (
        "AsyncDatasetDataVersion",
        "AsyncDatasetDataVersions",
    ),
    "._async.resources.dataset_schema_versions": (
        "AsyncDatasetSchemaVersion",
        "AsyncDatasetSchemaVersions",
    ),
    "._async.resources.datasets": (
        "AsyncDataset",
        "AsyncDatasets",
    ),
    "._async.resources.files": (
        "AsyncFile",
        "AsyncFiles",
    ),
    "._async.resources.pipeline_configuration_versions": (
        "AsyncPipelineConfigurationVersion",
        "AsyncPipelineConfigurationVersions",
    ),
    "._async.resources.pipeline_executions": (
        "AsyncPipelineExecution",
        "AsyncPipelineExecutions",
    ),
    "._async.resources.pipelines": (
        "AsyncPipeline",
        "AsyncPipelines",
    ),
    "._async.resources.schema_builder": ("AsyncSchemaBuilder",),
    "._async.resources.team_users": (
        "AsyncTeamUser",
        "AsyncTeamUsers",
    ),
    "._async.resources.teams": (
        "AsyncTeam",
        "AsyncTeams",
    ),
    "._async.resources.users": (
        "AsyncUser",
        "AsyncUsers",
    ),
    "._budget": ("RetryBudget",),
    "._config": ("Secret",),
    "._dataset_models": (
        "ParsingOptions",
        "SchemaColumn",
    ),
    "._errors": (
        "APIConnectionError",
        "APIError",
        "APIResponseValidationError",
        "APIStatusError",
        "APITimeoutError",
        "AuthenticationError",
        "BadRequestError",
        "ConfigurationError",
        "ConflictError",
        "InternalServerError",
        "InvalidArgumentError",
        "ModeratelyError",
        "NotFoundError",
        "PermissionDeniedError",
        "RateLimitError",
        "ResponseTooLargeError",
        "UnprocessableEntityError",
        "UploadError",
        "WaitTimeoutError",
    ),
    "._hooks": (
        "HookContext",
        "HookRegistry",
        "Operation",
        "Outcome",
        "Replace",
    ),
    "._http": ("ClientClosedError",),
    "._identity": (
        "ApiTokenCreator",
        "ApiTokenUsage",
        "ApiTokenUsageStats",
        "AuditLogMetadata",
        "AuthSession",
    ),
    "._retry": ("RetryPolicy",),
    "._run_types": (
        "AgentExecutionMemoryState",
        "AgentLiveTail",
        "AgentLiveTailExecution",
        "AgentThought",
        "PipelineConfigurationProblem",
        "PipelineConfigurationValidation",
    ),
    "._sync._client": ("ModeratelyAI",),
    "._sync._pagination": ("Page",),
    "._sync.resources.agent_configuration_versions": (
        "AgentConfigurationVersion",
        "AgentConfigurationVersions",
    ),
    "._sync.resources.agent_executions": (
        "AgentExecution",
        "AgentExecutions",
    ),
    "._sync.resources.agents": (
        "Agent",
        "Agents",
    ),
    "._sync.resources.api_tokens": (
        "ApiToken",
        "ApiTokens",
    ),
    "._sync.resources.audit_logs": (
        "AuditLog",
        "AuditLogs",
    ),
    "._sync.resources.authentication": ("Authentication",),
    "._sync.resources.dataset_data_versions": (
        "DatasetDataVersion",
        "DatasetDataVersions",
    ),
    "._sync.resources.dataset_schema_versions": (
        "DatasetSchemaVersion",
        "DatasetSchemaVersions",
    ),
    "._sync.resources.datasets": (
        "Dataset",
        "Datasets",
    ),
    "._sync.resources.files": (
        "File",
        "Files",
    ),
    "._sync.resources.pipeline_configuration_versions": (
        "PipelineConfigurationVersion",
        "PipelineConfigurationVersions",
    ),
    "._sync.resources.pipeline_executions": (
        "PipelineExecution",
        "PipelineExecutions",
    ),
    "._sync.resources.pipelines": (
        "Pipeline",
        "Pipelines",
    ),
    "._sync.resources.schema_builder": ("SchemaBuilder",),
    "._sync.resources.team_users": (
        "TeamUser",
        "TeamUsers",
    ),
    "._sync.resources.teams": (
        "Team",
        "Teams",
    ),
    "._sync.resources.users": (
        "User",
        "Users",
    ),
    "._transfer": ("TransferError",),
    "._types": (
        "Health",
        "WhoAmI",
    ),
}

_LAZY = {name: module for module, names in _SOURCES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    # Cached as an ordinary module global: later lookups never come back here.
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "Agent",
    "AgentConfigurationVersion",
    "AgentConfigurationVersions",
    "AgentExecution",
    "AgentExecutionMemoryState",
    "AgentExecutions",
    "AgentLiveTail",
    "AgentLiveTailExecution",
    "AgentThought",
    "Agents",
    "ApiToken",
    "ApiTokenCreator",
    "ApiTokenUsage",
    "ApiTokenUsageStats",
    "ApiTokens",
    "AsyncAgent",
    "AsyncAgentConfigurationVersion",
    "AsyncAgentConfigurationVersions",
    "AsyncAgentExecution",
    "AsyncAgentExecutions",
    "AsyncAgents",
    "AsyncApiToken",
    "AsyncApiTokens",
    "AsyncAuditLog",
    "AsyncAuditLogs",
    "AsyncAuthentication",
    "AsyncDataset",
    "AsyncDatasetDataVersion",
    "AsyncDatasetDataVersions",
    "AsyncDatasetSchemaVersion",
    "AsyncDatasetSchemaVersions",
    "AsyncDatasets",
    "AsyncFile",
    "AsyncFiles",
    "AsyncModeratelyAI",
    "AsyncPage",
    "AsyncPageRequest",
    "AsyncPipeline",
    "AsyncPipelineConfigurationVersion",
    "AsyncPipelineConfigurationVersions",
    "AsyncPipelineExecution",
    "AsyncPipelineExecutions",
    "AsyncPipelines",
    "AsyncSchemaBuilder",
    "AsyncTeam",
    "AsyncTeamUser",
    "AsyncTeamUsers",
    "AsyncTeams",
    "AsyncUser",
    "AsyncUsers",
    "AuditLog",
    "AuditLogMetadata",
    "AuditLogs",
    "AuthSession",
    "Authentication",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ClientOptions",
    "ConfigurationError",
    "ConflictError",
    "Dataset",
    "DatasetDataVersion",
    "DatasetDataVersions",
    "DatasetSchemaVersion",
    "DatasetSchemaVersions",
    "Datasets",
    "File",
    "Files",
    "Health",
    "HookContext",
    "HookRegistry",
    "InternalServerError",
    "InvalidArgumentError",
    "ModeratelyAI",
    "ModeratelyError",
    "NotFoundError",
    "Operation",
    "Outcome",
    "Page",
    "ParsingOptions",
    "PermissionDeniedError",
    "Pipeline",
    "PipelineConfigurationProblem",
    "PipelineConfigurationValidation",
    "PipelineConfigurationVersion",
    "PipelineConfigurationVersions",
    "PipelineExecution",
    "PipelineExecutions",
    "Pipelines",
    "RateLimitError",
    "Replace",
    "ResponseTooLargeError",
    "RetryBudget",
    "RetryPolicy",
    "SchemaBuilder",
    "SchemaColumn",
    "Secret",
    "Team",
    "TeamUser",
    "TeamUsers",
    "Teams",
    "TransferError",
    "UnprocessableEntityError",
    "UploadError",
    "User",
    "Users",
    "WaitTimeoutError",
    "WhoAmI",
    "__version__",
]
