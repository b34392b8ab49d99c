"""Client lifecycle, response size limit, and settings that with_options swaps per call."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from aioresponses import aioresponses
from unit_support import CANARY, agent_json, count, headers_of, only, sent, url

from moderately import (
    AsyncModeratelyAI,
    ClientClosedError,
    ModeratelyError,
    ResponseTooLargeError,
)


@pytest.mark.anyio
async def test_a_closed_client_refuses_calls_without_sending(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI]
) -> None:
    client = make_client()
    api.get(url("/agents/a"), payload=agent_json("a"), repeat=True)
    await client.agents.retrieve("a")
    await client.aclose()
    await client.aclose()  # twice is fine
    assert client.is_closed
    with pytest.raises(ClientClosedError) as caught:
        await client.agents.retrieve("a")
    assert isinstance(caught.value, ModeratelyError)
    assert count(api) == 1


@pytest.mark.anyio
async def test_async_with_closes(api: aioresponses) -> None:
    async with AsyncModeratelyAI(api_key=CANARY, base_url="https://api.unit.test") as client:
        assert not client.is_closed
    assert client.is_closed


@pytest.mark.anyio
async def test_oversized_response_is_refused_and_not_retried(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI]
) -> None:
    client = make_client(max_response_size=64)
    api.get(url("/agents/a"), payload=agent_json("a", description="x" * 200), repeat=True)
    with pytest.raises(ResponseTooLargeError, match="64"):
        await client.agents.retrieve("a")
    assert count(api) == 1


@pytest.mark.anyio
async def test_response_within_the_size_limit_is_read(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI]
) -> None:
    body = agent_json("a")
    size = len(json.dumps(body).encode())
    client = make_client(max_response_size=size)
    api.get(url("/agents/a"), payload=body)
    assert (await client.agents.retrieve("a")).agent_id == "a"


@pytest.mark.anyio
async def test_with_options_swaps_key_and_merges_headers(
    api: aioresponses, make_client: Callable[..., AsyncModeratelyAI]
) -> None:
    client = make_client(default_headers={"X-A": "1", "X-B": "1"})
    copy = client.with_options(api_key="sk-other", default_headers={"X-B": "2", "X-C": "3"})
    api.get(url("/agents/a"), payload=agent_json("a"), repeat=True)
    await copy.agents.retrieve("a")
    await client.agents.retrieve("a")
    (_, _, first), (_, _, second) = sent(api)
    copy_headers, parent_headers = headers_of(first), headers_of(second)
    assert copy_headers["authorization"] == "Bearer sk-other"
    assert (copy_headers["x-a"], copy_headers["x-b"], copy_headers["x-c"]) == ("1", "2", "3")
    assert parent_headers["authorization"] == f"Bearer {CANARY}"
    assert parent_headers["x-b"] == "1"
    assert "x-c" not in parent_headers


@pytest.mark.anyio
async def test_health(api: aioresponses, client: AsyncModeratelyAI) -> None:
    api.get(url("/health"), payload={"status": "ok", "version": "1.2.3", "uptime": 5})
    health = await client.health()
    assert health.is_healthy
    assert health.version == "1.2.3"
    assert health.model_extra == {"uptime": 5}
    assert only(api)[1].raw_path == "/health"
