"""The client: settings, lifecycle, resource namespaces and the request entry point."""

from __future__ import annotations

from collections.abc import Awaitable
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypedDict, Unpack

from .._budget import RetryBudget
from .._config import ClientConfig
from .._hooks import AsyncAfterHook, AsyncBeforeHook, HookRegistry
from .._http import AsyncTransport
from .._request import Query, encode_json
from .._response import Response
from .._retry import RetryPolicy
from .._tls import Verify

if TYPE_CHECKING:
    from .._types import Health, WhoAmI
    from .resources.agent_configuration_versions import AsyncAgentConfigurationVersions
    from .resources.agent_executions import AsyncAgentExecutions
    from .resources.agents import AsyncAgents
    from .resources.api_tokens import AsyncApiTokens
    from .resources.audit_logs import AsyncAuditLogs
    from .resources.authentication import AsyncAuthentication
    from .resources.dataset_data_versions import AsyncDatasetDataVersions
    from .resources.dataset_schema_versions import AsyncDatasetSchemaVersions
    from .resources.datasets import AsyncDatasets
    from .resources.files import AsyncFiles
    from .resources.pipeline_configuration_versions import AsyncPipelineConfigurationVersions
    from .resources.pipeline_executions import AsyncPipelineExecutions
    from .resources.pipelines import AsyncPipelines
    from .resources.team_users import AsyncTeamUsers
    from .resources.teams import AsyncTeams
    from .resources.users import AsyncUsers


class ClientOptions(TypedDict, total=False):
    """Settings that ``with_options`` may change."""

    api_key: str
    team_id: str | None
    base_url: str
    timeout: float
    max_retries: int
    retry_unknown_outcome: bool
    retry_policy: RetryPolicy
    retry_budget: RetryBudget
    default_headers: dict[str, str]


