"""Upload and download many files with bounded concurrency, with the async client.

Run against your team (MODERATELY_API_KEY and MODERATELY_TEAM_ID set)::

    python examples/bulk_transfer_async.py

or offline, against an in-process emulator::

    python examples/bulk_transfer_async.py --emulator
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from _emulated import connect, parser

from moderately import AsyncModeratelyAI


async def run(folder: Path) -> None:
    """Write 12 local files, upload them 4 at a time, download them 4 at a time."""
    sources = []
    for number in range(12):
        path = folder / f"part-{number:02}.txt"
        path.write_text(f"part {number}\n" * (number + 1) * 50)
        sources.append(path)

    async with AsyncModeratelyAI() as client:
        # At most 4 transfers at once; results in input order. If some fail, every other
        # upload still finishes, then the first failure is raised with notes on the rest.
        files = await client.files.upload_many(
            sources, concurrency=4, metadata={"batch": "examples"}
        )
        total = sum(file.file_size for file in files)
        print(f"uploaded {len(files)} files, {total} bytes")
        for file in files[:3]:
            print(f"  {file.file_name}: id={file.file_id} size={file.file_size}")

        # {file_id: where to write it}; each download is verified and written atomically.
        downloads = folder / "downloads"
        downloads.mkdir()
        paths = await client.files.download_many(
            {file.file_id: downloads / file.file_name for file in files}, concurrency=4
        )
        same = all(p.read_bytes() == s.read_bytes() for p, s in zip(paths, sources, strict=True))
        print(f"downloaded {len(paths)} files into {downloads.name}/, identical={same}")

        for file in files:
            await file.delete()


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, then run the async part in a scratch folder."""
    args = parser(__doc__).parse_args(argv)
    with connect(args.emulator), tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(Path(folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
