"""Ordinary user code, type-checked (never run) by tests/test_quality.py with mypy --strict.

Each ``assert_type`` pins what an IDE shows for a call; a change to the public types fails it.
"""

from __future__ import annotations

from typing import assert_type

from moderately import (
    Agent,
    ApiToken,
    ApiTokenUsage,
    AsyncAgent,
    AsyncAgents,
    AsyncApiToken,
    AsyncAuditLog,
    AsyncModeratelyAI,
    AsyncPage,
    AsyncPageRequest,
    AsyncTeam,
    AsyncTeamUser,
    AsyncUser,
    AuditLog,
    AuthSession,
    Health,
    ModeratelyAI,
    NotFoundError,
    Page,
    Secret,
    Team,
    TeamUser,
    User,
    WhoAmI,
)


async def async_surface() -> None:
    async with AsyncModeratelyAI(api_key="k", team_id="t", base_url="http://127.0.0.1:1") as client:
        agent = await client.agents.create(name="Support", description="Tickets")
        assert_type(agent, AsyncAgent)
        assert_type(client.agents.list(name_like="Sup", page_size=50), AsyncPageRequest[AsyncAgent])
        page = await client.agents.list(name_like="Sup", page_size=50)
        assert_type(page, AsyncPage[AsyncAgent])
        assert_type(page.items, list[AsyncAgent])
        assert_type(page.has_next_page, bool)
        assert_type(await page.get_next_page(), AsyncPage[AsyncAgent] | None)
        async for item in client.agents.list():
            assert_type(item, AsyncAgent)
        async for each_page in page.iter_pages():
            assert_type(each_page, AsyncPage[AsyncAgent])
        assert_type(client.agents.using(AsyncAgent), AsyncAgents)
        agent.description = "Handles tickets"
        assert_type(await agent.save(), AsyncAgent)
        assert_type(await client.agents.retrieve(agent.agent_id), AsyncAgent)
        assert_type(await client.agents.update(agent.agent_id, name="New"), AsyncAgent)
        assert_type(await agent.delete(), None)
        assert_type(await client.whoami(), WhoAmI)
        assert_type(await client.health(), Health)
        assert_type(await client.teams.create(name="Team"), AsyncTeam)
        assert_type(await client.users.retrieve("u"), AsyncUser)
        members = await client.team_users.list(roles=["admin"], email_like="@example.com")
        assert_type(members.items, list[AsyncTeamUser])
        assert_type(await client.team_users.update("tu", role="member"), AsyncTeamUser)
        token = await client.api_tokens.create(name="CI", role="readonly")
        assert_type(token, AsyncApiToken)
        assert_type(token.token, Secret | None)
        assert_type(await client.api_tokens.usage(token.token_id, method="GET"), ApiTokenUsage)
        assert_type(client.audit_logs.for_user("u"), AsyncPageRequest[AsyncAuditLog])
        async for entry in client.audit_logs.for_entity("agent", "a", action="update"):
            assert_type(entry, AsyncAuditLog)
        session = await client.authentication.login("ada@example.com", "pw")
        assert_type(session, AuthSession)
        assert_type(await client.authentication.logout(session), None)
        user = await client.users.retrieve("u")
        assert_type(user.display_name(), str)
        assert_type(await user.update_profile(full_name="Ada"), AsyncUser)
        copy = client.with_options(max_retries=5)
        assert_type(copy, AsyncModeratelyAI)
        try:
            await client.agents.retrieve("missing")
        except NotFoundError as exc:
            assert_type(exc.status_code, int)
            assert_type(exc.request_id, str | None)


