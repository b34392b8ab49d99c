"""Run the benchmark suite and write results/latest.json plus a markdown summary.

Every client is measured in the same run, interleaved round by round, and the medians are
compared as ratios: absolute numbers drift between runs on a shared machine, ratios much less.

    python benchmarks/run.py [--rounds 5] [--calls 1000] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from clients import AsyncAdapter, async_adapters, sync_adapters  # noqa: E402

RESULTS = HERE / "results"


@contextmanager
def raw_server() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "raw_server.py"), str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        _wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


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


async def measure_async(adapter: AsyncAdapter, n: int, in_flight: int) -> tuple[float, float]:
    await adapter.retrieve()
    remaining = n

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await adapter.retrieve()

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return n / wall, cpu * 1000 / n


async def pagination(base_url: str, page_size: int) -> dict[str, float]:
    import aiohttp

    import moderately

    out: dict[str, float] = {}
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        page, count = 1, 0
        while True:
            async with session.get(
                f"{base_url}/agents", params={"page": page, "pageSize": page_size}
            ) as resp:
                body = json.loads(await resp.read())
            count += len(body["items"])
            if not body["pagination"]["hasNextPage"]:
                break
            page += 1
        out["raw aiohttp"] = time.perf_counter() - started
        assert count == 10_000, count
    async with moderately.AsyncModeratelyAI(
        api_key="k", team_id="team_benchmark_000001", base_url=base_url
    ) as client:
        started = time.perf_counter()
        count = 0
        async for _ in client.agents.list(page_size=page_size):
            count += 1
        out["moderately async"] = time.perf_counter() - started
        assert count == 10_000, count
    return out


def import_times(rounds: int) -> dict[str, float]:
    probes = {
        "import moderately": "import moderately",
        "import pydantic+aiohttp+tenacity+anyio": "import pydantic, aiohttp, tenacity, anyio",
    }
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        for label, stmt in probes.items():
            code = f"import time; t=time.perf_counter(); {stmt}; print(time.perf_counter()-t)"
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            )
            samples[label].append(float(out.stdout))
    return {k: statistics.median(v) * 1000 for k, v in samples.items()}


def run(rounds: int, calls: int) -> dict[str, Any]:
    results: dict[str, Any] = {"rounds": rounds, "calls": calls, "python": sys.version}
    seq_rate: dict[str, list[float]] = defaultdict(list)
    seq_cpu: dict[str, list[float]] = defaultdict(list)
    conc: dict[str, list[float]] = defaultdict(list)
    pages: dict[str, list[float]] = defaultdict(list)
    with raw_server() as base_url:
        sync = sync_adapters(base_url)
        for r in range(rounds):
            order = sync[r % len(sync) :] + sync[: r % len(sync)]
            for adapter in order:
                rate, cpu = measure_sync(adapter.retrieve, calls)
                seq_rate[adapter.name].append(rate)
                seq_cpu[adapter.name].append(cpu)
        for adapter in sync:
            adapter.close()

        async def async_part() -> None:
            adapters = await async_adapters(base_url)
            for r in range(rounds):
                order = adapters[r % len(adapters) :] + adapters[: r % len(adapters)]
                for adapter in order:
                    rate, cpu = await measure_async(adapter, calls, 1)
                    seq_rate[adapter.name].append(rate)
                    seq_cpu[adapter.name].append(cpu)
                    for in_flight in (10, 100):
                        rate, _ = await measure_async(adapter, calls, in_flight)
                        conc[f"{adapter.name} @{in_flight}"].append(rate)
            for adapter in adapters:
                await adapter.close()
            for _ in range(rounds):
                for name, seconds in (await pagination(base_url, 100)).items():
                    pages[name].append(seconds)

        asyncio.run(async_part())
    med = statistics.median
    results["sequential_calls_per_s"] = {k: med(v) for k, v in seq_rate.items()}
    results["cpu_ms_per_call"] = {k: med(v) for k, v in seq_cpu.items()}
    results["concurrent_calls_per_s"] = {k: med(v) for k, v in conc.items()}
    results["pagination_10k_s"] = {k: med(v) for k, v in pages.items()}
    results["import_ms"] = import_times(max(5, rounds))
    results["ratios"] = ratios(results)
    return results


def ratios(r: dict[str, Any]) -> dict[str, float | None]:
    def get(table: str, key: str) -> float | None:
        value = r[table].get(key)
        return float(value) if value else None

    def div(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a / b

    cpu, seq, conc = "cpu_ms_per_call", "sequential_calls_per_s", "concurrent_calls_per_s"
    return {
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
        "import time vs deps (<= 1.1)": div(
            get("import_ms", "import moderately"),
            get("import_ms", "import pydantic+aiohttp+tenacity+anyio"),
        ),
    }


def markdown(r: dict[str, Any]) -> str:
    lines = [f"Rounds: {r['rounds']}, calls per measurement: {r['calls']}", ""]
    lines += ["| ratio (target) | value |", "|---|---|"]
    for k, v in r["ratios"].items():
        lines.append(f"| {k} | {'n/a' if v is None else f'{v:.2f}'} |")
    for table, unit in (
        ("sequential_calls_per_s", "calls/s"),
        ("cpu_ms_per_call", "client CPU ms/call"),
        ("concurrent_calls_per_s", "calls/s"),
        ("pagination_10k_s", "seconds for 10,000 items"),
        ("import_ms", "ms"),
    ):
        lines += ["", f"| {table} | {unit} |", "|---|---|"]
        for k, v in sorted(r[table].items(), key=lambda kv: kv[0]):
            lines.append(f"| {k} | {v:.3f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="2 rounds of 200 calls")
    args = parser.parse_args()
    rounds, calls = (2, 200) if args.quick else (args.rounds, args.calls)
    results = run(rounds, calls)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2))
    summary = markdown(results)
    (RESULTS / "latest.md").write_text(summary + "\n")
    print(summary)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
