"""Dataset types shared by the async and sync APIs: columns, parsing options, request bodies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field, field_validator

from ._errors import InvalidArgumentError
from ._models import Model, RequestModel

# The choice check lives with the other argument helpers; resources still import it from here.
from ._params import check_choice as check_choice
from ._schema_infer import columns_fields

VersionStatus = Literal["draft", "current", "archived"]
"""Status of a data or schema version; at most one per dataset is ``current``."""
DataFileType = Literal["csv", "xlsx"]
"""File types a dataset's data may be uploaded as."""
ProcessingStatus = Literal["completed", "failed", "in_progress", "needs-processing"]
"""Where the platform's processing of a dataset stands."""
VersionOrder = Literal["created_at", "updated_at", "version_no"]
"""Fields data and schema versions can be sorted by."""

_NonNegative = Annotated[int, Field(ge=0)]


class SchemaColumn(Model):
    """One column of a dataset schema, as the platform returns it."""

    pos: int | None = None
    name: str
    source: str | None = None
    type: str
    nullable: bool
    transform_expr: str | None = None
    description: str | None = None
    operations: list[dict[str, Any]] | None = None


class ParsingOptions(Model):
    """How the platform reads a dataset's files."""

    skip_rows: list[int] | int | None = None
    header_row: int | None = None
    delimiter: str | None = None
    encoding: str | None = None


class ColumnOperationBody(RequestModel):
    """One operation on a column (``strip_whitespace``, ``convert_dtype``, ...)."""

    what: ClassVar[str] = "column operation"
    type: str = Field(min_length=1)
    parameters: dict[str, Any] | None = None


class ColumnBody(RequestModel):
    """One column of a schema request; ``name``, ``type`` and ``nullable`` are required."""

    what: ClassVar[str] = "column"
    # Defaults of non-nullable fields are never sent (wire() leaves out unset fields).
    pos: int = Field(default=1, gt=0)
    name: str = Field(min_length=1)
    source: str = ""
    type: str = Field(min_length=1)
    nullable: bool
    transform_expr: str | None = None
    description: str | None = None
    operations: list[ColumnOperationBody] = Field(default_factory=list)


class ParsingOptionsBody(RequestModel):
    """``parsingOptions`` of a schema request."""

    what: ClassVar[str] = "parsing options"
    skip_rows: list[_NonNegative] | _NonNegative = 0
    header_row: int = Field(default=1, gt=0)
    delimiter: str = Field(default=",", min_length=1)
    encoding: str = Field(default="utf-8", min_length=1)


def _columns_in(value: object) -> object:
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
        return columns_fields(value)
    return value


def _options_in(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(include=set(ParsingOptions.model_fields), exclude_none=True)
    return value


class SchemaVersionCreate(RequestModel):
    """Body of ``POST /dataset-schema-versions``."""

    what: ClassVar[str] = "dataset_schema_versions.create"
    dataset_id: str = Field(min_length=1)
    columns: list[ColumnBody] = Field(min_length=1)
    status: VersionStatus = "draft"
    parsing_options: ParsingOptionsBody = Field(default_factory=ParsingOptionsBody)

    _columns = field_validator("columns", mode="before")(staticmethod(_columns_in))
    _options = field_validator("parsing_options", mode="before")(staticmethod(_options_in))


class SchemaVersionUpdate(RequestModel):
    """Body of ``PATCH /dataset-schema-versions/{datasetSchemaVersionId}``.

    ``columns_json`` is the model's name for the columns; the request calls them ``columns``.
    """

    what: ClassVar[str] = "dataset_schema_versions.update"
    status: VersionStatus = "draft"
    columns_json: list[ColumnBody] = Field(default_factory=list, alias="columns", min_length=1)
    parsing_options: ParsingOptionsBody = Field(default_factory=ParsingOptionsBody)

    _columns = field_validator("columns_json", mode="before")(staticmethod(_columns_in))
    _options = field_validator("parsing_options", mode="before")(staticmethod(_options_in))


def parsing_fields(
    *,
    delimiter: str | None = None,
    header_row: int | None = None,
    skip_rows: int | list[int] | None = None,
    encoding: str | None = None,
) -> dict[str, Any]:
    """The parsing options that were given, by Python name."""
    given = {
        "delimiter": delimiter,
        "header_row": header_row,
        "skip_rows": skip_rows,
        "encoding": encoding,
    }
    return {key: value for key, value in given.items() if value is not None}


def check_version_no(version_no: object) -> None:
    """Refuse a version number below 1 before anything is sent."""
    if version_no is not None and (
        isinstance(version_no, bool) or not isinstance(version_no, int) or version_no < 1
    ):
        raise InvalidArgumentError(f"version_no must be an int >= 1; got {version_no!r}")
