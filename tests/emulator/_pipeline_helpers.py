"""Shared pieces of the pipeline route tests: a valid configuration and request helpers."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from _http import call

CONFIG: dict[str, Any] = {
    "id": "summarise",
    "name": "Summarise",
    "blocks": {
        "in": {"id": "in", "type": "input", "config": {"json_schema": {"type": "object"}}},
        "llm": {"id": "llm", "type": "llm", "config": {"provider": "openai", "temperature": 0.5}},
        "out": {"id": "out", "type": "output", "config": {"json_schema": {"type": "string"}}},
    },
    "connections": [
        {
            "source_block_id": "in",
            "source_port": "out",
            "target_block_id": "llm",
            "target_port": "in",
        },
        {
            "source_block_id": "llm",
            "source_port": "out",
            "target_block_id": "out",
            "target_port": "in",
        },
    ],
}
CV = "/pipeline-configuration-versions"
CV_ITEM = CV + "/{pipelineConfigurationVersionId}"
EX_ITEM = "/pipeline-executions/{pipelineExecutionId}"


async def new_pipeline(http: aiohttp.ClientSession, team_id: str, name: str = "p") -> Any:
    return await call(
        http, "POST", "/pipelines", status=201, json={"teamId": team_id, "name": name}
    )


async def new_config(http: aiohttp.ClientSession, pipeline_id: str, status: str = "current") -> Any:
    body = {"pipelineId": pipeline_id, "configuration": CONFIG, "status": status}
    return await call(http, "POST", CV, status=201, json=body)


async def run(
    http: aiohttp.ClientSession, config_id: str, data: dict[str, Any], **extra: Any
) -> Any:
    body = {
        "pipelineConfigurationVersionId": config_id,
        "pipelineInput": data,
        "pipelineInputSummary": "test input",
        **extra,
    }
    return await call(http, "POST", "/pipeline-executions", status=201, json=body)


async def wait_done(http: aiohttp.ClientSession, execution_id: str) -> tuple[Any, list[str]]:
    seen: list[str] = []
    for _ in range(400):
        ex = await call(http, "GET", EX_ITEM, execution_id, status=200)
        if not seen or seen[-1] != ex["status"]:
            seen.append(ex["status"])
        if ex["status"] in ("completed", "failed", "cancelled"):
            return ex, seen
        await asyncio.sleep(0.005)
    raise AssertionError(f"execution did not finish: {seen}")
