"""Upload bytes and a file object, follow the transfer, read them back: the async client.

Run against your team (MODERATELY_API_KEY and MODERATELY_TEAM_ID set)::

    python examples/upload_files_async.py

or offline, against an in-process emulator::

    python examples/upload_files_async.py --emulator
"""

from __future__ import annotations

import asyncio
import io
import sys

from _emulated import connect, parser

from moderately import AsyncModeratelyAI


def show_progress(done: int, total: int | None) -> None:
    """Print how far a transfer got (``total`` is None when the size is unknown)."""
    print(f"  {done}/{total if total is not None else '?'} bytes")


async def run() -> None:
    """Upload two sources, download one to memory and one through its model, clean up."""
    async with AsyncModeratelyAI() as client:
        # Bytes need a name; the MIME type is guessed from it and from the first bytes.
        report = await client.files.upload(
            b"id,score\n1,0.9\n2,0.4\n", name="scores.csv", progress=show_progress
        )
        print(f"uploaded {report.file_name}: id={report.file_id} size={report.file_size} bytes")

        # Any binary file object works; it is streamed, never read into memory at once.
        stream = io.BytesIO(bytes(range(256)) * 64)
        blob = await client.files.upload(stream, name="blob.bin")
        print(f"uploaded {blob.file_name}: id={blob.file_id} size={blob.file_size} bytes")

        data = await client.files.download(report.file_id)
        print(f"downloaded {report.file_name}: {data.decode().splitlines()}")

        fetched = await client.files.retrieve(blob.file_id)
        raw = await fetched.download(progress=show_progress)
        same = raw == stream.getvalue()
        print(f"downloaded {fetched.file_name}: {len(raw)} bytes, identical={same}")

        for file in (report, blob):
            await file.delete()
        print("deleted both")


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, then run the async part."""
    args = parser(__doc__).parse_args(argv)
    with connect(args.emulator):
        asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
