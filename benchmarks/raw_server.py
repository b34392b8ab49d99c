"""A minimal aiohttp server with platform-shaped answers, for transport-level numbers.

Serves ``GET /agents/{id}`` (one fixed agent) and ``GET /agents`` (pages over 10,000
generated agents), with no auth, validation or state, so that what is measured is the client.
Run: ``python benchmarks/raw_server.py PORT``; prints ``ready`` when listening.
"""

from __future__ import annotations

import json
import sys

from aiohttp import web

TEAM = "team_benchmark_000001"
AGENTS = [
    {
        "agentId": f"agent_{i:016d}",
        "teamId": TEAM,
        "name": f"Agent {i}",
        "description": "An agent used to measure the client",
        "createdAt": "2026-01-15T10:00:00.000Z",
        "updatedAt": "2026-01-15T10:00:00.000Z",
        "lastRunAt": None,
        "totalRuns": 0,
        "successfulRuns": 0,
        "successRate": 0,
    }
    for i in range(10_000)
]
ONE = json.dumps(AGENTS[0]).encode()


async def get_agent(request: web.Request) -> web.Response:
    return web.Response(body=ONE, content_type="application/json")


async def list_agents(request: web.Request) -> web.Response:
    page = int(request.query.get("page", "1"))
    size = int(request.query.get("pageSize", "10"))
    items = AGENTS[(page - 1) * size : page * size]
    total_pages = -(-len(AGENTS) // size)
    body = {
        "items": items,
        "pagination": {
            "page": page,
            "pageSize": size,
            "totalItems": len(AGENTS),
            "totalPages": total_pages,
            "hasNextPage": page < total_pages,
            "hasPreviousPage": page > 1,
        },
    }
    return web.Response(body=json.dumps(body).encode(), content_type="application/json")


def main() -> None:
    port = int(sys.argv[1])
    app = web.Application()
    app.router.add_get("/agents/{agent_id}", get_agent)
    app.router.add_get("/agents", list_agents)
    print("ready", flush=True)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
