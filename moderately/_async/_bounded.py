"""Running many calls with at most N at a time, keeping input order and every failure.

Failure policy (shared by ``upload_many`` and ``download_many``): every call runs to its end
even when another fails, so a slow failure never leaves half-finished transfers behind. Then,
if any failed, the error of the earliest failing input (in input order, not in time) is raised
as itself, so ``except NotFoundError`` still works, with one note per other failure and a note
saying how many succeeded. An ``ExceptionGroup`` was the alternative; it would force every
caller onto ``except*`` for the common case of a single failure.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import anyio

from .._errors import InvalidArgumentError

# unasync: sync-only begin
# from concurrent.futures import ThreadPoolExecutor
# unasync: sync-only end

T = TypeVar("T")


def check_concurrency(concurrency: object) -> int:
    """Return ``concurrency`` if it is an int >= 1, else raise before anything starts."""
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise InvalidArgumentError(f"concurrency must be an int >= 1; got {concurrency!r}")
    return concurrency


async def run_bounded(calls: Sequence[Callable[[], Awaitable[T]]], concurrency: int) -> list[T]:
    """Run ``calls`` with at most ``concurrency`` at once; results in input order."""
    check_concurrency(concurrency)
    results: dict[int, T] = {}
    errors: dict[int, Exception] = {}
    if not calls:
        return []
    # unasync: async-only begin
    limiter = anyio.CapacityLimiter(concurrency)

    async def one(index: int, call: Callable[[], Awaitable[T]]) -> None:
        async with limiter:
            try:
                results[index] = await call()
            except Exception as exc:  # kept, so that the other calls run on
                errors[index] = exc

    async with anyio.create_task_group() as group:
        for index, call in enumerate(calls):
            group.start_soon(one, index, call)
    # unasync: async-only end
    # unasync: sync-only begin
    # # Threads, not the event loop: each sync call blocks its own worker, while the network
    # # I/O of all of them still shares the client's background loop and connection pool.
    # workers = min(concurrency, len(calls))
    # with ThreadPoolExecutor(workers, thread_name_prefix="moderately-transfer") as pool:
    #     futures = [pool.submit(call) for call in calls]
    #     for index, future in enumerate(futures):
    #         try:
    #             results[index] = future.result()
    #         except Exception as exc:  # kept, so that the other calls run on
    #             errors[index] = exc
    # unasync: sync-only end
    return collect(len(calls), results, errors)


def collect(count: int, results: dict[int, T], errors: dict[int, Exception]) -> list[T]:
    """The results in input order, or the earliest failure with the others noted on it."""
    if not errors:
        return [results[index] for index in range(count)]
    order = sorted(errors)
    first = errors[order[0]]
    for index in order[1:]:
        other = errors[index]
        first.add_note(f"also failed: item {index}: {type(other).__name__}: {other}")
    first.add_note(
        f"{len(errors)} of {count} items failed (first: item {order[0]}); {len(results)} succeeded"
    )
    raise first
