"""One adapter per client under test: how it is built, how it retrieves, how it closes.

Every adapter retrieves the same agent from the same server and hands back a parsed object
(a dict for the raw HTTP libraries, a model for the SDKs), so each pays for parsing.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

AGENT_ID = "agent_0000000000000000"
TEAM_ID = "team_benchmark_000001"
API_KEY = "benchmark-key"


@dataclass(frozen=True)
class Target:
    """Where the adapters send their calls: a server, its credentials and the agent to read."""

    base_url: str
    api_key: str = API_KEY
    team_id: str = TEAM_ID
    agent_id: str = AGENT_ID


@dataclass
class SyncAdapter:
    name: str
    retrieve: Callable[[], Any]
    close: Callable[[], None]


@dataclass
class AsyncAdapter:
    name: str
    retrieve: Callable[[], Awaitable[Any]]
    close: Callable[[], Awaitable[None]]


def sync_adapters(target: Target) -> list[SyncAdapter]:
    import httpx
    import requests

    import moderately

    agent_id = target.agent_id
    url = f"{target.base_url}/agents/{agent_id}"
    headers = {"Authorization": f"Bearer {target.api_key}"}
    adapters: list[SyncAdapter] = []

    ours = moderately.ModeratelyAI(
        api_key=target.api_key, team_id=target.team_id, base_url=target.base_url
    )
    adapters.append(
        SyncAdapter("moderately sync", lambda: ours.agents.retrieve(agent_id), ours.close)
    )

    hx = httpx.Client(headers=headers)
    adapters.append(SyncAdapter("httpx.Client", lambda: hx.get(url).json(), hx.close))

    rq = requests.Session()
    rq.headers.update(headers)
    adapters.append(SyncAdapter("requests.Session", lambda: rq.get(url).json(), rq.close))

    peer = _peer_sync(target)
    if peer is not None:
        adapters.append(peer)
    return adapters


def _peer_sync(target: Target) -> SyncAdapter | None:
    try:
        import moderatelyai_sdk
    except ImportError:
        return None
    client = moderatelyai_sdk.ModeratelyAI(
        api_key=target.api_key, team_id=target.team_id, base_url=target.base_url
    )
    agent_id = target.agent_id
    return SyncAdapter(
        "moderatelyai-sdk sync", lambda: client.agents.retrieve(agent_id), client.close
    )


async def async_adapters(target: Target) -> list[AsyncAdapter]:
    import aiohttp
    import httpx

    import moderately

    agent_id = target.agent_id
    url = f"{target.base_url}/agents/{agent_id}"
    headers = {"Authorization": f"Bearer {target.api_key}"}
    adapters: list[AsyncAdapter] = []

    session = aiohttp.ClientSession(headers=headers)

    async def raw() -> Any:
        async with session.get(url) as resp:
            return json.loads(await resp.read())

    adapters.append(AsyncAdapter("raw aiohttp", raw, session.close))

    ours = moderately.AsyncModeratelyAI(
        api_key=target.api_key, team_id=target.team_id, base_url=target.base_url
    )
    adapters.append(
        AsyncAdapter("moderately async", lambda: ours.agents.retrieve(agent_id), ours.aclose)
    )

    hx = httpx.AsyncClient(headers=headers, limits=httpx.Limits(max_connections=100))

    async def via_httpx() -> Any:
        return (await hx.get(url)).json()

    adapters.append(AsyncAdapter("httpx.AsyncClient", via_httpx, hx.aclose))

    try:
        import moderatelyai_sdk
    except ImportError:
        return adapters
    peer = moderatelyai_sdk.AsyncModeratelyAI(
        api_key=target.api_key, team_id=target.team_id, base_url=target.base_url
    )
    adapters.append(
        AsyncAdapter("moderatelyai-sdk async", lambda: peer.agents.retrieve(agent_id), peer.close)
    )
    return adapters
