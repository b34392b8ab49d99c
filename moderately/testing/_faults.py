"""Switchable fault injection and per-route request counting.

`FaultInjector` (``emu.faults``) holds rules; each applies to one route (``"POST /agents"``,
``"/agents"`` for any method, or every route when ``route`` is None). Per request, the first
matching rule (most recently set first) decides, with one draw from a seeded
``random.Random`` so runs repeat:

* ``latency`` seconds are added before anything else;
* ``status_429`` answers 429 ``rate_limited`` with ``Retry-After: <retry_after>``;
* ``status_500`` / ``status_502`` / ``status_503`` answer that status in the envelope;
* ``drop_before`` closes the connection before the handler runs (nothing changes);
* ``drop_after_commit`` lets the handler commit its change, then closes the connection
  without sending the response (so idempotent retries can be tested);
* ``times`` caps how many faults the rule injects before it goes quiet.

`RequestStats` (``emu.stats``) counts every request that reached the emulator, keyed by
``"METHOD /route/template"``, including faulted and dropped ones. Both are thread-safe: tests
running on another thread may change them while the emulator serves.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter
from dataclasses import dataclass, field

from aiohttp import web

from ._errors import EmulatorError
from ._responses import Handler


def route_key(request: web.Request) -> str:
    """Return ``"METHOD /template"`` for the route `request` matched (raw path if none)."""
    resource = request.match_info.route.resource
    template = resource.canonical if resource is not None else request.path
    return f"{request.method} {template}"


@dataclass
class FaultRule:
    """One fault configuration; rates are probabilities between 0 and 1."""

    route: str | None = None
    status_429: float = 0.0
    status_500: float = 0.0
    status_502: float = 0.0
    status_503: float = 0.0
    drop_before: float = 0.0
    drop_after_commit: float = 0.0
    latency: float = 0.0
    retry_after: float = 1.0
    times: int | None = None
    injected: int = field(default=0, init=False)

    def matches(self, key: str) -> bool:
        """Return whether this rule covers the request keyed `key`."""
        if self.route is None:
            return True
        if " " in self.route.strip():
            method, _, path = self.route.strip().partition(" ")
            return key == f"{method.upper()} {path.strip()}"
        return key.partition(" ")[2] == self.route.strip()

    def exhausted(self) -> bool:
        """Return whether the rule has used up its `times` budget."""
        return self.times is not None and self.injected >= self.times


@dataclass(frozen=True)
class Decision:
    """What the injector decided for one request."""

    latency: float = 0.0
    error: EmulatorError | None = None
    drop_before: bool = False
    drop_after_commit: bool = False


class FaultInjector:
    """Per-emulator fault rules driven by a seeded random generator."""

    def __init__(self, seed: int | None = 0) -> None:
        """Start with no rules and a generator seeded with `seed`."""
        self._rules: list[FaultRule] = []
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def set(
        self,
        route: str | None = None,
        *,
        status_429: float = 0.0,
        status_500: float = 0.0,
        status_502: float = 0.0,
        status_503: float = 0.0,
        drop_before: float = 0.0,
        drop_after_commit: float = 0.0,
        latency: float = 0.0,
        retry_after: float = 1.0,
        times: int | None = None,
        seed: int | None = None,
    ) -> FaultRule:
        """Add (or replace, for the same `route`) a rule; `seed` re-seeds the generator."""
        rates = (status_429, status_500, status_502, status_503, drop_before, drop_after_commit)
        if any(not 0.0 <= r <= 1.0 for r in rates):
            raise ValueError("fault rates must be between 0 and 1")
        if status_429 + status_500 + status_502 + status_503 + drop_before > 1.0:
            raise ValueError("pre-handler fault rates must add up to at most 1")
        rule = FaultRule(
            route,
            status_429,
            status_500,
            status_502,
            status_503,
            drop_before,
            drop_after_commit,
            latency,
            retry_after,
            times,
        )
        with self._lock:
            self._rules = [r for r in self._rules if r.route != route]
            self._rules.insert(0, rule)
            if seed is not None:
                self._random.seed(seed)
        return rule

    def clear(self, route: str | None = None) -> None:
        """Remove every rule, or only the rule for `route` when given."""
        with self._lock:
            self._rules = [] if route is None else [r for r in self._rules if r.route != route]

    @property
    def rules(self) -> list[FaultRule]:
        """Return a snapshot of the active rules."""
        with self._lock:
            return list(self._rules)

    def decide(self, key: str) -> Decision:
        """Draw the fate of one request keyed `key`."""
        with self._lock:
            rule = next((r for r in self._rules if r.matches(key) and not r.exhausted()), None)
            if rule is None:
                return Decision()
            draw = self._random.random()
            after = self._random.random() < rule.drop_after_commit
            error: EmulatorError | None = None
            drop = False
            edge = 0.0
            for rate, status in (
                (rule.status_429, 429),
                (rule.status_500, 500),
                (rule.status_502, 502),
                (rule.status_503, 503),
            ):
                edge += rate
                if draw < edge:
                    error = _fault_error(status, rule.retry_after)
                    break
            else:
                drop = draw < edge + rule.drop_before
            if error is not None or drop:
                after = False
            if error is not None or drop or after:
                rule.injected += 1
            return Decision(rule.latency, error, drop, after)


def _fault_error(status: int, retry_after: float) -> EmulatorError:
    if status == 429:
        seconds = f"{retry_after:g}" if retry_after != int(retry_after) else str(int(retry_after))
        return EmulatorError(
            429, "rate_limited", "Too many requests", headers={"Retry-After": seconds}
        )
    codes = {500: "internal_error", 502: "bad_gateway", 503: "service_unavailable"}
    return EmulatorError(status, codes[status], "Injected fault")


class RequestStats:
    """Counts of requests that reached the emulator, by ``"METHOD /template"``."""

    def __init__(self) -> None:
        """Start with every count at zero."""
        self._counts: Counter[str] = Counter()
        self._dropped: Counter[str] = Counter()
        self._lock = threading.Lock()

    def record(self, key: str) -> None:
        """Count one request."""
        with self._lock:
            self._counts[key] += 1

    def record_drop(self, key: str) -> None:
        """Count one connection dropped by a fault."""
        with self._lock:
            self._dropped[key] += 1

    def count(self, route: str | None = None) -> int:
        """Return how many requests hit `route` (``"POST /agents"``), or all routes."""
        with self._lock:
            if route is None:
                return sum(self._counts.values())
            return self._counts.get(_normalise(route), 0)

    def dropped(self, route: str | None = None) -> int:
        """Return how many connections were dropped on `route`, or on all routes."""
        with self._lock:
            if route is None:
                return sum(self._dropped.values())
            return self._dropped.get(_normalise(route), 0)

    def snapshot(self) -> dict[str, int]:
        """Return a copy of every per-route count."""
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        """Set every count back to zero."""
        with self._lock:
            self._counts.clear()
            self._dropped.clear()


FAULTS_KEY = web.AppKey("moderately.faults", FaultInjector)
STATS_KEY = web.AppKey("moderately.stats", RequestStats)


def _normalise(route: str) -> str:
    method, _, path = route.strip().partition(" ")
    return f"{method.upper()} {path.strip()}"


def _abort(request: web.Request) -> web.Response:
    transport = request.transport
    if transport is not None:
        transport.abort()
    # The transport is gone, so aiohttp discards this response; it only satisfies the handler type.
    return web.Response(status=499)


@web.middleware
async def fault_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Apply the injector's decision around the rest of the pipeline."""
    key = route_key(request)
    decision = request.app[FAULTS_KEY].decide(key)
    if decision.latency > 0:
        await asyncio.sleep(decision.latency)
    if decision.error is not None:
        raise decision.error
    if decision.drop_before:
        request.app[STATS_KEY].record_drop(key)
        return _abort(request)
    response = await handler(request)
    if decision.drop_after_commit:
        request.app[STATS_KEY].record_drop(key)
        return _abort(request)
    return response
