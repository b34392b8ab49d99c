from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from moderately.testing import Emulator
from moderately.testing._app import build_app
from moderately.testing._errors import EmulatorError
from moderately.testing._ids import iso, new_id, now_iso, parse_iso
from moderately.testing._pagination import order
from moderately.testing._state import State

pytestmark = pytest.mark.anyio

ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def assert_envelope(body: dict[str, Any], code: str, path: str) -> None:
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert ISO_MS.match(error["timestamp"])
    assert error["path"] == path
    assert error["requestId"].startswith("req_")
    assert "details" in error


def test_ids_and_timestamps_have_the_platform_shape() -> None:
    ids = {new_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{21}", i) for i in ids)
    stamp = now_iso()
    assert ISO_MS.match(stamp)
    assert iso(parse_iso("2024-01-15T10:00:00Z")) == "2024-01-15T10:00:00.000Z"
    assert iso(parse_iso("2024-01-15T12:00:00.123456+02:00")) == "2024-01-15T10:00:00.123Z"


async def test_success_carries_request_id(anon: aiohttp.ClientSession) -> None:
    async with anon.get("/health") as resp:
        assert resp.status == 200
        assert resp.headers["X-Request-Id"].startswith("req_")
        body = await resp.json()
        assert body["status"] == "ok"
        assert isinstance(body["version"], str)


async def test_unknown_route_is_a_json_404(anon: aiohttp.ClientSession) -> None:
    async with anon.get("/no/such/route") as resp:
        assert resp.status == 404
        assert resp.content_type == "application/json"
        body = await resp.json()
        assert_envelope(body, "not_found", "/no/such/route")
        assert resp.headers["X-Request-Id"] == body["error"]["requestId"]


async def test_wrong_method_is_a_json_405(anon: aiohttp.ClientSession) -> None:
    async with anon.delete("/health") as resp:
        assert resp.status == 405
        body = await resp.json()
        assert_envelope(body, "method_not_allowed", "/health")
        assert "GET" in resp.headers["Allow"]


async def test_missing_or_bad_token_is_401(emu: Emulator) -> None:
    async with aiohttp.ClientSession(base_url=emu.base_url) as s:
        async with s.get("/authentication/whoami") as resp:
            assert resp.status == 401
            assert_envelope(await resp.json(), "unauthorized", "/authentication/whoami")
        async with s.get(
            "/authentication/whoami", headers={"Authorization": "Bearer mod_not-a-real-token"}
        ) as resp:
            assert resp.status == 401
        async with s.get(
            "/authentication/whoami", headers={"Authorization": f"Basic {emu.api_key}"}
        ) as resp:
            assert resp.status == 401


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def probe_app() -> tuple[web.Application, State, str, list[str]]:
    """An app with only test routes, to exercise the middlewares in isolation."""
    state = State()
    user = state.add_user("Probe", "probe@example.com")
    team = state.add_team("Probe team")
    state.add_membership(team.team_id, user.user_id, "admin")
    _, secret = state.add_token(team.team_id, user.user_id)
    effects: list[str] = []
    app = build_app(state, families=())

    async def boom(request: web.Request) -> web.Response:
        raise RuntimeError("handler bug")

    async def refuse(request: web.Request) -> web.Response:
        raise EmulatorError(409, "conflict", "taken", {"field": "name"})

    async def create(request: web.Request) -> web.Response:
        body = await request.json()
        effects.append(body["name"])
        return web.json_response({"n": len(effects), "name": body["name"]}, status=201)

    app.router.add_get("/boom", boom)
    app.router.add_post("/refuse", refuse)
    app.router.add_post("/things", create)
    return app, state, secret, effects


async def test_unexpected_exception_is_a_500_envelope(caplog: pytest.LogCaptureFixture) -> None:
    app, _, secret, _ = probe_app()
    headers = {"Authorization": f"Bearer {secret}"}
    async with (
        serve(app) as base,
        aiohttp.ClientSession() as s,
        s.get(f"{base}/boom", headers=headers) as resp,
    ):
        assert resp.status == 500
        assert_envelope(await resp.json(), "internal_error", "/boom")
    assert any("handler bug" in (r.exc_text or str(r.exc_info)) for r in caplog.records)


async def test_emulator_error_keeps_status_code_and_details() -> None:
    app, _, secret, _ = probe_app()
    headers = {"Authorization": f"Bearer {secret}"}
    async with (
        serve(app) as base,
        aiohttp.ClientSession() as s,
        s.post(f"{base}/refuse", headers=headers) as r,
    ):
        assert r.status == 409
        body = await r.json()
        assert_envelope(body, "conflict", "/refuse")
        assert body["error"]["details"] == {"field": "name"}


async def test_idempotency_replays_first_response_without_second_effect() -> None:
    app, _, secret, effects = probe_app()
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "k1"}
    async with serve(app) as base, aiohttp.ClientSession() as s:
        async with s.post(f"{base}/things", json={"name": "a"}, headers=headers) as r1:
            first = (r1.status, await r1.json(), r1.headers["X-Request-Id"])
        async with s.post(f"{base}/things", json={"name": "a"}, headers=headers) as r2:
            second = (r2.status, await r2.json(), r2.headers["X-Request-Id"])
            assert r2.headers["Idempotent-Replayed"] == "true"
        assert first == second == (201, {"n": 1, "name": "a"}, first[2])
        assert effects == ["a"]
        async with s.post(f"{base}/things", json={"name": "b"}, headers=headers) as r3:
            assert r3.status == 422
            assert (await r3.json())["error"]["code"] == "idempotency_key_reused"
        assert effects == ["a"]
        fresh = {**headers, "Idempotency-Key": "k2"}
        async with s.post(f"{base}/things", json={"name": "a"}, headers=fresh) as r4:
            assert (await r4.json())["n"] == 2


