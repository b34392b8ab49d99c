"""Agent executions: runs of an agent configuration version, their memory and a live tail."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, ValidationError

from ..._errors import InvalidArgumentError, NotFoundError, WaitTimeoutError
from ..._models import RequestModel
from ..._params import Direction, Ids, join_ids, list_query
from ..._parsing import parse_as, response_mismatch
from ..._request import build_path, require_id
from ..._run_types import (
    EXECUTION_STATUSES,
    AgentExecutionMemoryState,
    AgentLiveTail,
    AgentThought,
    ExecutionStatus,
    join_choices,
)
from ..._shapes.agent_executions import MEMORY_PAGE, AgentExecutionCreate
from .._execution import AsyncExecution, wait_for_id
from .._namespace import AsyncNamespace
from .._pagination import AsyncPage, AsyncPageRequest, paginate
from .._polling import PollPacer, check_pacing
from .._resource import AsyncCreatable, AsyncSearchable

if TYPE_CHECKING:
    from .._client import AsyncModeratelyAI


class AsyncAgentExecution(AsyncSearchable, AsyncExecution, AsyncCreatable):
    """One run of an agent: status, thoughts, output; ``wait()`` or ``live_tail()`` it."""

    _path: ClassVar[str] = "/agent-executions"
    _id_field: ClassVar[str] = "agent_execution_id"
    _create_model: ClassVar[type[RequestModel]] = AgentExecutionCreate

    agent_execution_id: str = Field(frozen=True)
    agent_configuration_version_id: str = Field(frozen=True)
    agent_input: dict[str, Any] = Field(default_factory=dict, frozen=True)
    agent_input_schema: Any = Field(default=None, frozen=True)
    agent_input_summary: str | None = Field(default=None, frozen=True)
    agent_output: dict[str, Any] | None = Field(default=None, frozen=True)
    agent_output_schema: Any = Field(default=None, frozen=True)
    agent_output_summary: str | None = Field(default=None, frozen=True)
    status: str = Field(frozen=True)
    thoughts: list[AgentThought] = Field(default_factory=list, frozen=True)
    max_actions: int | None = Field(default=None, frozen=True)
    current_step: int | None = Field(default=None, frozen=True)
    planning_interval: int | None = Field(default=None, frozen=True)
    created_at: datetime | None = Field(default=None, frozen=True)
    updated_at: datetime | None = Field(default=None, frozen=True)
    started_at: datetime | None = Field(default=None, frozen=True)
    completed_at: datetime | None = Field(default=None, frozen=True)
    failed_at: datetime | None = Field(default=None, frozen=True)
    cancelled_at: datetime | None = Field(default=None, frozen=True)
    paused_at: datetime | None = Field(default=None, frozen=True)

    def list_memory_states(
        self,
        *,
        page: int = 1,
        page_size: int | None = None,
        order_by: Literal["version", "created_at"] | None = None,
        order_direction: Direction | None = None,
        latest: bool | None = None,
    ) -> AsyncPageRequest[AgentExecutionMemoryState]:
        """Memory state versions of this execution: a page, or every item when iterated."""
        return _memory_states(
            self.client, self.id, page, page_size, order_by, order_direction, latest
        )

    async def get_memory_state(self, version: int) -> AgentExecutionMemoryState:
        """Memory state version ``version`` (from 1) of this execution."""
        return await _memory_state(self.client, self.id, version)

    async def get_live_tail(self) -> AgentLiveTail:
        """One live-tail snapshot: status, latest memory state and steps so far."""
        return await _live_tail_once(self.client, self.id)

    def live_tail(
        self,
        *,
        after_version: int = 0,
        poll_interval: float = 0.5,
        max_poll_interval: float = 5.0,
        timeout: float | None = None,
    ) -> AsyncIterator[AgentExecutionMemoryState]:
        """Yield each new memory state once, in version order, until the execution ends.

        Polls the live-tail route, waiting longer between polls while nothing changes and
        going back to ``poll_interval`` when something does; versions skipped between two polls
        are fetched one by one, so none is missed. ``after_version`` resumes a tail; past
        ``timeout`` seconds WaitTimeoutError is raised with the last snapshot as ``last`` (None
        if no poll succeeded). A transient poll failure is polled through, as in ``wait()``.
        """
        _check_tail(after_version, poll_interval, max_poll_interval, timeout)
        return _tail(self.client, self.id, after_version, poll_interval, max_poll_interval, timeout)


def _memory_states(
    client: AsyncModeratelyAI,
    execution_id: str,
    page: int,
    page_size: int | None,
    order_by: str | None,
    order_direction: str | None,
    latest: bool | None,
) -> AsyncPageRequest[AgentExecutionMemoryState]:
    require_id(execution_id, "agent_execution_id")
    if latest is not None and not isinstance(latest, bool):
        raise InvalidArgumentError(f"latest must be a bool; got {latest!r}")
    query = list_query(
        page=page,
        page_size=page_size,
        order_by=order_by,
        order_by_allowed=("version", "created_at"),
        order_direction=order_direction,
        filters={"latest": latest},
    )
    path = build_path("/agent-executions/{}/memory-states", execution_id)
    return paginate(partial(_memory_page, client, path, query), page)


async def _memory_page(
    client: AsyncModeratelyAI, path: str, query: dict[str, Any], number: int
) -> AsyncPage[AgentExecutionMemoryState]:
    response = await client._request("GET", path, params={**query, "page": number})
    try:
        envelope = MEMORY_PAGE.validate_json(response.content)
    except ValidationError as exc:
        raise response_mismatch("a page of memory states", response, exc) from exc
    return AsyncPage(
        envelope.items, envelope.pagination, partial(_memory_page, client, path, query)
    )


async def _memory_state(
    client: AsyncModeratelyAI, execution_id: str, version: int
) -> AgentExecutionMemoryState:
    require_id(execution_id, "agent_execution_id")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise InvalidArgumentError(f"version must be a whole number >= 0; got {version!r}")
    path = build_path("/agent-executions/{}/memory-states/{}", execution_id, str(version))
    return parse_as(AgentExecutionMemoryState, await client._request("GET", path))


async def _live_tail_once(client: AsyncModeratelyAI, execution_id: str) -> AgentLiveTail:
    require_id(execution_id, "agent_execution_id")
    path = build_path("/agent-executions/{}/live-tail", execution_id)
    return parse_as(AgentLiveTail, await client._request("GET", path))


def _check_tail(
    after_version: int, poll_interval: float, max_poll_interval: float, timeout: float | None
) -> None:
    # Checked when live_tail() is called, not when the (lazy) iteration first runs.
    check_pacing(timeout, poll_interval, max_poll_interval)
    if isinstance(after_version, bool) or not isinstance(after_version, int) or after_version < 0:
        raise InvalidArgumentError(
            f"after_version must be a whole number >= 0; got {after_version!r}"
        )


async def _tail(
    client: AsyncModeratelyAI,
    execution_id: str,
    after_version: int,
    poll_interval: float,
    max_poll_interval: float,
    timeout: float | None,
) -> AsyncIterator[AgentExecutionMemoryState]:
    # The pacer's polls are bounded by the deadline and a transient failure is polled through,
    # as in wait(); no yield happens inside a poll, so its deadline scope never leaks out.
    pacer = PollPacer(timeout, poll_interval, max_poll_interval)
    seen = after_version
    tail: AgentLiveTail | None = None
    while True:
        fresh = await pacer.poll(partial(_live_tail_once, client, execution_id))
        caught_up = fresh is not None
        if fresh is not None:
            tail = fresh
            latest = fresh.latest_memory_state
            if latest is not None and latest.version > seen:
                # The snapshot only carries the newest version; fetch any skipped since last poll.
                for version in range(seen + 1, latest.version):
                    try:
                        skipped = await pacer.poll(
                            partial(_memory_state, client, execution_id, version)
                        )
                    except NotFoundError:
                        seen = version  # versions need not be contiguous; a missing one is no gap
                        continue
                    if skipped is None:
                        caught_up = False  # a transient failure: resume from here next poll
                        break
                    yield skipped
                    seen = version
                else:
                    yield latest
                    seen = latest.version
                pacer.reset()
        if caught_up and tail is not None and tail.execution.is_terminal:
            return
        if not await pacer.pause():
            raise WaitTimeoutError(
                f"Agent execution {execution_id} still running after {timeout} s",
                last=tail,
            )


class AsyncAgentExecutions(AsyncNamespace[AsyncAgentExecution]):
    """``client.agent_executions``: runs of agents, their memory states and live tail."""

    __slots__ = ()
    _default_model = AsyncAgentExecution

    def list(
        self,
        *,
        agent_execution_ids: Ids | None = None,
        agent_ids: Ids | None = None,
        agent_configuration_version_ids: Ids | None = None,
        team_ids: Ids | None = None,
        statuses: ExecutionStatus | Iterable[ExecutionStatus] | None = None,
        has_agent_output: bool | None = None,
        page: int = 1,
        page_size: int | None = None,
    ) -> AsyncPageRequest[AsyncAgentExecution]:
        """Executions in the client's team (or ``team_ids``): a page, or every item when iterated.

        The platform serves at most 100 per page here, and takes no sort order.
        """
        if isinstance(page_size, int) and not isinstance(page_size, bool) and page_size > 100:
            raise InvalidArgumentError(f"page_size must be from 1 to 100; got {page_size!r}")
        if has_agent_output is not None and not isinstance(has_agent_output, bool):
            raise InvalidArgumentError(f"has_agent_output must be a bool; got {has_agent_output!r}")
        teams = join_ids(team_ids, "team_ids") or self._client._config.require_team(
            "agent_executions.list"
        )
        query = list_query(
            page=page,
            page_size=page_size,
            order_by=None,
            order_by_allowed=(),
            order_direction=None,
            filters={
                "team_ids": teams,
                "agent_execution_ids": join_ids(agent_execution_ids, "agent_execution_ids"),
                "agent_ids": join_ids(agent_ids, "agent_ids"),
                "agent_configuration_version_ids": join_ids(
                    agent_configuration_version_ids, "agent_configuration_version_ids"
                ),
                "statuses": join_choices(statuses, EXECUTION_STATUSES, "statuses"),
                "has_agent_output": has_agent_output,
            },
        )
        return self._model.search(self._client, query, page=page)

    async def retrieve(self, agent_execution_id: str) -> AsyncAgentExecution:
        """The execution with id ``agent_execution_id``."""
        return await self._model.get(self._client, agent_execution_id)

    async def create(
        self,
        *,
        agent_configuration_version_id: str,
        agent_input: dict[str, Any],
        agent_input_summary: str,
        agent_input_schema: Any = None,
        agent_output_schema: Any = None,
        max_actions: int | None = None,
        planning_interval: int | None = None,
    ) -> AsyncAgentExecution:
        """Start a run of an agent configuration version; it begins ``pending``.

        Schemas and limits left out come from the configuration version.
        """
        fields: dict[str, Any] = {
            "agent_configuration_version_id": agent_configuration_version_id,
            "agent_input": agent_input,
            "agent_input_summary": agent_input_summary,
        }
        optional = {
            "agent_input_schema": agent_input_schema,
            "agent_output_schema": agent_output_schema,
            "max_actions": max_actions,
            "planning_interval": planning_interval,
        }
        fields.update({k: v for k, v in optional.items() if v is not None})
        return await self._model.create(self._client, **fields)

    async def wait(
        self,
        agent_execution_id: str,
        *,
        timeout: float | None = 600.0,
        poll_interval: float = 0.5,
        max_poll_interval: float = 5.0,
        on_progress: Callable[[AsyncAgentExecution], object] | None = None,
    ) -> AsyncAgentExecution:
        """Retrieve an execution and poll it until it ends (see ``AsyncAgentExecution.wait``)."""
        return await wait_for_id(
            self.retrieve,
            agent_execution_id,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_progress=on_progress,
        )

    def list_memory_states(
        self,
        agent_execution_id: str,
        *,
        page: int = 1,
        page_size: int | None = None,
        order_by: Literal["version", "created_at"] | None = None,
        order_direction: Direction | None = None,
        latest: bool | None = None,
    ) -> AsyncPageRequest[AgentExecutionMemoryState]:
        """Memory state versions of an execution: a page, or every item when iterated."""
        return _memory_states(
            self._client, agent_execution_id, page, page_size, order_by, order_direction, latest
        )

    async def get_memory_state(
        self, agent_execution_id: str, version: int
    ) -> AgentExecutionMemoryState:
        """Memory state version ``version`` of an execution."""
        return await _memory_state(self._client, agent_execution_id, version)

    async def get_live_tail(self, agent_execution_id: str) -> AgentLiveTail:
        """One live-tail snapshot of an execution: status, latest memory state, steps."""
        return await _live_tail_once(self._client, agent_execution_id)

    def live_tail(
        self,
        agent_execution_id: str,
        *,
        after_version: int = 0,
        poll_interval: float = 0.5,
        max_poll_interval: float = 5.0,
        timeout: float | None = None,
    ) -> AsyncIterator[AgentExecutionMemoryState]:
        """Yield each new memory state of an execution once, in order, until it ends.

        See ``AsyncAgentExecution.live_tail``.
        """
        require_id(agent_execution_id, "agent_execution_id")
        _check_tail(after_version, poll_interval, max_poll_interval, timeout)
        return _tail(
            self._client,
            agent_execution_id,
            after_version,
            poll_interval,
            max_poll_interval,
            timeout,
        )
