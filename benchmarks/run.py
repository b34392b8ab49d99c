"""Run the benchmark suite and write results/latest.json plus a markdown summary.

Every client is measured in the same run, interleaved round by round, and the medians are
compared as ratios: absolute numbers drift between runs on a shared machine, ratios much less.

Parts, each against one local server process on 127.0.0.1:

- transport: sequential retrieve, client CPU per call, 1/10/100 calls in flight and 10,000-item
  pagination (each walk in a fresh process, ``paginate.py``) against ``raw_server.py`` (a
  minimal aiohttp server);
- end to end: sequential retrieve against the emulator (``python -m moderately.testing``);
- transfers: upload and download of a generated file (1 GiB unless told) through
  ``storage_server.py``, each client in its own process (``transfer.py``) for its peak RSS;
- import time, each probe in a fresh interpreter.

    python benchmarks/run.py [--rounds 5] [--calls 1000] [--transfer-mib 1024] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from clients import AsyncAdapter, Target, async_adapters, sync_adapters  # noqa: E402

RESULTS = HERE / "results"
TRANSFER_CLIENTS = ("raw aiohttp", "raw aiohttp+sha256", "moderately async", "moderately sync")
MIB = 1024 * 1024
CONCURRENT_ROUNDS_PER_ROUND = 3
"""Concurrency rounds for every round of sequential calls (each a short time-boxed window)."""


@contextmanager
def server(args: list[str], ready: str) -> Iterator[str]:
    """Run a server process until the block ends; yield the first output line matching ready."""
    proc = subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.PIPE, text=True, cwd=HERE.parent
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        seen: list[str] = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"server {args} exited: {''.join(seen)}")
            seen.append(line)
            if re.search(ready, line):
                break
        else:
            raise RuntimeError(f"server {args} did not start")
        # The rest of the banner, if any, is read by the caller from `seen`.
        yield "".join(seen)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@contextmanager
def raw_server() -> Iterator[str]:
    port = _free_port()
    with server([str(HERE / "raw_server.py"), str(port)], r"^ready"):
        _wait_for_port(port)
        yield f"http://127.0.0.1:{port}"


@contextmanager
def emulator() -> Iterator[Target]:
    """The emulator in its own process, with one agent created to be read back."""
    port = _free_port()
    with server(["-m", "moderately.testing", "--port", str(port)], r"Press Ctrl-C") as banner:
        env = dict(re.findall(r"(MODERATELY_\w+)=(\S+)", banner))
        import moderately

        with moderately.ModeratelyAI(
            api_key=env["MODERATELY_API_KEY"],
            team_id=env["MODERATELY_TEAM_ID"],
            base_url=env["MODERATELY_BASE_URL"],
        ) as client:
            agent = client.agents.create(name="benchmark agent", description="read back")
        yield Target(
            base_url=env["MODERATELY_BASE_URL"],
            api_key=env["MODERATELY_API_KEY"],
            team_id=env["MODERATELY_TEAM_ID"],
            agent_id=agent.agent_id,
        )


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int) -> None:
    import socket

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("benchmark server did not start")


def measure_sync(call: Any, n: int) -> tuple[float, float]:
    """(calls per second, client CPU milliseconds per call) for n sequential calls."""
    call()  # warm: connection open, caches filled
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(n):
        call()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return n / wall, cpu * 1000 / n


async def measure_async(adapter: AsyncAdapter, n: int) -> tuple[float, float]:
    """(calls per second, client CPU milliseconds per call) for n sequential calls."""
    await adapter.retrieve()  # warm: connection open, caches filled
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(n):
        await adapter.retrieve()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return n / wall, cpu * 1000 / n


async def measure_for(adapter: AsyncAdapter, seconds: float, in_flight: int) -> float:
    """Calls per second with ``in_flight`` calls at a time, over about ``seconds``.

    Time-boxed rather than counted: a fixed count of 1,000 calls lasts a tenth of a second for
    a fast client at 100 in flight (too short to measure) and many seconds for a slow one.
    """
    await asyncio.gather(*(adapter.retrieve() for _ in range(in_flight)))
    done = 0
    started = time.perf_counter()
    stop = started + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < stop:
            await adapter.retrieve()
            done += 1

    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return done / (time.perf_counter() - started)


def rotated(items: list[Any], r: int) -> list[Any]:
    """Round r's order: each client goes first in turn, so none always runs warm or cold."""
    k = r % len(items)
    return items[k:] + items[:k]


