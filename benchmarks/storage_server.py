"""A minimal presigned-storage stand-in for transfer numbers: PUT discards, GET streams a file.

``PUT /blob`` reads the body chunk by chunk and drops it (answering its size), so the server
never holds or writes the upload; ``GET /blob`` streams the file named on the command line.
Every client in a run talks to this one process, so the server's cost is the same for all.
Run: ``python benchmarks/storage_server.py PORT FILE``; prints ``ready`` when listening.
"""

from __future__ import annotations

import sys
from pathlib import Path

from aiohttp import web


def app_for(blob: Path) -> web.Application:
    async def put_blob(request: web.Request) -> web.Response:
        received = 0
        async for chunk in request.content.iter_any():
            received += len(chunk)
        return web.Response(text=str(received))

    async def get_blob(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(blob, headers={"Content-Type": "application/octet-stream"})

    app = web.Application(client_max_size=0)
    app.router.add_put("/blob", put_blob)
    app.router.add_get("/blob", get_blob)
    return app


def main() -> None:
    port, blob = int(sys.argv[1]), Path(sys.argv[2])
    print("ready", flush=True)
    web.run_app(app_for(blob), host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
