"""Pipeline executions: one run of a pipeline configuration version, its progress and output."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self, Unpack, get_args

from pydantic import Field, ValidationError

from ..._models import RequestModel
from ..._params import Direction, Ids, join_ids, list_query
from ..._parsing import response_mismatch
from ..._request import require_id
from ..._run_types import EXECUTION_STATUSES, ExecutionStatus, join_choices
from ..._shapes.pipeline_executions import (
    OUTPUT,
    InlineOutput,
    PipelineExecutionCancel,
    PipelineExecutionChanges,
    PipelineExecutionCreate,
    PipelineExecutionOrder,
    PipelineExecutionUpdate,
    decode_stored,
)
from .._execution import AsyncExecution, wait_for_id
from .._namespace import AsyncNamespace
from .._pagination import AsyncPageRequest
from .._resource import AsyncCreatable, AsyncSavable, AsyncSearchable

if TYPE_CHECKING:
    from .._client import AsyncModeratelyAI


class AsyncPipelineExecution(AsyncSearchable, AsyncExecution, AsyncCreatable, AsyncSavable):
    """One run of a pipeline: status, progress, input and output; ``wait()`` for it to end."""

    _path: ClassVar[str] = "/pipeline-executions"
    _id_field: ClassVar[str] = "pipeline_execution_id"
    _create_model: ClassVar[type[RequestModel]] = PipelineExecutionCreate
    _update_model: ClassVar[type[RequestModel]] = PipelineExecutionUpdate

    pipeline_execution_id: str = Field(frozen=True)
    pipeline_configuration_version_id: str = Field(frozen=True)
    pipeline_input: dict[str, Any] = Field(default_factory=dict, frozen=True)
    pipeline_input_summary: str | None = Field(default=None, frozen=True)
    pipeline_output: dict[str, Any] | None = None
    pipeline_output_summary: str | None = None
    status: str
    progress_data: dict[str, Any] = Field(default_factory=dict)
    pipeline_output_file_uri: str | None = Field(default=None, frozen=True)
    current_step: int | None = None
    total_steps: int | None = None
    created_at: datetime | None = Field(default=None, frozen=True)
    updated_at: datetime | None = Field(default=None, frozen=True)
    started_at: datetime | None = None
    completed_at: datetime | None = None
    failed_at: datetime | None = None
    cancelled_at: datetime | None = None
    paused_at: datetime | None = None

    @property
    def error(self) -> str | None:
        """Why the execution failed, as the platform wrote it in ``progress_data``; else None."""
        message = self.progress_data.get("error")
        return message if isinstance(message, str) and message else None

    @property
    def progress(self) -> float | None:
        """Fraction done (``current_step`` / ``total_steps``); None while the total is unknown."""
        if self.succeeded:
            return 1.0
        if not self.total_steps or self.current_step is None:
            return None
        return min(self.current_step / self.total_steps, 1.0)

    async def cancel(self, reason: str | None = None) -> Self:
        """Cancel this execution; the platform refuses (an API error) once it has ended."""
        self._adopt(await self._cancel_by_id(self.client, self.id, reason))
        return self

    @classmethod
    async def _cancel_by_id(
        cls, client: AsyncModeratelyAI, execution_id: str, reason: str | None
    ) -> Self:
        body = PipelineExecutionCancel.check(**({} if reason is None else {"reason": reason}))
        path = cls._item_path(execution_id) + "/cancel"
        return cls._parse(client, await client._request("POST", path, json=body.wire()))

    async def output(self) -> Any:
        """The execution's output, read inline or downloaded from its presigned URL."""
        return await _output(self.client, self.id)


async def _output(client: AsyncModeratelyAI, execution_id: str) -> Any:
    path = AsyncPipelineExecution._item_path(execution_id) + "/output"
    response = await client._request("GET", path)
    try:
        found = OUTPUT.validate_json(response.content)
    except ValidationError as exc:
        raise response_mismatch("a pipeline execution output", response, exc) from exc
    if isinstance(found, InlineOutput):
        return found.data
    # Large outputs live in storage; the URL is signed, so no Authorization goes with it.
    raw = await client._transport.download(client._config, found.download_url, path=None)
    assert isinstance(raw, bytes)
    return decode_stored(raw, found.metadata)