PAGINATION_CLIENTS = ("raw aiohttp", "moderately async")


def paginate_in_process(client: str, base_url: str, page_size: int) -> float:
    """Seconds for ``client`` to walk 10,000 items, in a fresh process (``paginate.py``)."""
    out = subprocess.run(
        [sys.executable, str(HERE / "paginate.py"), client, base_url, str(page_size)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=HERE.parent,
    )
    return float(json.loads(out.stdout)["seconds"])


IMPORT_PROBES = {
    "import moderately": "import moderately",
    "from moderately import AsyncModeratelyAI, ModeratelyAI": (
        "from moderately import AsyncModeratelyAI, ModeratelyAI"
    ),
    "import pydantic+aiohttp+tenacity+anyio": "import pydantic, aiohttp, tenacity, anyio",
}


def import_times(rounds: int) -> dict[str, float]:
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        for label, stmt in IMPORT_PROBES.items():
            code = f"import time; t=time.perf_counter(); {stmt}; print(time.perf_counter()-t)"
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            )
            samples[label].append(float(out.stdout))
    return {k: statistics.median(v) * 1000 for k, v in samples.items()}


def transfer_dir(size: int) -> Path:
    """A RAM-backed folder when there is room (so the disk is not what is measured)."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 3 * size:
        return shm
    return Path(tempfile.gettempdir())


def generate(path: Path, size: int) -> str:
    """Write ``size`` random bytes to ``path`` in chunks; return their SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as out:
        left = size
        while left:
            chunk = os.urandom(min(MIB, left))
            digest.update(chunk)
            out.write(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def transfers(rounds: int, size: int) -> dict[str, Any]:
    """Upload and download of one generated file, each client in a process of its own."""
    samples: dict[str, list[dict[str, Any]]] = defaultdict(list)
    workdir = Path(tempfile.mkdtemp(prefix="moderately-bench-", dir=transfer_dir(size)))
    try:
        blob = workdir / "blob.bin"
        sha256 = generate(blob, size)
        port = _free_port()
        with server([str(HERE / "storage_server.py"), str(port), str(blob)], r"^ready"):
            _wait_for_port(port)
            url = f"http://127.0.0.1:{port}/blob"
            for r in range(rounds):
                for client in rotated(list(TRANSFER_CLIENTS), r):
                    for direction in ("upload", "download"):
                        out = subprocess.run(
                            [
                                sys.executable,
                                str(HERE / "transfer.py"),
                                client,
                                direction,
                                url,
                                str(blob),
                                sha256,
                                str(workdir),
                            ],
                            capture_output=True,
                            text=True,
                            check=True,
                            timeout=600,
                        )
                        samples[f"{client} {direction}"].append(json.loads(out.stdout))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    med = statistics.median
    table: dict[str, Any] = {"file_mib": size / MIB, "folder": str(transfer_dir(size))}
    for key, runs in samples.items():
        row = {
            "mib_per_s": med(size / MIB / s["seconds"] for s in runs),
            "cpu_s": med(s["cpu_s"] for s in runs),
            "peak_rss_growth_mib": max((s["peak_kb"] - s["rss_before_kb"]) / 1024 for s in runs),
        }
        if "prepare_s" in runs[0]:
            # The SDK's hash-and-size pass that files.upload makes before streaming.
            row["streaming_mib_per_s"] = med(
                size / MIB / (s["seconds"] - s["prepare_s"]) for s in runs
            )
        table[key] = row
    return table


def machine() -> dict[str, Any]:
    model = ""
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / MIB, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=HERE,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "moderately", "benchmarks"],
            capture_output=True,
            text=True,
            check=True,
            cwd=HERE.parent,  # the pathspecs are relative to the repository's root
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")


