"""Request helper for emulator tests: checks the status and the contract of every answer."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
from _contract import assert_contract

_PARAM = re.compile(r"\{[^}]+\}")


def fill(template: str, *values: str) -> str:
    """Substitute `values` into the ``{...}`` slots of `template`, in order."""
    it = iter(values)
    return _PARAM.sub(lambda _m: next(it), template)


async def call(
    session: aiohttp.ClientSession,
    method: str,
    template: str,
    *path_values: str,
    status: int,
    json: Any = None,
    params: Any = None,
    headers: dict[str, str] | None = None,
    contract: bool = True,
) -> Any:
    """Send a request, assert `status`, check the body against the contract, return it."""
    path = fill(template, *path_values)
    kwargs: dict[str, Any] = {"params": params, "headers": headers}
    if json is not None:
        kwargs["json"] = json
    async with session.request(method, path, **kwargs) as resp:
        raw = await resp.read()
        body: Any = None
        if raw:
            body = await resp.json(content_type=None)
        assert resp.status == status, f"{method} {path} -> {resp.status}: {raw[:500]!r}"
        assert resp.headers.get("X-Request-Id")
    if contract:
        assert_contract(method, template, status, body)
    return body