class AsyncModeratelyAI:
    """Client for the Moderately AI platform.

    Settings come from the arguments, then the environment (MODERATELY_API_KEY,
    MODERATELY_TEAM_ID, MODERATELY_BASE_URL), then defaults. Use it in ``async with`` or call
    ``aclose()`` when done; connections open on first use and are reused across calls.
    """

    hooks: HookRegistry[AsyncBeforeHook, AsyncAfterHook]
    """Before/after hooks applied to every operation this client makes."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        team_id: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry_unknown_outcome: bool | None = None,
        default_headers: dict[str, str] | None = None,
        max_response_size: int | None = None,
        retry_policy: RetryPolicy | None = None,
        retry_budget: RetryBudget | None = None,
        verify: Verify = True,
    ) -> None:
        self._config = ClientConfig.resolve(
            api_key=api_key,
            team_id=team_id,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_unknown_outcome=retry_unknown_outcome,
            default_headers=default_headers,
            max_response_size=max_response_size,
            retry_policy=retry_policy,
            retry_budget=retry_budget,
        )
        # verify (TLS: True, a CA path, an SSLContext, or False, logged) belongs to the
        # connection pool, so with_options copies share it and cannot change it.
        self._transport = AsyncTransport(verify=verify)
        self._owns_transport = True
        self.hooks = HookRegistry()

    def with_options(self, **changes: Unpack[ClientOptions]) -> Self:
        """A copy with other settings that shares this client's connection pool and hooks.

        Closing the copy leaves the pool open; closing this client closes it for both.
        """
        copy = object.__new__(type(self))
        copy._config = self._config.updated(**changes)
        copy._transport = self._transport
        copy._owns_transport = False
        copy.hooks = self.hooks
        return copy

    @property
    def base_url(self) -> str:
        """The platform's base URL."""
        return self._config.base_url

    @property
    def team_id(self) -> str | None:
        """The team that team-scoped calls act on."""
        return self._config.team_id

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy (what is retried, backoff, caps); see ``moderately.RetryPolicy``."""
        return self._config.retry

    @property
    def max_retries(self) -> int:
        """Retries after a failed attempt, for calls made through this client."""
        return self._config.retry.max_retries

    @property
    def timeout(self) -> float:
        """Seconds one attempt may take."""
        return self._config.timeout

    @property
    def is_closed(self) -> bool:
        """True once the connection pool this client uses is closed."""
        return self._transport.closed

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self._config.base_url!r}, "
            f"team_id={self._config.team_id!r})"
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (a copy from ``with_options`` leaves it to its parent)."""
        if self._owns_transport:
            await self._transport.aclose()

    @cached_property
    def agents(self) -> AsyncAgents:
        """Agents of the team: list, retrieve, create, update, delete."""
        from .resources.agents import AsyncAgents

        return AsyncAgents(self)

    @cached_property
    def agent_configuration_versions(self) -> AsyncAgentConfigurationVersions:
        """Versions of agents' configurations: list, retrieve, create, update."""
        from .resources.agent_configuration_versions import AsyncAgentConfigurationVersions

        return AsyncAgentConfigurationVersions(self)

    @cached_property
    def agent_executions(self) -> AsyncAgentExecutions:
        """Agent runs: list, retrieve, create, wait, memory states, live tail."""
        from .resources.agent_executions import AsyncAgentExecutions

        return AsyncAgentExecutions(self)

    @cached_property
    def pipelines(self) -> AsyncPipelines:
        """Pipelines of the team: list, retrieve, create, update, delete; run on the model."""
        from .resources.pipelines import AsyncPipelines

        return AsyncPipelines(self)

    @cached_property
    def pipeline_configuration_versions(self) -> AsyncPipelineConfigurationVersions:
        """Pipeline configuration versions: CRUD, clone, validate, schema."""
        from .resources.pipeline_configuration_versions import (
            AsyncPipelineConfigurationVersions,
        )

        return AsyncPipelineConfigurationVersions(self)

    @cached_property
    def pipeline_executions(self) -> AsyncPipelineExecutions:
        """Pipeline runs: list, retrieve, create, update, cancel, output, wait."""
        from .resources.pipeline_executions import AsyncPipelineExecutions

        return AsyncPipelineExecutions(self)

    @cached_property
    def teams(self) -> AsyncTeams:
        """Teams: list, retrieve, create, update."""
        from .resources.teams import AsyncTeams

        return AsyncTeams(self)

    @cached_property
    def users(self) -> AsyncUsers:
        """Users: list, retrieve, update."""
        from .resources.users import AsyncUsers

        return AsyncUsers(self)

    @cached_property
    def team_users(self) -> AsyncTeamUsers:
        """Memberships of users in teams: list, retrieve, update, delete."""
        from .resources.team_users import AsyncTeamUsers

        return AsyncTeamUsers(self)

    @cached_property
    def api_tokens(self) -> AsyncApiTokens:
        """API tokens of the team: list, retrieve, create, update, delete, usage."""
        from .resources.api_tokens import AsyncApiTokens

        return AsyncApiTokens(self)

    @cached_property
    def audit_logs(self) -> AsyncAuditLogs:
        """The audit trail: list, retrieve, for_entity, for_user."""
        from .resources.audit_logs import AsyncAuditLogs

        return AsyncAuditLogs(self)

    @cached_property
    def authentication(self) -> AsyncAuthentication:
        """Identity and sign-in: whoami, login, logout, email sign-in."""
        from .resources.authentication import AsyncAuthentication

        return AsyncAuthentication(self)

    @cached_property
    def files(self) -> AsyncFiles:
        """Files of the team: upload, list, retrieve, download, delete."""
        from .resources.files import AsyncFiles

        return AsyncFiles(self)

    @cached_property
    def datasets(self) -> AsyncDatasets:
        """Datasets of the team: list, retrieve, create, update, delete; data and schemas."""
        from .resources.datasets import AsyncDatasets

        return AsyncDatasets(self)

    @cached_property
    def dataset_data_versions(self) -> AsyncDatasetDataVersions:
        """Uploaded data of datasets: list, retrieve, upload, download."""
        from .resources.dataset_data_versions import AsyncDatasetDataVersions

        return AsyncDatasetDataVersions(self)

    @cached_property
    def dataset_schema_versions(self) -> AsyncDatasetSchemaVersions:
        """Column schemas of datasets: list, retrieve, create, update."""
        from .resources.dataset_schema_versions import AsyncDatasetSchemaVersions

        return AsyncDatasetSchemaVersions(self)

    async def health(self) -> Health:
        """The platform's health report (``GET /health``)."""
        # Imported here, like the resource modules: pydantic models load on first use.
        from .._parsing import parse_as
        from .._types import Health

        response = await self._request("GET", "/health")
        return parse_as(Health, response)

    async def whoami(self) -> WhoAmI:
        """The user behind this client's API key."""
        from .._parsing import parse_as
        from .._types import WhoAmI

        response = await self._request("GET", "/authentication/whoami")
        return parse_as(WhoAmI, response)

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Query | None = None,
        json: Any = None,
    ) -> Awaitable[Response]:
        # unasync: async-only begin
        # A plain function handing back the transport's coroutine, not a coroutine awaiting
        # it: every suspension of a call resumes through each coroutine frame on the way down.
        # Every caller awaits the result at once, so an encoding error surfaces at the same
        # point as before.
        # unasync: async-only end
        body = None if json is None else encode_json(json)
        return self._transport.request(self._config, method, path, params=params, body=body)
