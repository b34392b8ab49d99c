"""The sync facade over a real socket: one loop thread, connection reuse, threads, fork, exit."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from _fake_platform import API_KEY, TEAM_ID, FakePlatform

from moderately import (
    APITimeoutError,
    AsyncModeratelyAI,
    ClientClosedError,
    HookContext,
    ModeratelyAI,
    NotFoundError,
)

LOOP_THREAD = "moderately-sync-loop"
NOISE = ("Unclosed", "Event loop is closed", "Task was destroyed", "Exception ignored")


def _loop_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == LOOP_THREAD]


def _run_script(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "always::ResourceWarning", "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _assert_quiet(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr
    for text in (*NOISE, "ResourceWarning", "Traceback"):
        assert text not in result.stderr, result.stderr


def test_a_thousand_calls_over_one_connection(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support")
    before = set(threading.enumerate())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ModeratelyAI(**client_kwargs) as client:
            for _ in range(1000):
                agent = client.agents.retrieve(agent_id)
            assert agent.name == "Support"
        assert client.is_closed
        with pytest.raises(ClientClosedError):
            client.agents.retrieve(agent_id)
        del client, agent
        time.sleep(0.05)
        gc.collect()
    assert len(platform.seen()) == 1000
    assert len(platform.peers()) == 1
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
    new_threads = set(threading.enumerate()) - before
    assert {t.name for t in new_threads} <= {LOOP_THREAD}
    assert len(_loop_threads()) <= 1


def test_sync_calls_run_on_the_calling_thread(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    before = set(threading.enumerate())
    clients = [ModeratelyAI(**client_kwargs) for _ in range(5)]
    try:
        for client in clients:
            for _ in range(3):
                client.health()
        # One thread calling one client at a time: the loop runs right here, no thread starts.
        assert set(threading.enumerate()) == before
        # Each client keeps its own pool: five connections for five clients, each reused.
        assert len(platform.peers()) == 5
        assert len(platform.seen()) == 15
    finally:
        for client in clients:
            client.close()


def test_sync_client_inside_a_running_event_loop(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support")

    async def notebook_cell() -> str:
        # The caller's own loop is running here, as in Jupyter: the sync call must still work.
        asyncio.get_running_loop()
        with ModeratelyAI(**client_kwargs) as client:
            return client.agents.retrieve(agent_id).name

    assert asyncio.run(notebook_cell()) == "Support"
    assert len(platform.seen()) == 1


@pytest.mark.anyio
async def test_sync_client_called_from_an_async_hook(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support")
    with ModeratelyAI(**client_kwargs) as audit:

        async def log_to_audit(ctx: HookContext[Any]) -> None:
            # Runs on the test's loop (not the SDK's loop thread): a blocking call is allowed.
            audit.teams.retrieve(TEAM_ID)

        async with AsyncModeratelyAI(**client_kwargs) as client:
            client.hooks.add_before(log_to_audit, operation="get")
            await client.agents.retrieve(agent_id)
    assert [r.path for r in platform.seen()] == [f"/teams/{TEAM_ID}", f"/agents/{agent_id}"]


def test_sync_client_from_many_threads(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support")
    with ModeratelyAI(**client_kwargs) as client:

        def work(_: int) -> str:
            return client.agents.retrieve(agent_id).agent_id

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(work, range(200)))
        with pytest.raises(NotFoundError):
            client.agents.retrieve("agent_missing")
    assert results == [agent_id] * 200
    assert len(platform.seen()) == 201
    assert 1 <= len(platform.peers()) <= 8
    # While one thread runs the loop the others wait; one helper at most takes over for them.
    assert len(_loop_threads()) <= 1


def test_sync_client_from_threads_while_a_call_is_slow(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    # The thread running the loop waits on a slow call while other threads' calls pass it.
    agent_id = platform.add_agent("Support")
    platform.delay_next(1, 3.0, path="/health")
    with ModeratelyAI(**client_kwargs) as client:
        slow = threading.Thread(target=client.health)
        slow.start()
        while not platform.seen(path="/health"):
            time.sleep(0.01)
        with ThreadPoolExecutor(max_workers=4) as pool:
            names = list(pool.map(lambda _: client.agents.retrieve(agent_id).name, range(20)))
        # All twenty were answered while the slow call was still waiting for its answer.
        assert slow.is_alive()
        slow.join(10)
        assert not slow.is_alive()
    assert names == ["Support"] * 20
    assert len(platform.seen()) == 21


def test_sync_with_options_shares_the_pool(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    with ModeratelyAI(**client_kwargs) as client:
        client.health()
        copy = client.with_options(max_retries=0)
        copy.health()
        copy.close()
        client.health()
    assert len(platform.peers()) == 1
    with pytest.raises(ClientClosedError):
        copy.health()


def test_dropped_sync_client_leaves_no_resource_warning(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = ModeratelyAI(**client_kwargs)
        client.health()
        server_side = platform.seen()[0].transport
        assert server_side is not None
        del client  # never closed
        gc.collect()
        deadline = time.monotonic() + 2.0
        while not server_side.is_closing() and time.monotonic() < deadline:
            time.sleep(0.01)
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert server_side.is_closing(), "the dropped client's connection was never closed"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_fork_child_gets_a_fresh_loop(platform: FakePlatform, base_url: str) -> None:
    script = f"""
        import os, sys
        from moderately import ModeratelyAI

        client = ModeratelyAI(api_key={API_KEY!r}, team_id={TEAM_ID!r}, base_url=sys.argv[1])
        client.health()
        pid = os.fork()
        if pid == 0:
            status = client.health().status
            other = ModeratelyAI(api_key={API_KEY!r}, base_url=sys.argv[1])
            other.health()
            assert status == "ok"
            print("child ok", flush=True)
            sys.exit(0)  # a normal exit: atexit handlers run in the child too
        _, wait_status = os.waitpid(pid, 0)
        print("child exit", os.waitstatus_to_exitcode(wait_status), flush=True)
        client.health()
        client.close()
    """
    result = _run_script(script, base_url)
    _assert_quiet(result)
    assert "child ok" in result.stdout
    assert "child exit 0" in result.stdout
    seen = platform.seen()
    assert len(seen) == 4
    parent_peer = seen[0].peer
    # The parent's two later calls reuse its connection; the child never touches that socket.
    assert seen[-1].peer == parent_peer
    assert {r.peer for r in seen[1:3]}.isdisjoint({parent_peer})


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="needs POSIX")
def test_ctrl_c_during_a_sync_call_cancels_it(platform: FakePlatform, base_url: str) -> None:
    # The main thread runs the loop while it waits: Ctrl-C lands there, and must stop the call
    # at once, leave the client usable, and leave nothing running or warning at exit. The
    # signal is sent once the server holds the request, however long the start took.
    platform.delay_next(1, 6.0, path="/health")
    script = f"""
        import sys, time
        from moderately import ModeratelyAI

        client = ModeratelyAI(api_key={API_KEY!r}, team_id={TEAM_ID!r}, base_url=sys.argv[1])
        try:
            client.health()
        except KeyboardInterrupt:
            print("interrupted at", time.monotonic(), flush=True)
        print("then", client.health().status, flush=True)
        client.close()
    """
    proc = subprocess.Popen(
        [sys.executable, "-W", "always::ResourceWarning", "-c", textwrap.dedent(script), base_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not platform.seen(path="/health") and time.monotonic() < deadline:
            time.sleep(0.01)
        assert platform.seen(path="/health"), "the call never reached the server"
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    result = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    _assert_quiet(result)
    interrupted = [line for line in stdout.splitlines() if line.startswith("interrupted at")]
    assert interrupted, stdout
    # time.monotonic() is one clock for every process on Linux. Without the cancellation the
    # call would end with the delayed answer, 6 s after the request arrived.
    assert float(interrupted[0].split()[-1]) - sent < 4.0
    assert "then ok" in stdout
    assert len(platform.seen(path="/health")) == 2


EXIT_SCRIPTS = {
    "global client never closed": """
        import sys
        from moderately import ModeratelyAI
        client = ModeratelyAI(api_key="k", team_id="t", base_url=sys.argv[1])
        client.health()
        client.agents.create(name="exit")
    """,
    "client dropped inside a function": """
        import sys
        from moderately import ModeratelyAI
        def main():
            client = ModeratelyAI(api_key="k", team_id="t", base_url=sys.argv[1])
            client.health()
        main()
        import gc; gc.collect()
        import time; time.sleep(0.1)
    """,
    "client dropped just before exit": """
        import sys
        from moderately import ModeratelyAI
        ModeratelyAI(api_key="k", team_id="t", base_url=sys.argv[1]).health()
        ModeratelyAI(api_key="k", team_id="t", base_url=sys.argv[1]).agents.list()
    """,
    "closed client and a copy": """
        import sys
        from moderately import ModeratelyAI
        with ModeratelyAI(api_key="k", team_id="t", base_url=sys.argv[1]) as client:
            client.with_options(timeout=3.0).health()
    """,
    "client never used": """
        import sys
        from moderately import ModeratelyAI
        client = ModeratelyAI(api_key="k", team_id="t", base_url=sys.argv[1])
    """,
}


@pytest.mark.parametrize("script", list(EXIT_SCRIPTS.values()), ids=list(EXIT_SCRIPTS))
def test_interpreter_exit_is_quiet(platform: FakePlatform, base_url: str, script: str) -> None:
    _assert_quiet(_run_script(script, base_url))


def test_sync_timeout_then_reuse(platform: FakePlatform, client_kwargs: dict[str, Any]) -> None:
    platform.delay_next(1, 2.0, path="/health")
    with ModeratelyAI(**client_kwargs, timeout=0.2, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            client.health()
        assert time.monotonic() - started < 1.5
        assert client.health().status == "ok"


def test_sync_client_called_on_its_own_loop_raises_clearly(
    moderately_client: ModeratelyAI,
) -> None:
    # A progress callback runs on the SDK's loop, in the middle of a call: a sync call from
    # there would wait for the loop it is blocking, so it must fail at once instead.
    client = moderately_client

    def health_from_callback(done: int, total: int | None) -> None:
        client.health()

    with pytest.raises(RuntimeError, match="own event loop") as info:
        client.files.upload(b"x" * 1000, name="a.bin", progress=health_from_callback)
    assert "AsyncModeratelyAI" in str(info.value)
    assert client.health().status == "ok"

    def close_from_callback(done: int, total: int | None) -> None:
        client.close()

    with pytest.raises(RuntimeError, match="own event loop"):
        client.files.upload(b"y" * 1000, name="b.bin", progress=close_from_callback)
    # A close that could not run leaves the client open, and closable from elsewhere.
    assert not client.is_closed
    assert client.health().status == "ok"


def test_mixed_callers_all_finish(platform: FakePlatform, client_kwargs: dict[str, Any]) -> None:
    # Plain threads, threads whose own event loop is running, and clients dropped unclosed, all
    # at once on one shared loop: every call is answered and none waits forever for a runner.
    agent_id = platform.add_agent("Support")
    platform.delay_next(3, 0.3, path="/health")
    shared = ModeratelyAI(**client_kwargs)
    answered: list[str] = []
    lock = threading.Lock()

    def plain(n: int) -> None:
        for _ in range(n):
            name = shared.agents.retrieve(agent_id).name
            with lock:
                answered.append(name)

    def in_own_loop(n: int) -> None:
        async def cell() -> None:
            plain(n)

        asyncio.run(cell())

    def dropping(n: int) -> None:
        for _ in range(n):
            ModeratelyAI(**client_kwargs).health()  # dropped unclosed right away
            with lock:
                answered.append("health")

    workers = [
        *(threading.Thread(target=plain, args=(40,)) for _ in range(3)),
        *(threading.Thread(target=in_own_loop, args=(40,)) for _ in range(2)),
        threading.Thread(target=dropping, args=(10,)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    stuck = [w.name for w in workers if w.is_alive()]
    shared.close()
    gc.collect()
    assert stuck == []
    assert answered.count("Support") == 200
    assert answered.count("health") == 10
    assert len(platform.seen()) == 210