class AsyncPipelineExecutions(AsyncNamespace[AsyncPipelineExecution]):
    """``client.pipeline_executions``: runs of pipelines, their progress and output."""

    __slots__ = ()
    _default_model = AsyncPipelineExecution

    def list(
        self,
        *,
        pipeline_ids: Ids | None = None,
        pipeline_configuration_version_ids: Ids | None = None,
        pipeline_execution_ids: Ids | None = None,
        team_ids: Ids | None = None,
        status: ExecutionStatus | None = None,
        statuses: ExecutionStatus | Iterable[ExecutionStatus] | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: PipelineExecutionOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncPipelineExecution]:
        """Executions of the client's team (or ``team_ids``): a page, or all when iterated."""
        teams = join_ids(team_ids, "team_ids") or self._client._config.require_team(
            "pipeline_executions.list"
        )
        query = list_query(
            page=page,
            page_size=page_size,
            order_by=order_by,
            order_by_allowed=get_args(PipelineExecutionOrder),
            order_direction=order_direction,
            filters={
                "team_ids": teams,
                "pipeline_ids": join_ids(pipeline_ids, "pipeline_ids"),
                "pipeline_configuration_version_ids": join_ids(
                    pipeline_configuration_version_ids, "pipeline_configuration_version_ids"
                ),
                "pipeline_execution_ids": join_ids(
                    pipeline_execution_ids, "pipeline_execution_ids"
                ),
                "status": join_choices(status, EXECUTION_STATUSES, "status"),
                "statuses": join_choices(statuses, EXECUTION_STATUSES, "statuses"),
            },
        )
        return self._model.search(self._client, query, page=page)

    async def retrieve(self, pipeline_execution_id: str) -> AsyncPipelineExecution:
        """The execution with id ``pipeline_execution_id``."""
        return await self._model.get(self._client, pipeline_execution_id)

    async def create(
        self,
        *,
        pipeline_configuration_version_id: str,
        pipeline_input: dict[str, Any],
        pipeline_input_summary: str,
        current_step: int | None = None,
        total_steps: int | None = None,
    ) -> AsyncPipelineExecution:
        """Start an execution of a configuration version; it begins ``pending``."""
        fields: dict[str, Any] = {
            "pipeline_configuration_version_id": pipeline_configuration_version_id,
            "pipeline_input": pipeline_input,
            "pipeline_input_summary": pipeline_input_summary,
        }
        if current_step is not None:
            fields["current_step"] = current_step
        if total_steps is not None:
            fields["total_steps"] = total_steps
        return await self._model.create(self._client, **fields)

    async def update(
        self, pipeline_execution_id: str, **changes: Unpack[PipelineExecutionChanges]
    ) -> AsyncPipelineExecution:
        """Change the given fields (status, progress, output) of an execution; others stay."""
        return await self._model.update(self._client, pipeline_execution_id, **changes)

    async def cancel(
        self, pipeline_execution_id: str, *, reason: str | None = None
    ) -> AsyncPipelineExecution:
        """Cancel a pending or running execution; an ended one is refused by the platform."""
        require_id(pipeline_execution_id, "pipeline_execution_id")
        return await self._model._cancel_by_id(self._client, pipeline_execution_id, reason)

    async def get_output(self, pipeline_execution_id: str) -> Any:
        """The output of an execution: inline data, or the stored file downloaded and parsed."""
        require_id(pipeline_execution_id, "pipeline_execution_id")
        return await _output(self._client, pipeline_execution_id)

    async def wait(
        self,
        pipeline_execution_id: str,
        *,
        timeout: float | None = 600.0,
        poll_interval: float = 0.5,
        max_poll_interval: float = 5.0,
        on_progress: Callable[[AsyncPipelineExecution], object] | None = None,
    ) -> AsyncPipelineExecution:
        """Retrieve an execution and poll it until it ends (see ``AsyncPipelineExecution.wait``)."""
        return await wait_for_id(
            self.retrieve,
            pipeline_execution_id,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_progress=on_progress,
        )
