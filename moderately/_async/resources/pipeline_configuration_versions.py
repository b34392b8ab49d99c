"""Pipeline configuration versions: the blocks and connections a pipeline runs, versioned."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self, Unpack, get_args

from pydantic import Field, ValidationError

from ..._models import RequestModel
from ..._params import Direction, Ids, join_ids, list_query
from ..._parsing import parse_as, response_mismatch
from ..._request import require_id
from ..._run_types import (
    CONFIGURATION_STATUSES,
    ConfigurationStatus,
    PipelineConfigurationValidation,
    join_choices,
)
from ..._shapes.pipeline_configuration_versions import (
    SCHEMA,
    PipelineConfigurationVersionChanges,
    PipelineConfigurationVersionCreate,
    PipelineConfigurationVersionOrder,
    PipelineConfigurationVersionUpdate,
    Validate,
)
from .._namespace import AsyncNamespace
from .._pagination import AsyncPageRequest
from .._resource import (
    AsyncCreatable,
    AsyncDeletable,
    AsyncGettable,
    AsyncSavable,
    AsyncSearchable,
)

if TYPE_CHECKING:
    from .._client import AsyncModeratelyAI


class AsyncPipelineConfigurationVersion(
    AsyncSearchable, AsyncGettable, AsyncCreatable, AsyncSavable, AsyncDeletable
):
    """One version of a pipeline's configuration; change ``configuration`` or ``status``, save.

    Assign a new dict to ``configuration``: edits made inside the dict are not seen by ``save()``.
    """

    _path: ClassVar[str] = "/pipeline-configuration-versions"
    _id_field: ClassVar[str] = "pipeline_configuration_version_id"
    _create_model: ClassVar[type[RequestModel]] = PipelineConfigurationVersionCreate
    _update_model: ClassVar[type[RequestModel]] = PipelineConfigurationVersionUpdate

    pipeline_configuration_version_id: str = Field(frozen=True)
    pipeline_id: str = Field(frozen=True)
    configuration: dict[str, Any]
    version: int = Field(frozen=True)
    status: str
    created_at: datetime | None = Field(default=None, frozen=True)
    updated_at: datetime | None = Field(default=None, frozen=True)

    @property
    def is_current(self) -> bool:
        """True for the pipeline's current version (the one a run uses by default)."""
        return self.status == "current"

    async def clone(self) -> Self:
        """A new draft copy of this version, with the next version number."""
        return await self._clone_by_id(self.client, self.id)

    @classmethod
    async def _clone_by_id(cls, client: AsyncModeratelyAI, version_id: str) -> Self:
        path = cls._item_path(version_id) + "/clone"
        return cls._parse(client, await client._request("POST", path, json={}))


class AsyncPipelineConfigurationVersions(AsyncNamespace[AsyncPipelineConfigurationVersion]):
    """``client.pipeline_configuration_versions``: versions of pipeline configurations."""

    __slots__ = ()
    _default_model = AsyncPipelineConfigurationVersion

    def list(
        self,
        *,
        pipeline_ids: Ids | None = None,
        pipeline_configuration_version_ids: Ids | None = None,
        team_ids: Ids | None = None,
        status: ConfigurationStatus | None = None,
        statuses: ConfigurationStatus | Iterable[ConfigurationStatus] | None = None,
        page: int = 1,
        page_size: int | None = None,
        order_by: PipelineConfigurationVersionOrder | None = None,
        order_direction: Direction | None = None,
    ) -> AsyncPageRequest[AsyncPipelineConfigurationVersion]:
        """Versions in the client's team (or ``team_ids``): a page, or every item when iterated."""
        teams = join_ids(team_ids, "team_ids") or self._client._config.require_team(
            "pipeline_configuration_versions.list"
        )
        query = list_query(
            page=page,
            page_size=page_size,
            order_by=order_by,
            order_by_allowed=get_args(PipelineConfigurationVersionOrder),
            order_direction=order_direction,
            filters={
                "team_ids": teams,
                "pipeline_ids": join_ids(pipeline_ids, "pipeline_ids"),
                "pipeline_configuration_version_ids": join_ids(
                    pipeline_configuration_version_ids, "pipeline_configuration_version_ids"
                ),
                "status": join_choices(status, CONFIGURATION_STATUSES, "status"),
                "statuses": join_choices(statuses, CONFIGURATION_STATUSES, "statuses"),
            },
        )
        return self._model.search(self._client, query, page=page)

    async def retrieve(
        self, pipeline_configuration_version_id: str
    ) -> AsyncPipelineConfigurationVersion:
        """The configuration version with id ``pipeline_configuration_version_id``."""
        return await self._model.get(self._client, pipeline_configuration_version_id)

    async def create(
        self,
        *,
        pipeline_id: str,
        configuration: dict[str, Any],
        status: ConfigurationStatus | None = None,
    ) -> AsyncPipelineConfigurationVersion:
        """Add a configuration version to a pipeline (a draft unless ``status`` says otherwise)."""
        fields: dict[str, Any] = {"pipeline_id": pipeline_id, "configuration": configuration}
        if status is not None:
            fields["status"] = status
        return await self._model.create(self._client, **fields)

    async def update(
        self,
        pipeline_configuration_version_id: str,
        **changes: Unpack[PipelineConfigurationVersionChanges],
    ) -> AsyncPipelineConfigurationVersion:
        """Change the configuration or status of a version; the current one cannot be edited."""
        return await self._model.update(self._client, pipeline_configuration_version_id, **changes)

    async def delete(self, pipeline_configuration_version_id: str) -> None:
        """Delete a version (archive the current version first)."""
        await self._model.delete_by_id(self._client, pipeline_configuration_version_id)

    async def clone(
        self, pipeline_configuration_version_id: str
    ) -> AsyncPipelineConfigurationVersion:
        """Copy a version into a new draft with the next version number."""
        require_id(pipeline_configuration_version_id, "pipeline_configuration_version_id")
        return await self._model._clone_by_id(self._client, pipeline_configuration_version_id)

    async def validate(self, configuration: dict[str, Any]) -> PipelineConfigurationValidation:
        """Check a configuration on the platform without saving it; errors come back as data."""
        body = Validate.check(configuration=configuration).wire()
        path = self._model._path + "/validate"
        response = await self._client._request("POST", path, json=body)
        return parse_as(PipelineConfigurationValidation, response)

    async def get_schema(self) -> dict[str, Any] | None:
        """The JSON Schema (draft 7) every pipeline configuration must follow."""
        path = self._model._path + "/schema"
        response = await self._client._request("GET", path)
        try:
            return SCHEMA.validate_json(response.content or b"null")
        except ValidationError as exc:
            raise response_mismatch("a JSON Schema", response, exc) from exc
