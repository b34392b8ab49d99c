"""Upload a file, find it again, download it (verified) and delete it, with the sync client.

Run against your team (MODERATELY_API_KEY and MODERATELY_TEAM_ID set)::

    python examples/upload_files.py

or offline, against an in-process emulator::

    python examples/upload_files.py --emulator
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _emulated import connect, parser

from moderately import ModeratelyAI


def main(argv: list[str] | None = None) -> int:
    """Upload, list, download and delete one file."""
    args = parser(__doc__).parse_args(argv)
    with connect(args.emulator), tempfile.TemporaryDirectory() as folder:
        source = Path(folder, "notes.txt")
        source.write_text("Moderately keeps the bytes you upload, and checks them.\n" * 100)

        with ModeratelyAI() as client:
            # Hashed and measured while streaming; the platform checks both on completion.
            file = client.files.upload(source, metadata={"origin": "examples"})
            print(f"uploaded {file.file_name}: id={file.file_id} size={file.file_size} bytes")
            print(f"  type={file.mime_type} sha256={file.file_hash[:12]}...")

            for found in client.files.list(name_like="notes", mime_types="text/plain"):
                print(f"listed   {found.file_name} ({found.upload_status})")

            # Written to a temporary name, renamed once its size and SHA-256 check out.
            copy = client.files.download(file.file_id, path=Path(folder, "copy.txt"))
            same = copy.read_bytes() == source.read_bytes()
            print(f"downloaded to {copy.name}: {copy.stat().st_size} bytes, identical={same}")

            client.files.delete(file.file_id)
            print(f"deleted  {file.file_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
