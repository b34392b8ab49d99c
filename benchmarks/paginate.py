"""One 10,000-item pagination by one client, in a process of its own.

    python benchmarks/paginate.py CLIENT BASE_URL PAGE_SIZE [WALKS]

CLIENT is ``raw aiohttp`` or ``moderately async``. The process walks the listing once to warm
up (imports, the connection, the page model), then WALKS more times, timed, and prints
``{"seconds": ...}``: the fastest of them, since a walk takes about 0.1 s and anything else
the machine does only ever adds to it (single walks of the same client differed by up to 50%).

A process of its own, because the garbage collector's passes cost in proportion to what the
process holds, and the suite's main process holds every other client by then: there, one full
run gave 1.65x for the SDK (0.168 s against 0.102 s) where fresh processes gave 1.16x-1.37x.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time


async def paginate_raw(base_url: str, page_size: int) -> float:
    """Seconds for raw aiohttp to fetch every page and look at every item."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        page, count = 1, 0
        while True:
            async with session.get(
                f"{base_url}/agents", params={"page": page, "pageSize": page_size}
            ) as resp:
                body = json.loads(await resp.read())
            for _item in body["items"]:  # a caller looks at every item, as `async for` does
                count += 1
            if not body["pagination"]["hasNextPage"]:
                break
            page += 1
        seconds = time.perf_counter() - started
    assert count == 10_000, count
    return seconds


async def paginate_sdk(base_url: str, page_size: int) -> float:
    """Seconds for the async client to iterate every item of the listing."""
    import moderately

    async with moderately.AsyncModeratelyAI(
        api_key="k", team_id="team_benchmark_000001", base_url=base_url
    ) as client:
        started = time.perf_counter()
        count = 0
        async for _ in client.agents.list(page_size=page_size):
            count += 1
        seconds = time.perf_counter() - started
    assert count == 10_000, count
    return seconds


CLIENTS = {"raw aiohttp": paginate_raw, "moderately async": paginate_sdk}


def main() -> None:
    client, base_url, page_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    walks = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    walk = CLIENTS[client]
    asyncio.run(walk(base_url, page_size))
    best = min(asyncio.run(walk(base_url, page_size)) for _ in range(walks))
    print(json.dumps({"seconds": best}))


if __name__ == "__main__":
    main()
