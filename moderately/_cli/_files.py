"""``moderately files``: upload, download, list and delete the team's files."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from ._commands import add_command, add_group, add_limit
from ._context import Context
from ._output import Column, human_size

FILE_COLUMNS: list[Column] = [
    ("file_id", lambda f: f.file_id),
    ("name", lambda f: f.file_name),
    ("size", lambda f: human_size(f.file_size)),
    ("type", lambda f: f.mime_type),
    ("status", lambda f: f.upload_status),
    ("created", lambda f: f.created_at),
]


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: Sequence[argparse.ArgumentParser],
) -> None:
    """Add the ``files`` group."""
    group = add_group(commands, "files", "upload, download, list and delete files", parents)

    upload = add_command(group, "upload", "upload one or more local files", parents, _upload)
    upload.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    upload.add_argument("--name", help="name on the platform (one PATH only; default: its name)")
    upload.add_argument("--mime-type", help="media type (default: guessed from name and bytes)")

    download = add_command(group, "download", "download a file, verified", parents, _download)
    download.add_argument("file_id", metavar="FILE_ID")
    download.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("."),
        metavar="PATH",
        help="file or folder to write to (default: the current folder, under the file's name)",
    )

    listing = add_command(group, "list", "list the team's files, newest first", parents, _list)
    listing.add_argument("--name-like", metavar="TEXT", help="only names containing TEXT")
    listing.add_argument("--mime-type", metavar="TYPE", help="only files of this media type")
    add_limit(listing)

    delete = add_command(group, "delete", "delete files and their bytes", parents, _delete)
    delete.add_argument("file_ids", nargs="+", metavar="FILE_ID")


def _upload(ctx: Context, args: argparse.Namespace) -> int:
    paths: list[Path] = args.paths
    if args.name is not None and len(paths) > 1:
        ctx.out.error("error: --name names one file; pass a single PATH with it")
        return 2
    client = ctx.client(needs_team=True)
    uploaded = []
    for path in paths:
        bar = ctx.bar(f"uploading {path.name}")
        try:
            file = client.files.upload(path, name=args.name, mime_type=args.mime_type, progress=bar)
        finally:
            bar.close()
        ctx.out.note(f"uploaded {path} as {file.file_id} ({human_size(file.file_size)})")
        uploaded.append(file)
    ctx.out.items(uploaded, FILE_COLUMNS, empty="no files uploaded")
    return 0


def _download(ctx: Context, args: argparse.Namespace) -> int:
    client = ctx.client()
    file = client.files.retrieve(args.file_id)
    bar = ctx.bar(f"downloading {file.file_name}")
    try:
        written = file.download(args.output, progress=bar)
    finally:
        bar.close()
    ctx.out.note(f"downloaded {file.file_id} to {written} ({human_size(file.file_size)}, verified)")
    if ctx.out.json_mode:
        ctx.out.data({"file_id": file.file_id, "path": written, "size": file.file_size})
    else:
        ctx.out.text(str(written))
    return 0


def _list(ctx: Context, args: argparse.Namespace) -> int:
    client = ctx.client(needs_team=True)
    page = client.files.list(
        name_like=args.name_like,
        mime_types=args.mime_type,
        order_by="created_at",
        order_direction="desc",
        page_size=min(args.limit, 100),
    )
    found = []
    for file in page:
        found.append(file)
        if len(found) >= args.limit:
            break
    ctx.out.items(found, FILE_COLUMNS, empty="no files")
    return 0


def _delete(ctx: Context, args: argparse.Namespace) -> int:
    client = ctx.client()
    deleted: list[str] = []
    for file_id in args.file_ids:
        client.files.delete(file_id)
        deleted.append(file_id)
        ctx.out.note(f"deleted file {file_id}")
    if ctx.out.json_mode:
        ctx.out.data({"deleted": deleted})
    else:
        ctx.out.text("\n".join(f"deleted {file_id}" for file_id in deleted))
    return 0
