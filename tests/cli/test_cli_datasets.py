from __future__ import annotations

from pathlib import Path

from _cli_run import Run

from moderately import ModeratelyAI

CSV = b"id,name\n1,alpha\n2,beta\n3,gamma\n"


def test_create_list_upload_download(
    cli: Run, creds: list[str], tmp_path: Path, moderately_client: ModeratelyAI
) -> None:
    created = cli(*creds, "--json", "datasets", "create", "--name", "Reviews", "--description", "d")
    assert created.code == 0, created.err
    dataset = created.json()
    assert dataset["name"] == "Reviews"
    assert dataset["description"] == "d"
    dataset_id = dataset["dataset_id"]

    listed = cli(*creds, "--json", "datasets", "list")
    assert [d["dataset_id"] for d in listed.json()] == [dataset_id]

    source = tmp_path / "reviews.csv"
    source.write_bytes(CSV)
    uploaded = cli(*creds, "--json", "datasets", "upload", "--", dataset_id, str(source))
    assert uploaded.code == 0, uploaded.err
    version = uploaded.json()
    assert version["dataset_id"] == dataset_id
    assert version["version_no"] == 1
    assert version["file_type"] == "csv"
    fresh = moderately_client.datasets.retrieve(dataset_id)
    assert fresh.current_data_version_id == version["dataset_data_version_id"]

    target = tmp_path / "copy.csv"
    downloaded = cli(*creds, "--json", "datasets", "download", "-o", str(target), "--", dataset_id)
    assert downloaded.code == 0, downloaded.err
    assert downloaded.json() == {"dataset_id": dataset_id, "path": str(target)}
    assert target.read_bytes() == CSV


def test_table_output(cli: Run, creds: list[str]) -> None:
    created = cli(*creds, "datasets", "create", "--name", "Tickets")
    assert created.code == 0
    lines = created.out.splitlines()
    assert lines[0].split() == ["field", "value"]
    assert any(line.split()[:2] == ["name", "Tickets"] for line in lines[2:])

    listed = cli(*creds, "datasets", "list")
    assert listed.out.splitlines()[0].split()[:2] == ["dataset_id", "name"]
    assert "Tickets" in listed.out


def test_download_without_data_is_a_usage_error(cli: Run, creds: list[str]) -> None:
    created = cli(*creds, "--json", "datasets", "create", "--name", "Empty")
    result = cli(*creds, "datasets", "download", "--", created.json()["dataset_id"])
    assert result.code == 2
    assert "has no current data" in result.err


def test_create_needs_a_team(cli: Run, creds: list[str]) -> None:
    without_team = creds[:2]  # --base-url and --api-key only
    result = cli(*without_team, "datasets", "create", "--name", "X")
    assert result.code == 2
    assert "set MODERATELY_TEAM_ID or pass --team-id" in result.err
