"""Pins the public names of ``moderately``: adding or removing one is a deliberate change."""

from __future__ import annotations

import inspect

import moderately

EXPECTED = {
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
}


def test_all_is_exactly_the_pinned_public_api() -> None:
    assert set(moderately.__all__) == EXPECTED
    assert len(moderately.__all__) == len(set(moderately.__all__))


def test_every_public_name_is_importable_and_documented() -> None:
    for name in moderately.__all__:
        obj = getattr(moderately, name)
        if name == "__version__":
            assert isinstance(obj, str)
            continue
        assert inspect.getdoc(obj), f"{name} has no docstring"


def test_public_objects_claim_the_public_module_or_a_private_one() -> None:
    # Everything public lives in a private module and is re-exported here, so users import
    # from ``moderately`` and the internal layout can change without breaking them.
    for name in moderately.__all__:
        if name == "__version__":
            continue
        obj = getattr(moderately, name)
        module = obj.__module__
        parts = module.split(".")
        assert parts[0] == "moderately", name
        assert any(p.startswith("_") for p in parts[1:]), f"{name} lives in public {module}"


def test_sync_and_async_surfaces_have_the_same_methods() -> None:
    pairs = [
        (moderately.AsyncModeratelyAI, moderately.ModeratelyAI),
        (moderately.AsyncAgents, moderately.Agents),
        (moderately.AsyncTeams, moderately.Teams),
        (moderately.AsyncUsers, moderately.Users),
        (moderately.AsyncAgent, moderately.Agent),
        (moderately.AsyncTeamUsers, moderately.TeamUsers),
        (moderately.AsyncTeamUser, moderately.TeamUser),
        (moderately.AsyncApiTokens, moderately.ApiTokens),
        (moderately.AsyncApiToken, moderately.ApiToken),
        (moderately.AsyncAuditLogs, moderately.AuditLogs),
        (moderately.AsyncAuditLog, moderately.AuditLog),
        (moderately.AsyncAuthentication, moderately.Authentication),
        (moderately.AsyncUser, moderately.User),
        (moderately.AsyncPipelines, moderately.Pipelines),
        (moderately.AsyncPipeline, moderately.Pipeline),
        (moderately.AsyncPipelineConfigurationVersions, moderately.PipelineConfigurationVersions),
        (moderately.AsyncPipelineConfigurationVersion, moderately.PipelineConfigurationVersion),
        (moderately.AsyncPipelineExecutions, moderately.PipelineExecutions),
        (moderately.AsyncPipelineExecution, moderately.PipelineExecution),
        (moderately.AsyncAgentConfigurationVersions, moderately.AgentConfigurationVersions),
        (moderately.AsyncAgentConfigurationVersion, moderately.AgentConfigurationVersion),
        (moderately.AsyncAgentExecutions, moderately.AgentExecutions),
        (moderately.AsyncAgentExecution, moderately.AgentExecution),
    ]
    renames = {"aclose": "close", "__aenter__": "__enter__", "__aexit__": "__exit__"}
    for async_cls, sync_cls in pairs:
        async_names = {renames.get(n, n) for n in dir(async_cls) if not n.startswith("_")}
        sync_names = {n for n in dir(sync_cls) if not n.startswith("_")}
        assert async_names == sync_names, (async_cls.__name__, async_names ^ sync_names)
