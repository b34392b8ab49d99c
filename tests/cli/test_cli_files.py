from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from _cli_run import Run

from moderately import ModeratelyAI
from moderately.testing import Emulator


def test_upload_list_download_delete_json(
    cli: Run, creds: list[str], tmp_path: Path, moderately_client: ModeratelyAI
) -> None:
    source = tmp_path / "notes.csv"
    source.write_bytes(b"a,b\n1,2\n3,4\n")

    uploaded = cli(*creds, "--json", "files", "upload", str(source))
    assert uploaded.code == 0, uploaded.err
    [record] = uploaded.json()
    assert record["file_name"] == "notes.csv"
    assert record["file_size"] == source.stat().st_size
    assert record["file_hash"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert record["upload_status"] == "completed"
    file_id = record["file_id"]
    assert moderately_client.files.retrieve(file_id).file_name == "notes.csv"

    listed = cli(*creds, "--json", "files", "list")
    assert listed.code == 0
    assert [f["file_id"] for f in listed.json()] == [file_id]

    target = tmp_path / "out"
    target.mkdir()
    downloaded = cli(*creds, "--json", "files", "download", "-o", str(target), "--", file_id)
    assert downloaded.code == 0, downloaded.err
    assert downloaded.json()["path"] == str(target / "notes.csv")
    assert (target / "notes.csv").read_bytes() == source.read_bytes()

    deleted = cli(*creds, "--json", "files", "delete", "--", file_id)
    assert deleted.code == 0
    assert deleted.json() == {"deleted": [file_id]}
    assert list(moderately_client.files.list()) == []


def test_table_output_is_readable(cli: Run, creds: list[str], tmp_path: Path) -> None:
    for name in ("first.txt", "second.txt"):
        (tmp_path / name).write_text(f"{name}\n")
    uploaded = cli(
        *creds, "files", "upload", str(tmp_path / "first.txt"), str(tmp_path / "second.txt")
    )
    assert uploaded.code == 0, uploaded.err
    assert "uploaded" in uploaded.err  # notes for the person go to stderr

    listed = cli(*creds, "files", "list", "--limit", "1")
    header, rule, *rows = listed.out.splitlines()
    assert header.split() == ["file_id", "name", "size", "type", "status", "created"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert len(rows) == 1  # --limit 1
    assert "second.txt" in rows[0]  # newest first
    assert "completed" in rows[0]


def test_global_options_may_follow_the_command(
    cli: Run, moderately_emulator: Emulator, tmp_path: Path
) -> None:
    emu = moderately_emulator
    result = cli(
        "files",
        "list",
        "--json",
        "--base-url",
        emu.base_url,
        "--api-key",
        emu.api_key,
        "--team-id",
        emu.team_id,
    )
    assert result.code == 0, result.err
    assert result.json() == []


def test_env_credentials_are_used(
    cli: Run, moderately_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODERATELY_BASE_URL", moderately_emulator.base_url)
    monkeypatch.setenv("MODERATELY_API_KEY", moderately_emulator.api_key)
    monkeypatch.setenv("MODERATELY_TEAM_ID", moderately_emulator.team_id)
    result = cli("--json", "files", "list")
    assert result.code == 0, result.err
    assert result.json() == []


def test_download_of_an_unknown_file_is_an_api_error(cli: Run, creds: list[str]) -> None:
    result = cli(*creds, "files", "download", "no-such-file")
    assert result.code == 3
    assert result.out == ""
    assert "404" in result.err
    assert "hint: check the id" in result.err


def test_name_with_several_paths_is_a_usage_error(
    cli: Run, creds: list[str], tmp_path: Path
) -> None:
    (tmp_path / "a").write_text("a")
    (tmp_path / "b").write_text("b")
    result = cli(*creds, "files", "upload", "--name", "x", str(tmp_path / "a"), str(tmp_path / "b"))
    assert result.code == 2
    assert "single PATH" in result.err
