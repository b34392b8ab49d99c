"""Assembly of the emulator's aiohttp application.

`build_app(state, config, faults, stats)` wires the middlewares (outermost first):

1. `context_middleware` - request id, per-route counting (`RequestStats`), API-token usage;
2. `error_middleware` - exceptions to the error envelope (`_errors.py`);
3. `fault_middleware` - injected latency, 429/5xx and dropped connections (`_faults.py`);
4. `auth_middleware` - credentials to a `Principal` or 401 (`_auth.py`);
5. `idempotency_middleware` - replay of repeated ``Idempotency-Key`` requests;
6. `audit_middleware` - an audit entry for every successful mutation (`_audit.py`);

then registers each route family. A family is a module in this package exposing
``register(app: web.Application) -> None`` that adds its routes with
``app.router.add_route(method, path, handler)``; adding one is one line in `ROUTE_FAMILIES`.
Handlers reach shared objects with `get_state(request)` (`_auth.py`) and `get_config(request)`
(`_config.py`).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from typing import cast

from aiohttp import web

from ._audit import audit_middleware
from ._auth import STATE_KEY, auth_middleware, optional_principal
from ._config import CONFIG_KEY, EmulatorConfig
from ._errors import attach_request_id, error_middleware, request_id
from ._faults import FAULTS_KEY, STATS_KEY, FaultInjector, RequestStats, fault_middleware, route_key
from ._idempotency import IDEMPOTENCY_KEY, IdempotencyStore, idempotency_middleware
from ._ids import iso, utcnow
from ._responses import Handler
from ._state import State, UsageRecord

RouteFamily = Callable[[web.Application], None]

# One entry per route family module (``moderately.testing.<name>``), registered in this order.
ROUTE_FAMILIES: tuple[str, ...] = (
    "_health",
    "_authentication",
    "_users",
    "_teams",
    "_team_users",
    "_api_tokens",
    "_audit_logs",
    "_agents",
    "_agent_configs",
    "_agent_executions",
    "_storage",
    "_files",
    "_datasets",
    "_dataset_versions",
    "_dataset_schemas",
    "_pipelines",
    "_pipeline_configs",
    "_pipeline_executions",
)


@web.middleware
async def context_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Assign the request id, count the request and record API-token usage."""
    request_id(request)
    key = route_key(request)
    request.app[STATS_KEY].record(key)
    started = time.perf_counter()
    response = await handler(request)
    who = optional_principal(request)
    if who is not None and who.token_id is not None:
        state = request.app[STATE_KEY]
        now = utcnow()
        state.token_usage.setdefault(who.token_id, []).append(
            UsageRecord(
                now,
                key.partition(" ")[2],
                request.method,
                response.status,
                (time.perf_counter() - started) * 1000.0,
            )
        )
        token = state.tokens.get(who.token_id)
        if token is not None:
            token.last_used_at = iso(now)
    return response


def load_family(name: str) -> RouteFamily:
    """Import route family `name` (``_x`` in this package, or a dotted module path)."""
    module = importlib.import_module(f"{__package__}.{name}" if name.startswith("_") else name)
    return cast(RouteFamily, module.register)


def build_app(
    state: State,
    config: EmulatorConfig | None = None,
    faults: FaultInjector | None = None,
    stats: RequestStats | None = None,
    *,
    families: tuple[str, ...] = ROUTE_FAMILIES,
    client_max_size: int = 64 * 1024 * 1024,
) -> web.Application:
    """Return the emulator application serving `state`."""
    app = web.Application(
        middlewares=[
            context_middleware,
            error_middleware,
            fault_middleware,
            auth_middleware,
            idempotency_middleware,
            audit_middleware,
        ],
        client_max_size=client_max_size,
    )
    app[STATE_KEY] = state
    app[CONFIG_KEY] = config or EmulatorConfig()
    app[FAULTS_KEY] = faults or FaultInjector()
    app[STATS_KEY] = stats or RequestStats()
    app[IDEMPOTENCY_KEY] = IdempotencyStore()
    app.on_response_prepare.append(attach_request_id)
    for name in families:
        load_family(name)(app)
    return app
