"""The Python SDK for the Moderately AI platform: async-first, with a generated sync facade."""

from __future__ import annotations

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
from ._version import __version__

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
