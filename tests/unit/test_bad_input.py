"""Arguments that can never be valid fail before anything is sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aioresponses import aioresponses
from unit_support import agent_json, count, only, url

from moderately import AsyncModeratelyAI, InvalidArgumentError, ModeratelyError
from moderately._params import check_choice, join_choices, join_ids, join_numbers, list_query

Call = Callable[[AsyncModeratelyAI], Awaitable[Any]]

BAD_CALLS: dict[str, Call] = {
    "retrieve(123)": lambda c: c.agents.retrieve(123),
    "retrieve(None)": lambda c: c.agents.retrieve(None),
    "retrieve('')": lambda c: c.agents.retrieve(""),
    "retrieve(lone surrogate)": lambda c: c.agents.retrieve("\ud800"),
    "delete(1.5)": lambda c: c.agents.delete(1.5),
    "update(7)": lambda c: c.agents.update(7, name="n"),
    "create(name=5)": lambda c: c.agents.create(name=5),
    "create(name='')": lambda c: c.agents.create(name=""),
    "create(name=256)": lambda c: c.agents.create(name="x" * 256),
    "create(description=1001)": lambda c: c.agents.create(name="n", description="d" * 1001),
    "create(team_id=5)": lambda c: c.agents.create(name="n", team_id=5),
    "update(name='')": lambda c: c.agents.update("a", name=""),
    "update(name=None)": lambda c: c.agents.update("a", name=None),
    "update(unknown field)": lambda c: c.agents.update("a", colour="red"),
    "teams.create(name='')": lambda c: c.teams.create(name=""),
    "users.update(full_name=3)": lambda c: c.users.update("u", full_name=3),
    "list(page=0)": lambda c: c.agents.list(page=0),
    "list(page=-1)": lambda c: c.agents.list(page=-1),
    "list(page=True)": lambda c: c.agents.list(page=True),
    "list(page='2')": lambda c: c.agents.list(page="2"),
    "list(page_size=0)": lambda c: c.agents.list(page_size=0),
    "list(page_size=1001)": lambda c: c.agents.list(page_size=1001),
    "list(page_size=2.5)": lambda c: c.agents.list(page_size=2.5),
    "list(order_by='bogus')": lambda c: c.agents.list(order_by="bogus"),
    "list(order_by camel)": lambda c: c.agents.list(order_by="createdAt"),
    "list(order_direction)": lambda c: c.agents.list(order_direction="up"),
    "list(agent_ids=[''])": lambda c: c.agents.list(agent_ids=[""]),
    "list(agent_ids=['a,b'])": lambda c: c.agents.list(agent_ids=["a,b"]),
    "list(agent_ids=[])": lambda c: c.agents.list(agent_ids=[]),
    "list(agent_ids=[1])": lambda c: c.agents.list(agent_ids=[1]),
    "list(name_like=object)": lambda c: c.agents.list(name_like=object()),
    "users.list(order_by='name')": lambda c: c.users.list(order_by="name"),
    "teams.list(page_size=-5)": lambda c: c.teams.list(page_size=-5),
}


@pytest.mark.anyio
@pytest.mark.parametrize("make_call", list(BAD_CALLS.values()), ids=list(BAD_CALLS))
async def test_bad_arguments_fail_before_sending(
    api: aioresponses, client: AsyncModeratelyAI, make_call: Call
) -> None:
    api.get(url("/agents/a"), payload=agent_json("a"), repeat=True)
    with pytest.raises(InvalidArgumentError) as caught:
        await make_call(client)
    assert isinstance(caught.value, ModeratelyError)
    assert isinstance(caught.value, ValueError)
    assert count(api) == 0


@pytest.mark.anyio
async def test_list_iteration_with_bad_arguments_sends_nothing(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    with pytest.raises(InvalidArgumentError, match="page_size"):
        async for _ in client.agents.list(page_size=1001):
            pass
    assert count(api) == 0


@pytest.mark.anyio
async def test_messages_name_the_bad_argument(client: AsyncModeratelyAI) -> None:
    with pytest.raises(InvalidArgumentError, match="agent_id"):
        await client.agents.retrieve(123)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="name"):
        await client.agents.create(name="")
    with pytest.raises(InvalidArgumentError, match="page_size"):
        await client.agents.list(page_size=1001)
    with pytest.raises(InvalidArgumentError, match="order_by"):
        await client.agents.list(order_by="bogus")  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_boundary_values_are_accepted(api: aioresponses, client: AsyncModeratelyAI) -> None:
    api.post(url("/agents"), status=201, payload=agent_json())
    await client.agents.create(name="x" * 255, description="d" * 1000)
    assert count(api) == 1


def test_list_query_limits() -> None:
    common: dict[str, Any] = {
        "order_by": None,
        "order_by_allowed": ("name",),
        "order_direction": None,
        "filters": {},
    }
    assert list_query(page=1, page_size=1, **common) == {"pageSize": 1}
    assert list_query(page=1, page_size=1000, **common) == {"pageSize": 1000}
    assert list_query(page=1, page_size=None, **common) == {}


def test_join_ids() -> None:
    assert join_ids(None, "ids") is None
    assert join_ids("one", "ids") == "one"
    assert join_ids(["a", "b"], "ids") == "a,b"
    assert join_ids(iter(("a", "b", "c")), "ids") == "a,b,c"
    with pytest.raises(InvalidArgumentError, match="ids"):
        join_ids([], "ids")


def test_join_choices() -> None:
    allowed = ("admin", "member")
    assert join_choices(None, allowed, "roles") is None
    assert join_choices("admin", allowed, "roles") == "admin"
    assert join_choices(("member", "admin"), allowed, "roles") == "member,admin"
    for bad in ([], "owner", ["admin", ""], "admin,member"):
        with pytest.raises(InvalidArgumentError, match="roles"):
            join_choices(bad, allowed, "roles")


def test_join_numbers() -> None:
    assert join_numbers(None, "version_numbers") is None
    assert join_numbers(0, "version_numbers") == "0"
    assert join_numbers(iter((1, 2)), "version_numbers") == "1,2"
    for bad in ([], [-1], True, [1, "2"]):
        with pytest.raises(InvalidArgumentError, match="version_numbers"):
            join_numbers(bad, "version_numbers")


def test_check_choice() -> None:
    check_choice("action", None, ("create",))
    check_choice("action", "create", ("create",))
    with pytest.raises(InvalidArgumentError, match="action"):
        check_choice("action", "destroy", ("create",))


@pytest.mark.anyio
async def test_an_unusual_but_valid_id_is_sent(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    api.get(url("/agents/%20%E2%9C%93"), payload=agent_json(" ✓"))
    await client.agents.retrieve(" ✓")
    assert only(api)[1].raw_path == "/agents/%20%E2%9C%93"


def test_a_list_argument_that_is_not_a_list_is_refused_clearly() -> None:
    # A number where ids (or choices, or numbers) are expected used to escape as TypeError.
    with pytest.raises(InvalidArgumentError, match=r"team_ids must be one str value.*got int"):
        join_ids(42, "team_ids")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match=r"versions must be one int value.*got float"):
        join_numbers(1.5, "versions")  # type: ignore[arg-type]
