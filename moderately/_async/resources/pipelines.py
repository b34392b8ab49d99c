"""Pipelines: named workflows of a team; their logic lives in configuration versions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ClassVar, Unpack, get_args

from pydantic import Field

from ..._errors import InvalidArgumentError
from ..._models import RequestModel
from ..._params import Direction, Ids, join_ids, list_query
from ..._run_types import ConfigurationStatus, ExecutionStatus, summarize_input
from ..._shapes.pipeline_configuration_versions import PipelineConfigurationVersionOrder
from ..._shapes.pipeline_executions import PipelineExecutionOrder
from ..._shapes.pipelines import (
    SUMMARY_LIMIT,
    PipelineChanges,
    PipelineCreate,
    PipelineOrder,
    PipelineRun,
    PipelineUpdate,
    run_params,
)
from .._namespace import AsyncNamespace
from .._pagination import AsyncPageRequest
from .._resource import (
    AsyncCreatable,
    AsyncDeletable,
    AsyncGettable,
    AsyncRunnable,
    AsyncSavable,
    AsyncSearchable,
)
from .pipeline_configuration_versions import (
    AsyncPipelineConfigurationVersion,
    AsyncPipelineConfigurationVersions,
)
from .pipeline_executions import AsyncPipelineExecution, AsyncPipelineExecutions


class AsyncPipeline(
    AsyncSearchable,
    AsyncGettable,
    AsyncCreatable,
    AsyncSavable,
    AsyncDeletable,
    AsyncRunnable[AsyncPipelineExecution],
):
    """A pipeline of a team; ``run(input)`` executes its current configuration version.

    Change ``name`` or ``description`` and ``save()``. ``before_run`` / ``after_run`` hooks
    see ``input``, ``configuration_version_id`` and ``input_summary`` in ``ctx.params``.
    """

    _path: ClassVar[str] = "/pipelines"
    _id_field: ClassVar[str] = "pipeline_id"
    _create_model: ClassVar[type[RequestModel]] = PipelineCreate
    _update_model: ClassVar[type[RequestModel]] = PipelineUpdate

    pipeline_id: str = Field(frozen=True)
    team_id: str = Field(frozen=True)
    name: str
    description: str | None = None
    created_at: datetime | None = Field(default=None, frozen=True)
    updated_at: datetime | None = Field(default=None, frozen=True)
    last_run_at: datetime | None = Field(default=None, frozen=True)
    total_runs: float | None = Field(default=None, frozen=True)
    successful_runs: float | None = Field(default=None, frozen=True)
    success_rate: float | None = Field(default=None, frozen=True)

    # The mixin's run/start take any keyword; these narrow them to what a pipeline run needs,
    # so the override is deliberately narrower than the generic signature.
    async def run(  # type: ignore[override]
        self,
        input: dict[str, Any] | None = None,
        *,
        configuration_version_id: str | None = None,
        input_summary: str | None = None,
        timeout: float | None = 600.0,
        poll_interval: float = 0.5,
        max_poll_interval: float = 5.0,
        on_progress: Callable[[AsyncPipelineExecution], object] | None = None,
    ) -> AsyncPipelineExecution:
        """Run the pipeline on ``input`` and wait for the end; returns the finished execution.

        Without ``configuration_version_id`` the pipeline's current version runs, or, when none
        is marked current, its newest draft. Raises WaitTimeoutError (``last`` holds the
        execution) past ``timeout`` seconds; a failed run is returned, not raised: check
        ``execution.succeeded``. ``on_progress`` sees each polled state.
        """
        params = run_params(input, configuration_version_id, input_summary)
        return await super().run(
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_progress=on_progress,
            **params,
        )

    async def start(  # type: ignore[override]
        self,
        input: dict[str, Any] | None = None,
        *,
        configuration_version_id: str | None = None,
        input_summary: str | None = None,
    ) -> AsyncPipelineExecution:
        """Start a run on ``input`` and return the pending execution at once (see ``run``)."""
        params = run_params(input, configuration_version_id, input_summary)
        return await super().start(**params)

    async def _start_execution(self, params: dict[str, Any]) -> AsyncPipelineExecution:
        # Checked again: a before_run hook may have changed the arguments.
        args = PipelineRun.check(**params)
        version_id = args.configuration_version_id
        if version_id is None:
            version = await self.current_configuration_version()
            if version is None:
                raise InvalidArgumentError(
                    f"Pipeline {self.pipeline_id} has no current or draft configuration "
                    "version to run; add one with pipeline.create_configuration_version(...)."
                )
            version_id = version.pipeline_configuration_version_id
        summary = args.input_summary or summarize_input(args.input, SUMMARY_LIMIT)
        return await AsyncPipelineExecution.create(
            self.client,
            pipeline_configuration_version_id=version_id,
            pipeline_input=args.input,
            pipeline_input_summary=summary,
        )

    async def _poll_execution(self, execution: AsyncPipelineExecution) -> AsyncPipelineExecution:
        return await execution._snapshot()

    async def current_configuration_version(self) -> AsyncPipelineConfigurationVersion | None:
        """The version a run uses by default: the current one, else the newest draft, else None.

        Archived versions are never chosen: archiving retires a version. A pipeline whose
        versions are all drafts is one being built, and its newest draft is the latest edit.
        """
        current = await self.configuration_versions(status="current", page_size=1)
        if current.items:
            return current.items[0]
        drafts = await self.configuration_versions(
            status="draft", order_by="version", order_direction="desc", page_size=1
        )
        return drafts.items[0] if drafts.items else None

    def configuration_versions(
        self,
        *,
        status: ConfigurationStatus | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: PipelineConfigurationVersionOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncPipelineConfigurationVersion]:
        """Configuration versions of this pipeline: a page, or every item when iterated."""
        return AsyncPipelineConfigurationVersions(self.client).list(
            pipeline_ids=self.pipeline_id,
            team_ids=self.team_id,
            status=status,
            page=page,
            page_size=page_size,
            order_by=order_by,
            order_direction=order_direction,
        )

    async def create_configuration_version(
        self, configuration: dict[str, Any], *, status: ConfigurationStatus | None = None
    ) -> AsyncPipelineConfigurationVersion:
        """Add a configuration version to this pipeline (a draft unless ``status`` says so)."""
        return await AsyncPipelineConfigurationVersions(self.client).create(
            pipeline_id=self.pipeline_id, configuration=configuration, status=status
        )

    def executions(
        self,
        *,
        statuses: ExecutionStatus | Iterable[ExecutionStatus] | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: PipelineExecutionOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncPipelineExecution]:
        """Executions of this pipeline: a page, or every item when iterated."""
        return AsyncPipelineExecutions(self.client).list(
            pipeline_ids=self.pipeline_id,
            team_ids=self.team_id,
            statuses=statuses,
            page=page,
            page_size=page_size,
            order_by=order_by,
            order_direction=order_direction,
        )


class AsyncPipelines(AsyncNamespace[AsyncPipeline]):
    """``client.pipelines``: the team's pipelines."""

    __slots__ = ()
    _default_model = AsyncPipeline

    def list(
        self,
        *,
        pipeline_ids: Ids | None = None,
        name_like: str | None = None,
        team_ids: Ids | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: PipelineOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncPipeline]:
        """Pipelines of the client's team (or ``team_ids``): a page, or every item when iterated."""
        teams = join_ids(team_ids, "team_ids") or self._client._config.require_team(
            "pipelines.list"
        )
        query = list_query(
            page=page,
            page_size=page_size,
            order_by=order_by,
            order_by_allowed=get_args(PipelineOrder),
            order_direction=order_direction,
            filters={
                "team_ids": teams,
                "pipeline_ids": join_ids(pipeline_ids, "pipeline_ids"),
                "name_like": name_like,
            },
        )
        return self._model.search(self._client, query, page=page)

    async def retrieve(self, pipeline_id: str) -> AsyncPipeline:
        """The pipeline with id ``pipeline_id``."""
        return await self._model.get(self._client, pipeline_id)

    async def create(
        self, *, name: str, description: str | None = None, team_id: str | None = None
    ) -> AsyncPipeline:
        """Create a pipeline in the client's team (or ``team_id``); names are unique per team."""
        team = (
            team_id
            if team_id is not None
            else self._client._config.require_team("pipelines.create")
        )
        fields = {"team_id": team, "name": name}
        if description is not None:
            fields["description"] = description
        return await self._model.create(self._client, **fields)

    async def update(self, pipeline_id: str, **changes: Unpack[PipelineChanges]) -> AsyncPipeline:
        """Change the given fields of pipeline ``pipeline_id``; others stay as they are."""
        return await self._model.update(self._client, pipeline_id, **changes)

    async def delete(self, pipeline_id: str) -> None:
        """Delete pipeline ``pipeline_id``."""
        await self._model.delete_by_id(self._client, pipeline_id)
