"""`Emulator`: runs the emulated platform on 127.0.0.1, on the current loop or on a thread.

::

    async with Emulator() as emu:          # on the running loop
        ...emu.base_url, emu.api_key, emu.team_id, emu.user_id...

    with Emulator() as emu:                # on its own loop in a daemon thread
        ...

State is seeded at construction: one user (`email` / `password`, usable with
``POST /authentication/login``), one team where that user is admin, and one admin API token
(`api_key`). `new_identity()` and the `create_*` helpers add users, teams and tokens for
cross-team tests; from another thread they run on the emulator's loop. `faults`, `stats` and
`config` may be changed at any time.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TypeVar

from aiohttp import web

from ._app import ROUTE_FAMILIES, build_app
from ._blobs import BlobStore
from ._config import EmulatorConfig
from ._faults import FaultInjector, RequestStats
from ._pipeline_runs import PipelineProcessor, PipelineProcessors
from ._state import State, TeamRole, TokenRole

HOST = "127.0.0.1"
DEFAULT_EMAIL = "dev@moderately.test"
DEFAULT_PASSWORD = "moderately-dev-password"

T = TypeVar("T")


@dataclass(frozen=True)
class Identity:
    """A user with a team of their own and an API token for it."""

    user_id: str
    team_id: str
    api_key: str
    email: str
    password: str | None


class Emulator:
    """An in-memory Moderately platform served over HTTP on 127.0.0.1."""

    def __init__(
        self,
        port: int = 0,
        *,
        config: EmulatorConfig | None = None,
        fault_seed: int | None = 0,
        email: str = DEFAULT_EMAIL,
        password: str = DEFAULT_PASSWORD,
        families: tuple[str, ...] = ROUTE_FAMILIES,
    ) -> None:
        """Prepare an emulator on `port` (0 picks a free one) with freshly seeded state."""
        self.requested_port = port
        self.config = config or EmulatorConfig()
        self.state = State()
        self.faults = FaultInjector(fault_seed)
        self.stats = RequestStats()
        self._families = families
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._owner = self._seed_identity("Developer", email, password, "Default Team")
        self.email = email
        self.password = password

    # -- identity --------------------------------------------------------------------------

    def _seed_identity(
        self, full_name: str, email: str, password: str | None, team_name: str
    ) -> Identity:
        user = self.state.add_user(full_name, email, password=password)
        team = self.state.add_team(team_name)
        self.state.add_membership(team.team_id, user.user_id, "admin")
        _, secret = self.state.add_token(team.team_id, user.user_id, name="emulator", role="admin")
        return Identity(user.user_id, team.team_id, secret, email, password)

    @property
    def api_key(self) -> str:
        """Return the seeded admin API token."""
        return self._owner.api_key

    @property
    def team_id(self) -> str:
        """Return the seeded team's id."""
        return self._owner.team_id

    @property
    def user_id(self) -> str:
        """Return the seeded user's id."""
        return self._owner.user_id

    @property
    def identity(self) -> Identity:
        """Return the seeded user, team and token together."""
        return self._owner

    def new_identity(
        self,
        full_name: str = "Other User",
        email: str | None = None,
        password: str | None = None,
        team_name: str = "Other Team",
    ) -> Identity:
        """Create another user with their own team and admin token (for cross-team tests)."""

        def make() -> Identity:
            address = email or f"user{len(self.state.users) + 1}@moderately.test"
            return self._seed_identity(full_name, address, password, team_name)

        return self._call(make)

    def create_user(self, full_name: str, email: str, password: str | None = None) -> str:
        """Create a user who belongs to no team; return their id."""
        return self._call(lambda: self.state.add_user(full_name, email, password=password).user_id)

    def create_team(self, name: str, admin_user_id: str | None = None) -> str:
        """Create a team administered by `admin_user_id` (default: the seeded user)."""

        def make() -> str:
            team = self.state.add_team(name)
            self.state.add_membership(team.team_id, admin_user_id or self.user_id, "admin")
            return team.team_id

        return self._call(make)

    def add_member(self, team_id: str, user_id: str, role: TeamRole = "member") -> str:
        """Add `user_id` to `team_id`; return the team-user id."""
        return self._call(lambda: self.state.add_membership(team_id, user_id, role).team_user_id)

    def create_token(
        self, user_id: str, team_id: str, role: TokenRole = "admin", name: str = "test"
    ) -> str:
        """Create an API token for `user_id` in `team_id`; return its secret."""
        return self._call(lambda: self.state.add_token(team_id, user_id, name=name, role=role)[1])

    def email_code(self, email: str) -> str | None:
        """Return the newest unused sign-in code sent to `email` (the emulator's outbox)."""

        def find() -> str | None:
            for item in reversed(self.state.email_codes):
                if item.email.casefold() == email.casefold() and not item.used:
                    return item.code
            return None

        return self._call(find)

    # -- files, datasets and pipelines -----------------------------------------------------

    @property
    def storage(self) -> BlobStore:
        """Return the object storage: stored bytes, and `corrupt_next_download` faults."""
        return self.state.extension(BlobStore)

    def register_pipeline_processor(
        self, fn: PipelineProcessor, pipeline_id: str | None = None
    ) -> None:
        """Make `fn` (input dict -> output, sync or async) run executions of `pipeline_id`.

        Without `pipeline_id` it replaces the default processor of every pipeline.
        """
        self._call(lambda: self.state.extension(PipelineProcessors).register(fn, pipeline_id))

    def _call(self, fn: Callable[[], T]) -> T:
        loop, thread = self._loop, self._thread
        if thread is None or loop is None or threading.current_thread() is thread:
            return fn()

        async def run() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), loop).result(timeout=30)

    # -- serving ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """Return the bound port (only once started)."""
        if self._port is None:
            raise RuntimeError("the emulator is not running")
        return self._port

    @property
    def base_url(self) -> str:
        """Return ``http://127.0.0.1:<port>`` (only once started)."""
        return f"http://{HOST}:{self.port}"

    @property
    def app(self) -> web.Application:
        """Return the aiohttp application being served (only once started)."""
        if self._runner is None:
            raise RuntimeError("the emulator is not running")
        return self._runner.app

    def routes(self) -> set[str]:
        """Return every served route as ``"METHOD /template"``."""
        found = set()
        for route in self.app.router.routes():
            resource = route.resource
            if resource is not None and route.method != "HEAD":
                found.add(f"{route.method} {resource.canonical}")
        return found

    @property
    def running(self) -> bool:
        """Return whether the emulator is serving."""
        return self._runner is not None

    async def start(self) -> Emulator:
        """Serve on the running event loop."""
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        app = build_app(self.state, self.config, self.faults, self.stats, families=self._families)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, HOST, self.requested_port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        """Stop serving, close every connection and release stored file bytes."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        # Stored bodies are temporary files; an emulator that stopped serving has no use for
        # them, and leaving them to the garbage collector warns about unclosed files.
        self.storage.close()

    async def __aenter__(self) -> Emulator:
        """Start on the current loop."""
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop serving."""
        await self.stop()

    def start_in_thread(self, timeout: float = 10.0) -> Emulator:
        """Serve on a new event loop in a daemon thread; return once it accepts connections."""
        if self._thread is not None or self._runner is not None:
            raise RuntimeError("the emulator is already running")
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # reported to the starting thread below
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self.stop())
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        thread = threading.Thread(target=serve, name="moderately-emulator", daemon=True)
        self._loop, self._thread = loop, thread
        thread.start()
        if not ready.wait(timeout) or failure:
            self._loop = self._thread = None
            if failure:
                raise failure[0]
            raise TimeoutError("the emulator did not start in time")
        return self

    def stop_thread(self, timeout: float = 10.0) -> None:
        """Stop the thread started by `start_in_thread` and wait for it."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        self._loop = self._thread = None

    def __enter__(self) -> Emulator:
        """Start in a background thread."""
        return self.start_in_thread()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the background thread."""
        self.stop_thread()

    def __repr__(self) -> str:
        """Describe the emulator without revealing its token."""
        where = self.base_url if self._port is not None and self.running else "stopped"
        return f"<Emulator {where} team={self.team_id}>"
