"""A small stand-in for the platform, served over a real socket on 127.0.0.1.

The server runs on its own event loop in a background thread, so async tests (on pytest's loop)
and sync-facade tests (whose calls run on the SDK's loop thread) can both reach it. It keeps
agents, teams, users and a test-only ``/jobs`` collection in memory, answers errors with the
platform's envelope and an ``X-Request-Id`` header, records every request it receives, and can
be told to fail (with a status, or by dropping the connection) the next N matching requests.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

API_KEY = "test-key-0123456789"
TEAM_ID = "team_main"
SERVER_THREAD_NAME = "integration-test-server"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    peer: tuple[str, int]
    transport: asyncio.BaseTransport | None = field(default=None, repr=False)
    status: int | None = None
    """The status answered, or None when the connection was dropped instead."""


@dataclass
class _Fault:
    remaining: int
    status: int | None
    drop: bool
    method: str | None
    path_prefix: str | None
    retry_after: str | None
    delay: float = 0.0

    def matches(self, request: web.Request) -> bool:
        return (
            self.remaining > 0
            and (self.method is None or request.method == self.method)
            and (self.path_prefix is None or request.path.startswith(self.path_prefix))
        )


class FakePlatform:
    """The server's state: the store, the request log and the fault switches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.requests: list[Seen] = []
        self.agents: dict[str, dict[str, Any]] = {}
        self.teams: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.executions: dict[str, dict[str, Any]] = {}
        self._faults: list[_Fault] = []
        self.reset()

    # ----------------------------------------------------------------- test-side controls

    def reset(self) -> None:
        """Forget every request, object and fault; seed the main team and one user."""
        with self._lock:
            self.requests = []
            self._faults = []
            self.agents = {}
            self.teams = {}
            self.users = {}
            self.jobs = {}
            self.executions = {}
        stamp = _now()
        self.teams[TEAM_ID] = {
            "teamId": TEAM_ID,
            "name": "Main",
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        self.users["user_1"] = {
            "userId": "user_1",
            "fullName": "Ada Lovelace",
            "nickname": "ada",
            "createdAt": stamp,
            "updatedAt": stamp,
        }

    def fail_next(
        self,
        count: int,
        status: int = 503,
        *,
        method: str | None = None,
        path: str | None = None,
        retry_after: str | None = "0",
    ) -> None:
        """Answer the next ``count`` matching requests with ``status`` and the error envelope.

        ``path`` matches by prefix. ``retry_after`` (default "0", to keep retries fast) is sent
        as the Retry-After header on 429 and 503 answers; None leaves it out.
        """
        with self._lock:
            self._faults.append(_Fault(count, status, False, method, path, retry_after))

    def drop_next(self, count: int, *, method: str | None = None, path: str | None = None) -> None:
        """Close the connection without answering the next ``count`` matching requests."""
        with self._lock:
            self._faults.append(_Fault(count, None, True, method, path, None))

    def delay_next(
        self, count: int, seconds: float, *, method: str | None = None, path: str | None = None
    ) -> None:
        """Answer the next ``count`` matching requests normally, but only after ``seconds``."""
        with self._lock:
            self._faults.append(_Fault(count, None, False, method, path, None, seconds))

    def seen(self, *, method: str | None = None, path: str | None = None) -> list[Seen]:
        """Requests received so far, optionally only those of ``method`` on exactly ``path``."""
        with self._lock:
            log = list(self.requests)
        return [
            r
            for r in log
            if (method is None or r.method == method) and (path is None or r.path == path)
        ]

    def peers(self) -> set[tuple[str, int]]:
        """Distinct client addresses (host, port) seen: one per TCP connection used."""
        return {r.peer for r in self.seen()}

    def add_agent(
        self, name: str, *, team_id: str = TEAM_ID, description: str | None = None
    ) -> str:
        """Put an agent in the store and return its id."""
        agent_id = f"agent_{next(self._ids)}"
        stamp = _now()
        self.agents[agent_id] = {
            "agentId": agent_id,
            "teamId": team_id,
            "name": name,
            "description": description,
            "createdAt": stamp,
            "updatedAt": stamp,
            "lastRunAt": None,
            "totalRuns": 0,
            "successfulRuns": 0,
            "successRate": 0,
        }
        return agent_id

    def add_job(self, name: str, states: list[str]) -> str:
        """Put a job in the store; its executions report ``states`` poll by poll.

        ``states[0]`` is the state at creation, ``states[k]`` the state at the k-th read; the
        last state repeats forever (so a list ending in "running" never finishes).
        """
        job_id = f"job_{next(self._ids)}"
        self.jobs[job_id] = {"jobId": job_id, "name": name, "states": list(states)}
        return job_id

    # ----------------------------------------------------------------- the application

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/health", self._health)
        app.router.add_get("/agents", self._list_agents)
        app.router.add_post("/agents", self._create_agent)
        app.router.add_get("/agents/{agent_id}", self._get_agent)
        app.router.add_patch("/agents/{agent_id}", self._update_agent)
        app.router.add_delete("/agents/{agent_id}", self._delete_agent)
        app.router.add_get("/teams", self._list_teams)
        app.router.add_post("/teams", self._create_team)
        app.router.add_get("/teams/{team_id}", self._get_team)
        app.router.add_patch("/teams/{team_id}", self._update_team)
        app.router.add_get("/users", self._list_users)
        app.router.add_get("/users/{user_id}", self._get_user)
        app.router.add_patch("/users/{user_id}", self._update_user)
        app.router.add_get("/jobs/{job_id}", self._get_job)
        app.router.add_post("/jobs/{job_id}/executions", self._start_execution)
        app.router.add_get("/jobs/{job_id}/executions/{execution_id}", self._get_execution)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        raw = await request.read()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
        transport = request.transport
        peer = transport.get_extra_info("peername") if transport is not None else None
        seen = Seen(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            headers=dict(request.headers),
            body=body,
            peer=(peer[0], peer[1]) if peer else ("?", 0),
            transport=transport,
        )
        with self._lock:
            self.requests.append(seen)
            fault = next((f for f in self._faults if f.matches(request)), None)
            if fault is not None:
                fault.remaining -= 1
            request_id = f"req_{len(self.requests)}"
        if fault is not None and fault.drop:
            assert transport is not None
            # Close the socket with nothing written: the client sees the connection break.
            transport.abort()
            raise _Dropped
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
            fault = None
        if fault is not None:
            assert fault.status is not None
            headers = {}
            if fault.retry_after is not None and fault.status in (429, 503):
                headers["Retry-After"] = fault.retry_after
            response: web.StreamResponse = _error(
                request, request_id, fault.status, "INJECTED_FAULT", "Injected fault", headers
            )
        else:
            try:
                response = await handler(request)
            except _ApiError as exc:
                response = _error(request, request_id, exc.status, exc.code, exc.message)
            except web.HTTPException as exc:
                response = _error(request, request_id, exc.status, "HTTP_ERROR", exc.reason)
        response.headers["X-Request-Id"] = request_id
        seen.status = response.status
        return response

    # ----------------------------------------------------------------- routes

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "version": "test"})

    async def _list_agents(self, request: web.Request) -> web.Response:
        q = request.query
        teams = set(q["teamIds"].split(",")) if "teamIds" in q else None
        ids = set(q["agentIds"].split(",")) if "agentIds" in q else None
        like = q.get("nameLike", "").lower()
        items = [
            a
            for a in self.agents.values()
            if (teams is None or a["teamId"] in teams)
            and (ids is None or a["agentId"] in ids)
            and like in a["name"].lower()
        ]
        return _page(request, items)

    async def _create_agent(self, request: web.Request) -> web.Response:
        body = await _json_object(request)
        name = body.get("name")
        team_id = body.get("teamId")
        if not isinstance(name, str) or not name or not isinstance(team_id, str):
            raise _ApiError(400, "VALIDATION_ERROR", "name and teamId are required")
        if any(a["name"] == name and a["teamId"] == team_id for a in self.agents.values()):
            raise _ApiError(409, "CONFLICT", f"An agent named {name!r} exists")
        agent_id = self.add_agent(name, team_id=team_id, description=body.get("description"))
        return web.json_response(self.agents[agent_id], status=201)

    async def _get_agent(self, request: web.Request) -> web.Response:
        return web.json_response(_find(self.agents, request.match_info["agent_id"], "Agent"))

    async def _update_agent(self, request: web.Request) -> web.Response:
        agent = _find(self.agents, request.match_info["agent_id"], "Agent")
        body = await _json_object(request)
        for key in ("name", "description"):
            if key in body:
                agent[key] = body[key]
        agent["updatedAt"] = _now()
        return web.json_response(agent)

    async def _delete_agent(self, request: web.Request) -> web.Response:
        _find(self.agents, request.match_info["agent_id"], "Agent")
        del self.agents[request.match_info["agent_id"]]
        return web.Response(status=200)

    async def _list_teams(self, request: web.Request) -> web.Response:
        name = request.query.get("name")
        items = [t for t in self.teams.values() if name is None or t["name"] == name]
        return _page(request, items)

    async def _create_team(self, request: web.Request) -> web.Response:
        body = await _json_object(request)
        team_id = f"team_{next(self._ids)}"
        stamp = _now()
        self.teams[team_id] = {
            "teamId": team_id,
            "name": body.get("name"),
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        return web.json_response(self.teams[team_id])

    async def _get_team(self, request: web.Request) -> web.Response:
        return web.json_response(_find(self.teams, request.match_info["team_id"], "Team"))

    async def _update_team(self, request: web.Request) -> web.Response:
        team = _find(self.teams, request.match_info["team_id"], "Team")
        body = await _json_object(request)
        if "name" in body:
            team["name"] = body["name"]
        return web.json_response(team)

    async def _list_users(self, request: web.Request) -> web.Response:
        return _page(request, list(self.users.values()))

    async def _get_user(self, request: web.Request) -> web.Response:
        return web.json_response(_find(self.users, request.match_info["user_id"], "User"))

    async def _update_user(self, request: web.Request) -> web.Response:
        user = _find(self.users, request.match_info["user_id"], "User")
        body = await _json_object(request)
        if "fullName" in body:
            user["fullName"] = body["fullName"]
        # The published contract documents no body for this answer.
        return web.Response(status=200)

    async def _get_job(self, request: web.Request) -> web.Response:
        job = _find(self.jobs, request.match_info["job_id"], "Job")
        return web.json_response({"jobId": job["jobId"], "name": job["name"]})

    async def _start_execution(self, request: web.Request) -> web.Response:
        job = _find(self.jobs, request.match_info["job_id"], "Job")
        body = await _json_object(request)
        execution_id = f"exec_{next(self._ids)}"
        self.executions[execution_id] = {
            "executionId": execution_id,
            "jobId": job["jobId"],
            "input": body,
            "reads": 0,
        }
        return web.json_response(self._execution_view(execution_id), status=201)

    async def _get_execution(self, request: web.Request) -> web.Response:
        _find(self.jobs, request.match_info["job_id"], "Job")
        execution = _find(self.executions, request.match_info["execution_id"], "Execution")
        execution["reads"] += 1
        return web.json_response(self._execution_view(execution["executionId"]))

    def _execution_view(self, execution_id: str) -> dict[str, Any]:
        execution = self.executions[execution_id]
        states = self.jobs[execution["jobId"]]["states"]
        return {
            "executionId": execution_id,
            "jobId": execution["jobId"],
            "input": execution["input"],
            "status": states[min(execution["reads"], len(states) - 1)],
        }


class _ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class _Dropped(web.HTTPException):
    # Raised after the socket is aborted; aiohttp then has nothing left to write to.
    status_code = 500


def _error(
    request: web.Request,
    request_id: str,
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> web.Response:
    envelope = {
        "error": {
            "code": code,
            "message": message,
            "details": None,
            "timestamp": _now(),
            "path": request.path,
            "requestId": request_id,
        }
    }
    return web.json_response(envelope, status=status, headers=headers)


def _find(store: dict[str, dict[str, Any]], key: str, what: str) -> dict[str, Any]:
    found = store.get(key)
    if found is None:
        raise _ApiError(404, "NOT_FOUND", f"{what} {key} not found")
    return found


async def _json_object(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise _ApiError(400, "INVALID_JSON", "The body is not JSON") from exc
    if not isinstance(body, dict):
        raise _ApiError(400, "INVALID_JSON", "The body must be a JSON object")
    return body


def _page(request: web.Request, items: list[dict[str, Any]]) -> web.Response:
    try:
        page = int(request.query.get("page", "1"))
        size = int(request.query.get("pageSize", "20"))
    except ValueError as exc:
        raise _ApiError(400, "VALIDATION_ERROR", "page and pageSize must be integers") from exc
    if page < 1 or size < 1:
        raise _ApiError(400, "VALIDATION_ERROR", "page and pageSize must be >= 1")
    total = len(items)
    pages = (total + size - 1) // size
    chunk = items[(page - 1) * size : page * size]
    return web.json_response(
        {
            "items": chunk,
            "pagination": {
                "page": page,
                "pageSize": size,
                "totalItems": total,
                "totalPages": pages,
                "hasNextPage": page < pages,
                "hasPreviousPage": page > 1,
            },
        }
    )


class ServerThread:
    """Runs an aiohttp application on 127.0.0.1 on a loop of its own, in a daemon thread."""

    def __init__(self, app: web.Application) -> None:
        self._app = app
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name=SERVER_THREAD_NAME, daemon=True
        )
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)

    async def _start(self) -> None:
        runner = web.AppRunner(self._app, handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self.port = runner.addresses[0][1]

    def stop(self) -> None:
        if self._runner is not None:
            runner = self._runner
            asyncio.run_coroutine_threadsafe(runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()