def run(
    rounds: int, calls: int, transfer_mib: int, import_rounds: int, concurrent_seconds: float
) -> dict[str, Any]:
    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(),
        "machine": machine(),
        "load_average_at_start": os.getloadavg(),
        "rounds": rounds,
        "calls": calls,
    }
    seq_rate: dict[str, list[float]] = defaultdict(list)
    seq_cpu: dict[str, list[float]] = defaultdict(list)
    conc: dict[str, list[float]] = defaultdict(list)
    pages: dict[str, list[float]] = defaultdict(list)
    e2e_rate: dict[str, list[float]] = defaultdict(list)
    e2e_cpu: dict[str, list[float]] = defaultdict(list)

    def sync_part(
        target: Target, rate: dict[str, list[float]], cpu: dict[str, list[float]]
    ) -> None:
        sync = sync_adapters(target)
        for r in range(rounds):
            for adapter in rotated(sync, r):
                per_s, ms = measure_sync(adapter.retrieve, calls)
                rate[adapter.name].append(per_s)
                cpu[adapter.name].append(ms)
        for adapter in sync:
            adapter.close()

    with raw_server() as base_url:
        sync_part(Target(base_url), seq_rate, seq_cpu)

        async def async_part() -> None:
            adapters = await async_adapters(Target(base_url))
            for r in range(rounds):
                for adapter in rotated(adapters, r):
                    rate, cpu = await measure_async(adapter, calls)
                    seq_rate[adapter.name].append(rate)
                    seq_cpu[adapter.name].append(cpu)
            # Short windows, many rounds, each client in turn: the machine's load drifts on a
            # scale of seconds, so a few long windows per client compare different moments.
            for in_flight in (10, 100):
                for r in range(CONCURRENT_ROUNDS_PER_ROUND * rounds):
                    for adapter in rotated(adapters, r):
                        rate = await measure_for(adapter, concurrent_seconds, in_flight)
                        conc[f"{adapter.name} @{in_flight}"].append(rate)
            for adapter in adapters:
                await adapter.close()
            for r in range(rounds):
                for name in rotated(list(PAGINATION_CLIENTS), r):
                    pages[name].append(paginate_in_process(name, base_url, 100))

        asyncio.run(async_part())

    with emulator() as target:
        sync_part(target, e2e_rate, e2e_cpu)

        async def async_e2e() -> None:
            adapters = await async_adapters(target)
            for r in range(rounds):
                for adapter in rotated(adapters, r):
                    rate, cpu = await measure_async(adapter, calls)
                    e2e_rate[adapter.name].append(rate)
                    e2e_cpu[adapter.name].append(cpu)
            for adapter in adapters:
                await adapter.close()

        asyncio.run(async_e2e())

    med = statistics.median
    results["sequential_calls_per_s"] = {k: med(v) for k, v in seq_rate.items()}
    results["cpu_ms_per_call"] = {k: med(v) for k, v in seq_cpu.items()}
    results["concurrent_calls_per_s"] = {k: med(v) for k, v in conc.items()}
    results["pagination_10k_s"] = {k: med(v) for k, v in pages.items()}
    results["emulator_sequential_calls_per_s"] = {k: med(v) for k, v in e2e_rate.items()}
    results["emulator_cpu_ms_per_call"] = {k: med(v) for k, v in e2e_cpu.items()}
    results["transfers"] = transfers(max(1, rounds // 2 + 1), transfer_mib * MIB)
    results["import_ms"] = import_times(import_rounds)
    results["load_average_at_end"] = os.getloadavg()
    results["ratios"] = ratios(results)
    return results


def ratios(r: dict[str, Any]) -> dict[str, float | None]:
    def get(table: str, key: str, field: str | None = None) -> float | None:
        value = r[table].get(key)
        if field is not None:
            value = None if value is None else value.get(field)
        return float(value) if value else None

    def div(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a / b

    cpu, seq, conc = "cpu_ms_per_call", "sequential_calls_per_s", "concurrent_calls_per_s"
    e2e, tr, imp = "emulator_sequential_calls_per_s", "transfers", "import_ms"
    out = {
        "async cpu/call vs raw aiohttp (<= 1.5)": div(
            get(cpu, "moderately async"), get(cpu, "raw aiohttp")
        ),
        "async @100 calls/s vs raw aiohttp (>= 0.75)": div(
            get(conc, "moderately async @100"), get(conc, "raw aiohttp @100")
        ),
        "sync calls/s vs httpx.Client (>= 1.2)": div(
            get(seq, "moderately sync"), get(seq, "httpx.Client")
        ),
        "sync calls/s vs moderatelyai-sdk sync (>= 1.3)": div(
            get(seq, "moderately sync"), get(seq, "moderatelyai-sdk sync")
        ),
        "pagination 10k time vs raw aiohttp (<= 1.2)": div(
            get("pagination_10k_s", "moderately async"), get("pagination_10k_s", "raw aiohttp")
        ),
        "import moderately vs deps (<= 1.1)": div(
            get(imp, "import moderately"), get(imp, "import pydantic+aiohttp+tenacity+anyio")
        ),
        "import both clients vs deps (<= 1.1)": div(
            get(imp, "from moderately import AsyncModeratelyAI, ModeratelyAI"),
            get(imp, "import pydantic+aiohttp+tenacity+anyio"),
        ),
        "emulator: sync calls/s vs httpx.Client (info)": div(
            get(e2e, "moderately sync"), get(e2e, "httpx.Client")
        ),
        "emulator: async calls/s vs raw aiohttp (info)": div(
            get(e2e, "moderately async"), get(e2e, "raw aiohttp")
        ),
    }
    for client in ("moderately async", "moderately sync"):
        for direction in ("upload", "download"):
            base = get(tr, f"raw aiohttp {direction}", "mib_per_s")
            out[f"{client} {direction} MiB/s vs raw aiohttp (>= 0.8)"] = div(
                get(tr, f"{client} {direction}", "mib_per_s"), base
            )
            if direction == "upload":
                out[f"{client} upload streaming only vs raw aiohttp (>= 0.8)"] = div(
                    get(tr, f"{client} upload", "streaming_mib_per_s"), base
                )
    growth = [
        row["peak_rss_growth_mib"]
        for key, row in r[tr].items()
        if isinstance(row, dict) and key.startswith("moderately")
    ]
    for direction in ("upload", "download"):
        out[f"moderately async {direction} vs raw aiohttp+sha256 (info)"] = div(
            get(tr, f"moderately async {direction}", "mib_per_s"),
            get(tr, f"raw aiohttp+sha256 {direction}", "mib_per_s"),
        )
    out["max SDK peak RSS growth in a transfer, MiB (< 64)"] = max(growth) if growth else None
    return out


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [
        f"Run {r['date']}, commit {r['commit']}; {m['cpu']}, {m['cores']} cores, "
        f"{m['memory_gib']} GiB, {m['os']}, Python {m['python']}; load average "
        f"{r['load_average_at_start'][0]:.2f} at start, {r['load_average_at_end'][0]:.2f} at end.",
        f"Rounds: {r['rounds']}, calls per measurement: {r['calls']}, "
        f"transfer file: {r['transfers']['file_mib']:.0f} MiB in {r['transfers']['folder']}",
        "",
        "| ratio (target) | value |",
        "|---|---|",
    ]
    for k, v in r["ratios"].items():
        lines.append(f"| {k} | {'n/a' if v is None else f'{v:.2f}'} |")
    for table, unit in (
        ("sequential_calls_per_s", "calls/s (raw server)"),
        ("cpu_ms_per_call", "client CPU ms/call (raw server)"),
        ("concurrent_calls_per_s", "calls/s (raw server)"),
        ("pagination_10k_s", "seconds for 10,000 items"),
        ("emulator_sequential_calls_per_s", "calls/s (emulator)"),
        ("emulator_cpu_ms_per_call", "client CPU ms/call (emulator)"),
        ("import_ms", "ms"),
    ):
        lines += ["", f"| {table} | {unit} |", "|---|---|"]
        for k, v in sorted(r[table].items(), key=lambda kv: kv[0]):
            lines.append(f"| {k} | {v:.3f} |")
    lines += [
        "",
        "| transfer | MiB/s | streaming only MiB/s | client CPU s | peak RSS growth MiB |",
        "|---|---|---|---|---|",
    ]
    for k, row in sorted(r["transfers"].items()):
        if isinstance(row, dict):
            streaming = row.get("streaming_mib_per_s")
            lines.append(
                f"| {k} | {row['mib_per_s']:.0f} | "
                f"{'' if streaming is None else f'{streaming:.0f}'} | {row['cpu_s']:.2f} | "
                f"{row['peak_rss_growth_mib']:.1f} |"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument(
        "--concurrent-seconds", type=float, default=0.5, help="length of each concurrency run"
    )
    parser.add_argument("--transfer-mib", type=int, default=1024, help="size of the file moved")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 2 rounds of 200 calls, 0.1 s concurrency runs, a 64 MiB file",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the results")
    args = parser.parse_args()
    if args.quick:
        rounds, calls, mib, import_rounds, seconds = 2, 200, 64, 3, 0.1
    else:
        rounds, calls, mib, import_rounds = args.rounds, args.calls, args.transfer_mib, 7
        seconds = args.concurrent_seconds
    results = run(rounds, calls, mib, import_rounds, seconds)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(results, indent=2))
    summary = markdown(results)
    (args.out / "latest.md").write_text(summary + "\n")
    print(summary)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