def sync_surface() -> None:
    with ModeratelyAI() as client:
        agent = client.agents.create(name="Support")
        assert_type(agent, Agent)
        page = client.agents.list(page_size=10)
        assert_type(page, Page[Agent])
        for item in client.agents.list():
            assert_type(item, Agent)
        assert_type(page.get_next_page(), Page[Agent] | None)
        agent.name = "Renamed"
        assert_type(agent.save(), Agent)
        assert_type(client.teams.retrieve("t"), Team)
        assert_type(client.users.update("u", full_name="Ada"), User)
        assert_type(client.team_users.retrieve("tu"), TeamUser)
        assert_type(client.api_tokens.list(order_by="name"), Page[ApiToken])
        assert_type(client.api_tokens.update("t", is_active=False), ApiToken)
        assert_type(client.audit_logs.list(action="delete", page_size=5), Page[AuditLog])
        assert_type(client.authentication.email_verify("code"), AuthSession)
        assert_type(client.users.retrieve("u").formatted_created_at(), str | None)
        assert_type(client.whoami().user_id, str)
        assert_type(client.health(), Health)
        client.agents.delete(agent.agent_id)


async def async_pipelines_and_agent_runs() -> None:
    from typing import Any

    from moderately import (
        AgentExecutionMemoryState,
        AgentLiveTail,
        AsyncAgentConfigurationVersion,
        AsyncAgentExecution,
        AsyncPipeline,
        AsyncPipelineConfigurationVersion,
        AsyncPipelineExecution,
        PipelineConfigurationValidation,
    )

    async with AsyncModeratelyAI(api_key="k", team_id="t", base_url="http://127.0.0.1:1") as client:
        pipeline = await client.pipelines.create(name="Docs", description="Reads documents")
        assert_type(pipeline, AsyncPipeline)
        assert_type(client.pipelines.list(name_like="Do"), AsyncPageRequest[AsyncPipeline])
        config = {"id": "c", "name": "Docs", "blocks": {}}
        version = await pipeline.create_configuration_version(config, status="current")
        assert_type(version, AsyncPipelineConfigurationVersion)
        clone = await client.pipeline_configuration_versions.clone("v")
        assert_type(clone, AsyncPipelineConfigurationVersion)
        check = await client.pipeline_configuration_versions.validate(config)
        assert_type(check, PipelineConfigurationValidation)
        assert_type(
            await client.pipeline_configuration_versions.get_schema(), dict[str, Any] | None
        )
        execution = await pipeline.run({"text": "hi"}, timeout=60, on_progress=print)
        assert_type(execution, AsyncPipelineExecution)
        assert_type(execution.succeeded, bool)
        assert_type(await pipeline.start({"text": "hi"}), AsyncPipelineExecution)
        assert_type(await execution.wait(timeout=5), AsyncPipelineExecution)
        assert_type(await execution.output(), Any)
        assert_type(
            await client.pipeline_executions.cancel("e", reason="stop"), AsyncPipelineExecution
        )
        assert_type(
            client.pipeline_executions.list(statuses=["running", "pending"]),
            AsyncPageRequest[AsyncPipelineExecution],
        )
        versions = await client.agent_configuration_versions.list(agent_ids="a")
        assert_type(versions, list[AsyncAgentConfigurationVersion])
        run = await client.agent_executions.create(
            agent_configuration_version_id="v", agent_input={"q": "?"}, agent_input_summary="q"
        )
        assert_type(run, AsyncAgentExecution)
        async for state in run.live_tail():
            assert_type(state, AgentExecutionMemoryState)
        assert_type(await run.get_live_tail(), AgentLiveTail)
        assert_type(await run.get_memory_state(1), AgentExecutionMemoryState)
        page = await client.agent_executions.list_memory_states("e", page_size=5)
        assert_type(page, AsyncPage[AgentExecutionMemoryState])


def sync_pipelines_and_agent_runs() -> None:
    from typing import Any

    from moderately import (
        AgentExecution,
        AgentExecutionMemoryState,
        Pipeline,
        PipelineConfigurationVersion,
        PipelineExecution,
    )

    with ModeratelyAI() as client:
        pipeline = client.pipelines.retrieve("p")
        assert_type(pipeline, Pipeline)
        assert_type(pipeline.configuration_versions(), Page[PipelineConfigurationVersion])
        execution = pipeline.run({"text": "hi"}, configuration_version_id="v")
        assert_type(execution, PipelineExecution)
        assert_type(client.pipeline_executions.get_output(execution.id), Any)
        assert_type(execution.progress, float | None)
        run = client.agent_executions.retrieve("e")
        assert_type(run, AgentExecution)
        for state in client.agent_executions.live_tail("e"):
            assert_type(state, AgentExecutionMemoryState)
        assert_type(run.wait(timeout=5), AgentExecution)


