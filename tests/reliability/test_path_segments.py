"""Every id reaches the server as exactly one path segment, whatever it contains.

The server records the raw request path as it arrived on the socket (before any decoding), so
nothing between the SDK and the wire (yarl, aiohttp) can have "fixed" the path unseen.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_support import CANARY_KEY, ScriptedServer, status_responder

from moderately import ModeratelyAI, NotFoundError


@pytest.fixture(scope="module")
def recorder() -> Iterator[tuple[ScriptedServer, ModeratelyAI]]:
    """A server answering 404 to everything, and a sync client of it (no retries)."""
    with (
        ScriptedServer(status_responder(404)) as server,
        ModeratelyAI(api_key=CANARY_KEY, base_url=server.url, max_retries=0) as client,
    ):
        yield server, client


def sent_segment(server: ScriptedServer, client: ModeratelyAI, agent_id: str) -> str:
    """The raw segment after ``/agents/`` that the server saw for ``retrieve(agent_id)``."""
    before = server.count()
    with pytest.raises(NotFoundError):
        client.agents.retrieve(agent_id)
    assert server.count() == before + 1
    raw = server.seen[-1].raw_path
    assert raw.startswith("/agents/")
    return raw.removeprefix("/agents/")


def assert_one_segment(segment: str, agent_id: str) -> None:
    """``segment`` is a single, undecoded-safe path segment that decodes to ``agent_id``."""
    assert "/" not in segment
    assert "?" not in segment
    assert "#" not in segment
    assert segment not in {".", ".."}
    assert unquote(segment) == agent_id


HOSTILE = [
    "../x",
    "a/b",
    "a?b",
    "a#b",
    ".",
    "..",
    "...",
    "%2e%2e",
    "%2F",
    "a%00b",
    "é/ü",
    "🙂?#",
    " ",
]


@pytest.mark.parametrize("agent_id", HOSTILE)
def test_hostile_ids_stay_one_segment(
    recorder: tuple[ScriptedServer, ModeratelyAI], agent_id: str
) -> None:
    server, client = recorder
    assert_one_segment(sent_segment(server, client, agent_id), agent_id)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(agent_id=st.text(min_size=1, max_size=40))
def test_any_text_id_stays_one_segment(
    recorder: tuple[ScriptedServer, ModeratelyAI], agent_id: str
) -> None:
    server, client = recorder
    assert_one_segment(sent_segment(server, client, agent_id), agent_id)
