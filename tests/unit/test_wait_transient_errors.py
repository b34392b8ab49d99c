"""wait_until_terminal: which poll failures it polls through and which it hands back at once."""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import aiohttp
import anyio
import pytest
from aiohttp.client_reqrep import ConnectionKey

from moderately import APIConnectionError, InternalServerError
from moderately._async._polling import wait_until_terminal


@dataclass
class Run:
    """A stand-in execution: terminal once ``done`` is set."""

    done: bool = False

    @property
    def is_terminal(self) -> bool:
        """True once the run has ended."""
        return self.done


def certificate_failure() -> APIConnectionError:
    """What the transport raises when the server's certificate fails verification."""
    blank = ConnectionKey(*([None] * len(ConnectionKey._fields)))
    key = blank._replace(host="api.unit.test", port=443, is_ssl=True)
    cause = aiohttp.ClientConnectorCertificateError(key, ssl.SSLCertVerificationError("bad"))
    error = APIConnectionError(
        "TLS certificate verification failed", outcome_unknown=False, method="GET", url="u"
    )
    error.__cause__ = cause
    return error


@pytest.mark.anyio
async def test_a_certificate_failure_ends_the_wait_at_once() -> None:
    polls: list[Run] = []

    async def poll(run: Run) -> Run:
        polls.append(run)
        raise certificate_failure()

    # timeout=None: were the failure taken as transient, the wait would never end, so the
    # test bounds it itself (a TimeoutError from fail_after means the failure was polled).
    with anyio.fail_after(5), pytest.raises(APIConnectionError, match="certificate"):
        await wait_until_terminal(poll, Run(), timeout=None, poll_interval=0.001)
    assert len(polls) == 1


@pytest.mark.anyio
async def test_transient_poll_failures_are_polled_through() -> None:
    failures: list[Exception] = [
        APIConnectionError("reset", outcome_unknown=True, method="GET", url="u"),
        InternalServerError("boom", status_code=500, headers={}, method="GET", url="u"),
    ]

    async def poll(run: Run) -> Run:
        if failures:
            raise failures.pop(0)
        return Run(done=True)

    finished = await wait_until_terminal(poll, Run(), timeout=5.0, poll_interval=0.001)
    assert finished.is_terminal
    assert failures == []