async def test_idempotency_keys_are_scoped_per_token() -> None:
    app, state, secret, effects = probe_app()
    team_id = next(iter(state.teams))
    user_id = next(iter(state.users))
    _, other = state.add_token(team_id, user_id, name="second")
    async with serve(app) as base, aiohttp.ClientSession() as s:
        for token in (secret, other):
            h = {"Authorization": f"Bearer {token}", "Idempotency-Key": "same"}
            async with s.post(f"{base}/things", json={"name": "x"}, headers=h) as r:
                assert r.status == 201
    assert effects == ["x", "x"]


async def test_idempotency_replays_client_errors_too() -> None:
    app, _, secret, _ = probe_app()
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "e"}
    async with serve(app) as base, aiohttp.ClientSession() as s:
        for expected_replay in (None, "true"):
            async with s.post(f"{base}/refuse", headers=headers) as r:
                assert r.status == 409
                assert r.headers.get("Idempotent-Replayed") == expected_replay


async def test_fault_503_is_seeded_and_counted(emu: Emulator, anon: aiohttp.ClientSession) -> None:
    async def run() -> list[int]:
        emu.faults.set(route="GET /health", status_503=0.5, seed=7)
        statuses = []
        for _ in range(20):
            async with anon.get("/health") as resp:
                statuses.append(resp.status)
                if resp.status == 503:
                    assert (await resp.json())["error"]["code"] == "service_unavailable"
        return statuses

    first = await run()
    second = await run()
    assert first == second
    assert set(first) == {200, 503}
    assert emu.stats.count("GET /health") == 40
    emu.faults.clear()
    async with anon.get("/health") as resp:
        assert resp.status == 200


async def test_fault_429_sends_retry_after(emu: Emulator, anon: aiohttp.ClientSession) -> None:
    emu.faults.set(route="/health", status_429=1.0, retry_after=3, times=1)
    async with anon.get("/health") as resp:
        assert resp.status == 429
        assert resp.headers["Retry-After"] == "3"
        assert (await resp.json())["error"]["code"] == "rate_limited"
    async with anon.get("/health") as resp:  # `times=1` spent
        assert resp.status == 200