async def async_files_and_datasets() -> None:
    import io
    from pathlib import Path

    from moderately import (
        AsyncDataset,
        AsyncDatasetDataVersion,
        AsyncDatasetSchemaVersion,
        AsyncFile,
        AsyncSchemaBuilder,
        SchemaColumn,
    )

    async with AsyncModeratelyAI(api_key="k", team_id="t", base_url="http://127.0.0.1:1") as client:
        file = await client.files.upload("data.csv", name="Dataset", metadata={"k": "v"})
        assert_type(file, AsyncFile)
        assert_type(await client.files.upload(io.BytesIO(b"hi"), progress=print), AsyncFile)
        assert_type(file.is_ready and file.is_csv, bool)
        assert_type(file.extension, str)
        assert_type(await file.download(), bytes)
        assert_type(await file.download("copy.csv"), Path)
        assert_type(await client.files.download(file.file_id), bytes)
        assert_type(await client.files.download(file.file_id, path="out"), Path)
        assert_type(
            client.files.list(mime_types="text/csv", upload_status="completed"),
            AsyncPageRequest[AsyncFile],
        )
        assert_type(await client.files.upload_many([b"a", "b.txt"], concurrency=2), list[AsyncFile])
        assert_type(await client.files.download_many({"f": "out/f"}), list[Path])
        assert_type(await client.files.delete(file.file_id), None)

        dataset = await client.datasets.create(name="Customer Data")
        assert_type(dataset, AsyncDataset)
        version = await dataset.upload_data("sales.csv", progress=print)
        assert_type(version, AsyncDatasetDataVersion)
        assert_type(version.row_count, int | None)
        assert_type(await dataset.download_data(), bytes)
        assert_type(await dataset.download_data(path="copy.csv"), Path)
        assert_type(dataset.list_data_versions(), AsyncPageRequest[AsyncDatasetDataVersion])
        schema = await dataset.create_schema([{"name": "user_id", "type": "int", "required": True}])
        assert_type(schema, AsyncDatasetSchemaVersion)
        assert_type(schema.columns, list[SchemaColumn])
        assert_type(
            await dataset.create_schema_from_sample("sample.csv"), AsyncDatasetSchemaVersion
        )
        builder = dataset.schema_builder().add_column("id", "int", required=True).as_current()
        assert_type(builder, AsyncSchemaBuilder)
        assert_type(await builder.create(), AsyncDatasetSchemaVersion)
        assert_type(await dataset.get_current_schema(), AsyncDatasetSchemaVersion | None)
        assert_type(dataset.record_count, int | None)
        assert_type(await dataset.wait_until_processed(timeout=60), AsyncDataset)
        assert_type(
            await client.datasets.update(dataset.dataset_id, should_process=True), AsyncDataset
        )
        assert_type(
            await client.dataset_schema_versions.update("s", status="current"),
            AsyncDatasetSchemaVersion,
        )


def sync_files_and_datasets() -> None:
    from pathlib import Path

    from moderately import Dataset, DatasetDataVersion, DatasetSchemaVersion, File

    with ModeratelyAI() as client:
        file = client.files.upload(b"raw", name="a.txt")
        assert_type(file, File)
        assert_type(file.download(), bytes)
        assert_type(client.files.list(), Page[File])
        assert_type(client.files.upload_many([b"a", b"b"]), list[File])
        assert_type(client.files.download_many({"f": "out"}), list[Path])
        dataset = client.datasets.retrieve("d")
        assert_type(dataset, Dataset)
        assert_type(dataset.upload_data(b"a\n1\n", file_type="csv"), DatasetDataVersion)
        assert_type(dataset.download_data("v", path="x.csv"), Path)
        assert_type(dataset.is_processing, bool)
        assert_type(
            dataset.schema_builder().add_column("n", "float").create(), DatasetSchemaVersion
        )
        assert_type(client.dataset_data_versions.download("v"), bytes)
        assert_type(
            client.dataset_schema_versions.list(dataset_ids="d"), Page[DatasetSchemaVersion]
        )
