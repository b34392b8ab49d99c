"""``moderately datasets``: create and list datasets, upload and download their data."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from ._commands import add_command, add_group, add_limit
from ._context import Context
from ._output import Column

DATASET_COLUMNS: list[Column] = [
    ("dataset_id", lambda d: d.dataset_id),
    ("name", lambda d: d.name),
    ("description", lambda d: d.description),
    ("data_version", lambda d: d.current_data_version_id),
    ("schema_version", lambda d: d.current_schema_version_id),
    ("updated", lambda d: d.updated_at),
]

VERSION_FIELDS: list[Column] = [
    ("data_version_id", lambda v: v.dataset_data_version_id),
    ("dataset_id", lambda v: v.dataset_id),
    ("version", lambda v: v.version_no),
    ("file_type", lambda v: v.file_type),
    ("status", lambda v: v.status),
    ("rows", lambda v: v.row_count),
    ("created", lambda v: v.created_at),
]


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: Sequence[argparse.ArgumentParser],
) -> None:
    """Add the ``datasets`` group."""
    group = add_group(
        commands, "datasets", "create and list datasets, upload and download data", parents
    )

    create = add_command(group, "create", "create a dataset in the team", parents, _create)
    create.add_argument("--name", required=True)
    create.add_argument("--description")

    listing = add_command(group, "list", "list the team's datasets, newest first", parents, _list)
    listing.add_argument("--name-like", metavar="TEXT", help="only names containing TEXT")
    add_limit(listing)

    upload = add_command(
        group, "upload", "upload a CSV or XLSX file as a dataset's new data", parents, _upload
    )
    upload.add_argument("dataset_id", metavar="DATASET_ID")
    upload.add_argument("path", type=Path, metavar="PATH")
    upload.add_argument(
        "--file-type", choices=("csv", "xlsx"), help="default: from the file's name or bytes"
    )

    download = add_command(group, "download", "download a dataset's data", parents, _download)
    download.add_argument("dataset_id", metavar="DATASET_ID")
    download.add_argument(
        "--version", metavar="DATA_VERSION_ID", help="a data version (default: the current one)"
    )
    download.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("."),
        metavar="PATH",
        help="file or folder to write to (default: the current folder, under the data's name)",
    )


def _create(ctx: Context, args: argparse.Namespace) -> int:
    client = ctx.client(needs_team=True)
    dataset = client.datasets.create(name=args.name, description=args.description)
    ctx.out.note(f"created dataset {dataset.dataset_id}")
    ctx.out.record(dataset, DATASET_COLUMNS)
    return 0


def _list(ctx: Context, args: argparse.Namespace) -> int:
    client = ctx.client(needs_team=True)
    page = client.datasets.list(
        name_like=args.name_like,
        order_by="created_at",
        order_direction="desc",
        page_size=min(args.limit, 100),
    )
    found = []
    for dataset in page:
        found.append(dataset)
        if len(found) >= args.limit:
            break
    ctx.out.items(found, DATASET_COLUMNS, empty="no datasets")
    return 0


def _upload(ctx: Context, args: argparse.Namespace) -> int:
    client = ctx.client()
    dataset = client.datasets.retrieve(args.dataset_id)
    bar = ctx.bar(f"uploading {args.path.name}")
    try:
        version = dataset.upload_data(args.path, file_type=args.file_type, progress=bar)
    finally:
        bar.close()
    ctx.out.note(
        f"uploaded {args.path} as version {version.version_no} of dataset {dataset.dataset_id}"
    )
    ctx.out.record(version, VERSION_FIELDS)
    return 0


def _download(ctx: Context, args: argparse.Namespace) -> int:
    client = ctx.client()
    dataset = client.datasets.retrieve(args.dataset_id)
    bar = ctx.bar(f"downloading {dataset.name}")
    try:
        written = dataset.download_data(args.version, path=args.output, progress=bar)
    finally:
        bar.close()
    ctx.out.note(f"downloaded the data of dataset {dataset.dataset_id} to {written}")
    if ctx.out.json_mode:
        ctx.out.data({"dataset_id": dataset.dataset_id, "path": written})
    else:
        ctx.out.text(str(written))
    return 0