async def test_fault_only_hits_its_route(emu: Emulator, anon: aiohttp.ClientSession) -> None:
    emu.faults.set(route="POST /health", status_500=1.0)
    async with anon.get("/health") as resp:
        assert resp.status == 200


async def test_drop_before_handler_closes_connection(emu: Emulator) -> None:
    emu.faults.set(route="GET /health", drop_before=1.0)
    async with aiohttp.ClientSession(base_url=emu.base_url) as s:
        with pytest.raises(aiohttp.ClientError):
            async with s.get("/health") as resp:
                await resp.read()
    # aiohttp silently retries an idempotent request once on a dropped connection.
    assert emu.stats.dropped("GET /health") == emu.stats.count("GET /health") >= 1


async def test_latency_is_added(emu: Emulator, anon: aiohttp.ClientSession) -> None:
    import time

    emu.faults.set(latency=0.2)
    started = time.perf_counter()
    async with anon.get("/health") as resp:
        assert resp.status == 200
    assert time.perf_counter() - started >= 0.2


def test_fault_rates_are_checked() -> None:
    emu = Emulator()
    with pytest.raises(ValueError, match="between 0 and 1"):
        emu.faults.set(status_500=1.5)
    with pytest.raises(ValueError, match="at most 1"):
        emu.faults.set(status_500=0.6, status_503=0.6)


def test_thread_mode_serves_sync_callers() -> None:
    import json
    import urllib.request

    with Emulator() as emu:
        assert emu.base_url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{emu.base_url}/health") as resp:
            assert json.loads(resp.read())["status"] == "ok"
        other = emu.new_identity()
        assert other.team_id != emu.team_id
        assert other.team_id in emu.state.team_ids_of(other.user_id)
    assert not emu.running


def test_repr_hides_the_token() -> None:
    emu = Emulator()
    assert emu.api_key not in repr(emu)


def test_pytest_plugin_fixture(moderately_emulator: Emulator) -> None:
    import urllib.request

    assert moderately_emulator.running
    with urllib.request.urlopen(f"{moderately_emulator.base_url}/health") as resp:
        assert resp.status == 200


def logout_entries(emu: Emulator) -> list[dict[str, Any]]:
    logs = emu.state.audit_logs.values()
    return [e for e in logs if e["eventType"] == "authentication.logout"]


async def test_drop_after_commit_keeps_the_change_and_replays_with_key(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    emu.faults.set(route="POST /authentication/logout", drop_after_commit=1.0, times=1)
    headers = {"Idempotency-Key": "logout-1"}
    with pytest.raises(aiohttp.ClientError):
        async with http.post("/authentication/logout", headers=headers) as resp:
            await resp.read()
    entries = logout_entries(emu)
    assert len(entries) == 1  # the change was committed before the connection dropped
    async with http.post("/authentication/logout", headers=headers) as resp:
        assert resp.status == 200
        assert resp.headers["Idempotent-Replayed"] == "true"
    entries = logout_entries(emu)
    assert len(entries) == 1
    assert emu.stats.count("POST /authentication/logout") == 2


def test_newest_first_holds_for_objects_made_in_the_same_millisecond() -> None:
    # Timestamps have millisecond precision: objects made within one share a createdAt, and
    # "desc" must still list the later-made one first (insertion order is creation order).
    same = "2026-01-01T00:00:00.000Z"
    made = [
        {"id": "a", "createdAt": same},
        {"id": "b", "createdAt": same},
        {"id": "c", "createdAt": "2026-01-01T00:00:00.001Z"},
    ]
    assert [i["id"] for i in order(made, "createdAt", "desc")] == ["c", "b", "a"]
    assert [i["id"] for i in order(made, "createdAt", "asc")] == ["a", "b", "c"]
