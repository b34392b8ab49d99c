"""client.datasets and its data and schema versions against the emulator, async and sync."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from moderately import (
    APIConnectionError,
    AsyncDataset,
    AsyncDatasetDataVersion,
    AsyncDatasetSchemaVersion,
    AsyncModeratelyAI,
    AsyncPage,
    BadRequestError,
    ConflictError,
    Dataset,
    DatasetDataVersion,
    DatasetSchemaVersion,
    InvalidArgumentError,
    ModeratelyAI,
    NotFoundError,
    SchemaBuilder,
    SchemaColumn,
)
from moderately.testing import Emulator

SALES = b"user_id,email,signup_date\n1,a@x.io,2024-01-05\n2,b@x.io,2024-02-06\n3,,2024-03-07\n"


# --- datasets ---------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_dataset_crud_and_filters(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    dataset = await client.datasets.create(
        name="Customer Data", description="Customer interaction dataset"
    )
    assert isinstance(dataset, AsyncDataset)
    assert (dataset.team_id, dataset.name) == (emu.team_id, "Customer Data")
    assert dataset.current_data_version_id is None
    assert dataset.processing_status is None
    assert dataset.record_count is None
    other = await client.datasets.create(name="Orders")

    page = await client.datasets.list(name_like="Customer")
    assert isinstance(page, AsyncPage)
    assert [d.dataset_id for d in page.items] == [dataset.dataset_id]
    assert [d.name async for d in client.datasets.list(name="Orders")] == ["Orders"]
    ordered = await client.datasets.list(
        dataset_ids=[dataset.dataset_id, other.dataset_id], order_by="name", order_direction="desc"
    )
    assert [d.name for d in ordered.items] == ["Orders", "Customer Data"]
    assert [d.name async for d in client.datasets.list(team_ids=emu.team_id, page_size=1)] == [
        "Customer Data",
        "Orders",
    ]
    with pytest.raises(ConflictError):
        await client.datasets.create(name="Orders")

    dataset.name = "Updated Dataset Name"
    await dataset.save()
    assert emu.stats.count("PATCH /datasets/{datasetId}") == 1
    renamed = await client.datasets.update(other.dataset_id, description="All orders")
    assert renamed.description == "All orders"
    assert (await client.datasets.retrieve(dataset.dataset_id)).name == "Updated Dataset Name"
    with pytest.raises(BadRequestError):  # nothing to process yet
        await client.datasets.update(dataset.dataset_id, should_process=True)

    await dataset.delete()
    await client.datasets.delete(other.dataset_id)
    with pytest.raises(NotFoundError):
        await client.datasets.retrieve(dataset.dataset_id)


@pytest.mark.anyio
async def test_async_upload_data_round_trip(
    moderately_emulator: Emulator, moderately_async_client: AsyncModeratelyAI, tmp_path: Path
) -> None:
    emu, client = moderately_emulator, moderately_async_client
    dataset = await client.datasets.create(name="Sales")
    path = tmp_path / "sales_data.csv"
    path.write_bytes(SALES)
    seen: list[int] = []

    version = await dataset.upload_data(path, progress=lambda done, total: seen.append(done))
    assert isinstance(version, AsyncDatasetDataVersion)
    assert (version.version_no, version.file_type, version.status) == (1, "csv", "current")
    assert version.is_current
    assert version.file_name == "sales_data.csv"
    # The published contract carries no row count, so the SDK cannot report one.
    assert version.row_count is None
    assert seen[-1] == len(SALES)
    # upload_data re-reads the dataset: its current version and processing are up to date.
    assert dataset.current_data_version_id == version.dataset_data_version_id
    assert dataset.processing_status in ("needs-processing", "in_progress", "completed")
    assert emu.stats.count("POST /dataset-data-versions/{dataVersionId}/complete") == 1

    second = await dataset.upload_data(b"user_id\n9\n", file_name="more.csv")
    assert second.version_no == 2
    assert await dataset.download_data() == b"user_id\n9\n"
    assert await dataset.download_data(version.dataset_data_version_id) == SALES
    written = await dataset.download_data(path=tmp_path / "local_copy.csv")
    assert written.read_bytes() == b"user_id\n9\n"
    versions = [v async for v in dataset.list_data_versions()]
    assert [(v.version_no, v.status) for v in versions] == [(1, "archived"), (2, "current")]
    assert [v.version_no for v in (await dataset.list_data_versions(status="current")).items] == [2]

    await dataset.wait_until_processed(timeout=10, poll_interval=0.01)
    assert dataset.processing_status == "completed"
    assert dataset.active_data_version_id == second.dataset_data_version_id
    assert not dataset.is_processing
    await dataset.process()
    assert dataset.processing_status == "in_progress"


def test_sync_dataset_lifecycle_from_the_reference(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    client = moderately_client
    dataset = client.datasets.create(name="Customer Data", description="Interactions")
    assert [d.dataset_id for d in client.datasets.list()] == [dataset.dataset_id]
    assert client.datasets.retrieve(dataset.dataset_id).description == "Interactions"
    schema = dataset.create_schema(
        [{"name": "id", "type": "int", "required": True}, {"name": "name"}], status="current"
    )
    assert dataset.current_schema_version_id == schema.dataset_schema_version_id
    version = dataset.upload_data(b"id,name\n1,Ada\n")
    assert version.version_no == 1
    dataset.wait_until_processed(timeout=10, poll_interval=0.01)
    assert dataset.processing_status == "completed"
    assert dataset.active_data_schema_version_id == schema.dataset_schema_version_id
    current = dataset.get_current_schema()
    assert current is not None
    assert current.column_names == ["id", "name"]
    updated = client.datasets.update(
        dataset.dataset_id, name="Updated Dataset Name", should_process=True
    )
    assert (updated.name, updated.processing_status) == ("Updated Dataset Name", "in_progress")
    dataset.refresh()
    assert dataset.name == "Updated Dataset Name"
    dataset.delete()
    with pytest.raises(NotFoundError):
        client.datasets.retrieve(dataset.dataset_id)
    assert moderately_emulator.stats.count("DELETE /datasets/{datasetId}") == 1


def test_sync_upload_data_from_streams_and_download(
    moderately_client: ModeratelyAI, tmp_path: Path
) -> None:
    client = moderately_client
    dataset = client.datasets.create(name="Streams")
    assert isinstance(dataset, Dataset)
    buffer = io.BytesIO(b"junk" + SALES)
    buffer.seek(4)
    version = dataset.upload_data(buffer, file_type="csv")
    assert isinstance(version, DatasetDataVersion)
    assert version.file_name == "data.csv"
    assert buffer.tell() == 4
    assert dataset.download_data() == SALES
    excel = dataset.upload_data(b"PK\x03\x04 pretend workbook")
    assert (excel.file_type, excel.file_name) == ("xlsx", "data.xlsx")
    folder = tmp_path / "out"
    folder.mkdir()
    assert dataset.download_data(path=folder) == folder / "data.xlsx"
    assert [v.version_no for v in dataset.list_data_versions()] == [1, 2]


def test_data_versions_namespace(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI, tmp_path: Path
) -> None:
    emu, client = moderately_emulator, moderately_client
    dataset = client.datasets.create(name="Direct")
    version = client.dataset_data_versions.upload(dataset.dataset_id, SALES, file_name="s.csv")
    fetched = client.dataset_data_versions.retrieve(version.dataset_data_version_id)
    assert fetched.source_file_uri.endswith("/s.csv")
    listed = client.dataset_data_versions.list(
        dataset_ids=dataset.dataset_id, file_type="csv", version_no=1, status="current"
    )
    assert [v.dataset_data_version_id for v in listed] == [version.dataset_data_version_id]
    assert client.dataset_data_versions.download(version.dataset_data_version_id) == SALES
    target = tmp_path / "copy.csv"
    assert fetched.download(target).read_bytes() == SALES
    # The platform declares no size or hash for a data version: only a body cut short of its
    # Content-Length is detectable (retried, then raised), and nothing partial is kept.
    emu.storage.corrupt_next_download(version.dataset_data_version_id, mode="drop", times=10)
    with pytest.raises(APIConnectionError):
        fetched.download(tmp_path / "broken.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.csv"]


def test_download_data_without_any_data_is_refused(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    dataset = moderately_client.datasets.create(name="Empty")
    with pytest.raises(InvalidArgumentError, match="no current data"):
        dataset.download_data()
    assert moderately_client.dataset_data_versions.list(dataset_ids=dataset.dataset_id).items == []


# --- schemas ----------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_reference_schema_examples(
    moderately_async_client: AsyncModeratelyAI, tmp_path: Path
) -> None:
    dataset = await moderately_async_client.datasets.create(name="Schemas")
    assert await dataset.get_current_schema() is None

    schema = await dataset.create_schema(
        [
            {"name": "user_id", "type": "int", "required": True},
            {"name": "email", "type": "string"},
            {"name": "signup_date", "type": "datetime"},
        ]
    )
    assert isinstance(schema, AsyncDatasetSchemaVersion)
    assert (schema.version_no, schema.status, schema.is_current) == (1, "draft", False)
    assert [(c.name, c.type, c.nullable, c.pos) for c in schema.columns] == [
        ("user_id", "integer", False, 1),
        ("email", "string", True, 2),
        ("signup_date", "datetime", True, 3),
    ]

    sample = tmp_path / "sample.csv"
    sample.write_bytes(SALES)
    inferred = await dataset.create_schema_from_sample(sample)
    assert inferred.version_no == 2
    assert [(c.name, c.type, c.nullable) for c in inferred.columns_json] == [
        ("user_id", "integer", False),
        ("email", "string", True),
        ("signup_date", "datetime", False),
    ]
    assert inferred.parsing_options is not None
    assert inferred.parsing_options.delimiter == ","

    built = await (
        dataset.schema_builder()
        .add_column("id", "int", required=True)
        .add_column("name", "string", description="User name")
        .with_parsing(delimiter=",", header_row=1)
        .as_current()
        .create()
    )
    assert (built.version_no, built.status) == (3, "current")
    assert built.column_names == ["id", "name"]
    name_column = built.column("name")
    assert name_column is not None
    assert name_column.description == "User name"
    assert dataset.current_schema_version_id == built.dataset_schema_version_id
    current = await dataset.get_current_schema()
    assert current is not None
    assert current.dataset_schema_version_id == built.dataset_schema_version_id

    await schema.make_current()
    assert schema.is_current
    await built.refresh()
    assert built.status == "archived"
    versions = [v.version_no async for v in dataset.list_schema_versions(status="current")]
    assert versions == [1]


def test_sync_schema_versions_namespace_and_save(moderately_client: ModeratelyAI) -> None:
    client = moderately_client
    dataset = client.datasets.create(name="Namespaced")
    schema = client.dataset_schema_versions.create(
        dataset.dataset_id,
        [SchemaColumn(name="a", type="integer", nullable=False)],
        parsing_options={"delimiter": ";", "skip_rows": [0, 2], "encoding": "latin-1"},
        status="current",
    )
    assert isinstance(schema, DatasetSchemaVersion)
    assert schema.parsing_options is not None
    assert (schema.parsing_options.delimiter, schema.parsing_options.skip_rows) == (";", [0, 2])
    assert client.dataset_schema_versions.retrieve(schema.dataset_schema_version_id) == schema

    schema.columns_json = [
        *schema.columns_json,
        SchemaColumn(name="b", type="float", nullable=True),
    ]
    schema.save()
    assert schema.column_names == ["a", "b"]
    updated = client.dataset_schema_versions.update(
        schema.dataset_schema_version_id,
        columns=[{"name": "only", "type": "bool"}],
        status="archived",
    )
    assert [(c.name, c.type) for c in updated.columns] == [("only", "boolean")]
    assert client.datasets.retrieve(dataset.dataset_id).current_schema_version_id is None
    listed = client.dataset_schema_versions.list(
        dataset_ids=dataset.dataset_id, version_no=1, order_by="version_no"
    )
    assert [v.status for v in listed] == ["archived"]


def test_sync_builder_refuses_mistakes_at_the_step_that_made_them(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    dataset = moderately_client.datasets.create(name="Builder")
    before = moderately_emulator.stats.count()
    builder = dataset.schema_builder()
    assert isinstance(builder, SchemaBuilder)
    builder.add_column("id", "int")
    with pytest.raises(InvalidArgumentError, match="twice"):
        builder.add_column("id", "string")
    with pytest.raises(InvalidArgumentError):
        builder.add_column("", "string")
    with pytest.raises(InvalidArgumentError):
        builder.add_column("x", "")
    with pytest.raises(InvalidArgumentError):
        builder.with_parsing(header_row=0)
    with pytest.raises(InvalidArgumentError):
        builder.with_parsing(skip_rows=-1)
    with pytest.raises(InvalidArgumentError, match="add_column"):
        dataset.schema_builder().create()
    assert builder.columns == [{"name": "id", "type": "integer", "nullable": True, "pos": 1}]
    assert moderately_emulator.stats.count() == before
    assert builder.with_parsing(delimiter="|").create().parsing_options.delimiter == "|"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "call",
    [
        lambda d, c: d.create_schema([]),
        lambda d, c: d.create_schema([{"name": "a"}, {"name": "a"}]),
        lambda d, c: d.create_schema([{"name": "a", "kind": "int"}]),
        lambda d, c: d.create_schema([{"name": "a", "required": "yes"}]),
        lambda d, c: d.create_schema([{"name": "a", "required": True, "nullable": True}]),
        lambda d, c: d.create_schema(["a"]),
        lambda d, c: d.create_schema([{"name": "a"}], status="live"),
        lambda d, c: d.create_schema([{"name": "a"}], parsing_options={"header_row": 0}),
        lambda d, c: d.create_schema_from_sample("/no/such/sample.csv"),
        lambda d, c: d.create_schema_from_sample(b"", sample_rows=10),
        lambda d, c: d.create_schema_from_sample(b"a\n1\n", sample_rows=0),
        lambda d, c: d.create_schema_from_sample(b"a\n1\n", delimiter=";;"),
        lambda d, c: d.upload_data(b"a\n1\n", file_type="tsv"),
        lambda d, c: d.upload_data(b"a\n1\n", status="live"),
        lambda d, c: d.upload_data(b"a\n1\n", file_name="x" * 256),
        lambda d, c: d.upload_data(b"\x00\x01binary", file_name="blob.bin"),
        lambda d, c: d.upload_data(12345),
        lambda d, c: c.datasets.create(name=""),
        lambda d, c: c.datasets.create(name="x", description="d" * 10001),
        lambda d, c: c.datasets.update(d.dataset_id, name=""),
        lambda d, c: c.datasets.update(d.dataset_id, should_process="yes"),
        lambda d, c: c.datasets.list(order_by="size"),
        lambda d, c: c.datasets.list(dataset_ids=[]),
        lambda d, c: c.datasets.retrieve(""),
        lambda d, c: c.dataset_data_versions.list(version_no=0),
        lambda d, c: c.dataset_data_versions.list(file_type="tsv"),
        lambda d, c: c.dataset_data_versions.upload("", b"a\n"),
        lambda d, c: c.dataset_schema_versions.list(status="live"),
        lambda d, c: c.dataset_schema_versions.update("s", columns=[]),
        lambda d, c: c.dataset_schema_versions.update("s", status="gone"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI, call: Any
) -> None:
    dataset = moderately_client.datasets.create(name="Target")
    before = moderately_emulator.stats.count()
    with pytest.raises(InvalidArgumentError):
        call(dataset, moderately_client)
    assert moderately_emulator.stats.count() == before


def test_description_cannot_be_cleared_with_none(
    moderately_emulator: Emulator, moderately_client: ModeratelyAI
) -> None:
    dataset = moderately_client.datasets.create(name="Keep", description="kept")
    dataset.description = None
    before = moderately_emulator.stats.count()
    with pytest.raises(InvalidArgumentError, match="description"):
        dataset.save()
    assert moderately_emulator.stats.count() == before


# --- inference --------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_inference_of_each_type_from_text_and_bytes(
    moderately_async_client: AsyncModeratelyAI,
) -> None:
    dataset = await moderately_async_client.datasets.create(name="Inferred")
    text = (
        "\ufeffcount;ratio;flag;when;label;;count;blank\n"
        "1;1.5;true;2024-01-02;a;x;7;\n"
        "-2;3;FALSE;2024-01-03T10:00:00+00:00;b;y;8;\n"
        "+3;1e3;yes;2024/01/04;c;;9;\n"
    )
    schema = await dataset.create_schema_from_sample(text, status="current")
    assert [(c.name, c.type, c.nullable) for c in schema.columns] == [
        ("count", "integer", False),
        ("ratio", "float", False),
        ("flag", "boolean", False),
        ("when", "datetime", False),
        ("label", "string", False),
        ("column_6", "string", True),
        ("count_2", "integer", False),
        ("blank", "string", True),
    ]
    assert schema.parsing_options is not None
    assert (schema.parsing_options.delimiter, schema.parsing_options.header_row) == (";", 1)
    assert dataset.current_schema_version_id == schema.dataset_schema_version_id

    from_bytes = await dataset.create_schema_from_sample(b"a,b\n1,x\n", sample_rows=1)
    assert [c.type for c in from_bytes.columns] == ["integer", "string"]


def test_inference_reads_a_bounded_sample(moderately_client: ModeratelyAI, tmp_path: Path) -> None:
    dataset = moderately_client.datasets.create(name="Bounded")
    rows = tmp_path / "rows.csv"
    # Rows 1-1000 hold integers; row 1001 does not: only the first 1000 rows are looked at.
    rows.write_text("n\n" + "".join(f"{i}\n" for i in range(1000)) + "oops\n")
    assert dataset.create_schema_from_sample(rows).columns[0].type == "integer"
    assert dataset.create_schema_from_sample(rows, sample_rows=1001).columns[0].type == "string"

    big = tmp_path / "big.csv"
    # Past the first MiB every value is text; however many rows are allowed, only the head
    # of the file is read, so the column stays integer (and the partial last line is dropped).
    with big.open("w") as out:
        out.write("n,m\n")
        while out.tell() < 1024 * 1024:
            out.write("12345,67890\n")
        for _ in range(200_000):
            out.write("text,more\n")
    schema = dataset.create_schema_from_sample(big, sample_rows=10**9)
    assert [c.type for c in schema.columns] == ["integer", "integer"]
