"""Hooks over a real socket: model overrides, client hooks, order, errors; async and sync."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from _fake_platform import TEAM_ID, FakePlatform

from moderately import (
    Agent,
    APIConnectionError,
    APIResponseValidationError,
    AsyncAgent,
    AsyncModeratelyAI,
    AsyncTeam,
    HookContext,
    ModeratelyAI,
    NotFoundError,
    Operation,
    Outcome,
    Replace,
    Team,
)


def _cached_async() -> AsyncAgent:
    return AsyncAgent(agent_id="agent_cached", team_id=TEAM_ID, name="Cached")


# --------------------------------------------------------------------------- model overrides


@pytest.mark.anyio
async def test_before_get_replace_sends_nothing(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    class CachedAgent(AsyncAgent):
        @classmethod
        async def before_get(cls, ctx: HookContext[Any]) -> Replace[Any] | None:
            assert ctx.operation is Operation.GET
            assert ctx.params == {"agent_id": "agent_anything"}
            return Replace(cls(agent_id=ctx.params["agent_id"], team_id=TEAM_ID, name="From cache"))

    async with AsyncModeratelyAI(**client_kwargs) as client:
        agent = await CachedAgent.get(client, "agent_anything")
    assert isinstance(agent, CachedAgent)
    assert agent.name == "From cache"
    assert platform.seen() == []


@pytest.mark.anyio
async def test_after_get_replaces_the_result(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Real")
    outcomes: list[Outcome[Any]] = []

    class Renamed(AsyncAgent):
        @classmethod
        async def after_get(
            cls, ctx: HookContext[Any], outcome: Outcome[Any]
        ) -> Replace[Any] | None:
            outcomes.append(outcome)
            assert outcome.result is not None
            return Replace(outcome.result.model_copy(update={"name": "Replaced"}))

    async with AsyncModeratelyAI(**client_kwargs) as client:
        agent = await Renamed.get(client, agent_id)
    assert agent.name == "Replaced"
    assert len(platform.seen(method="GET", path=f"/agents/{agent_id}")) == 1
    assert outcomes[0].ok
    assert isinstance(outcomes[0].result, Renamed)
    assert outcomes[0].result.name == "Real"


@pytest.mark.anyio
async def test_after_get_keeping_a_404_reraises_the_same_error(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    seen: list[tuple[BaseException | None, BaseException | None]] = []

    class Watching(AsyncAgent):
        @classmethod
        async def after_get(
            cls, ctx: HookContext[Any], outcome: Outcome[Any]
        ) -> Replace[Any] | None:
            assert not outcome.ok
            seen.append((outcome.error, outcome.error.__cause__ if outcome.error else None))
            return None

    async with AsyncModeratelyAI(**client_kwargs) as client:
        with pytest.raises(NotFoundError) as info:
            await Watching.get(client, "agent_missing")
    error, cause = seen[0]
    assert info.value is error
    assert info.value.__cause__ is cause
    assert info.value.status_code == 404
    assert info.value.request_id == "req_1"


@pytest.mark.anyio
async def test_after_get_can_swallow_a_404(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    class Defaulting(AsyncAgent):
        @classmethod
        async def after_get(
            cls, ctx: HookContext[Any], outcome: Outcome[Any]
        ) -> Replace[Any] | None:
            if isinstance(outcome.error, NotFoundError):
                return Replace(cls(agent_id=ctx.params["agent_id"], team_id=TEAM_ID, name="?"))
            return None

    async with AsyncModeratelyAI(**client_kwargs) as client:
        agent = await Defaulting.get(client, "agent_missing")
    assert agent.name == "?"
    assert [r.status for r in platform.seen()] == [404]


@pytest.mark.anyio
async def test_errors_with_a_cause_keep_type_and_cause_through_hooks(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    kept: list[BaseException] = []

    class Passing(AsyncAgent):
        @classmethod
        async def after_get(
            cls, ctx: HookContext[Any], outcome: Outcome[Any]
        ) -> Replace[Any] | None:
            assert outcome.error is not None
            kept.append(outcome.error)
            return None

    async def client_after(ctx: HookContext[Any], outcome: Outcome[Any]) -> Replace[Any] | None:
        assert outcome.error is kept[-1]
        return None

    agent_id = platform.add_agent("Broken")
    del platform.agents[agent_id]["teamId"]
    async with AsyncModeratelyAI(**client_kwargs, max_retries=0) as client:
        client.hooks.add_after(client_after)
        # One drop: the SDK turns off aiohttp's own silent re-send, so max_retries=0 means one
        # attempt (tests/reliability/test_retry_protocol.py counts them).
        platform.drop_next(1)
        with pytest.raises(APIConnectionError) as dropped:
            await Passing.get(client, agent_id)
        with pytest.raises(APIResponseValidationError) as mismatch:
            await Passing.get(client, agent_id)
    assert dropped.value is kept[0]
    assert isinstance(dropped.value.__cause__, aiohttp.ClientError)
    assert mismatch.value is kept[1]
    assert mismatch.value.__cause__ is not None
    assert type(mismatch.value.__cause__).__name__ == "ValidationError"


@pytest.mark.anyio
async def test_hook_raising_its_own_error_with_a_cause(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    class Refused(PermissionError):
        pass

    class Guarded(AsyncAgent):
        @classmethod
        async def before_get(cls, ctx: HookContext[Any]) -> Replace[Any] | None:
            try:
                {}["policy"]
            except KeyError as exc:
                raise Refused("not allowed") from exc
            return None

    async with AsyncModeratelyAI(**client_kwargs) as client:
        with pytest.raises(Refused) as info:
            await Guarded.get(client, "agent_1")
    assert isinstance(info.value.__cause__, KeyError)
    assert platform.seen() == []


@pytest.mark.anyio
async def test_model_hooks_also_run_for_search(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    for i in range(5):
        platform.add_agent(f"A{i}")
    pages: list[int] = []

    class Counting(AsyncAgent):
        @classmethod
        async def before_search(cls, ctx: HookContext[Any]) -> Replace[Any] | None:
            pages.append(ctx.params["page"])
            return None

    async with AsyncModeratelyAI(**client_kwargs) as client:
        names = [a.name async for a in Counting.search(client, {"pageSize": 2})]
    assert names == [f"A{i}" for i in range(5)]
    assert pages == [1, 2, 3]
    assert [r.query["page"] for r in platform.seen()] == ["1", "2", "3"]


@pytest.mark.anyio
async def test_namespace_uses_the_base_model(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    # Documents current behaviour: client.agents knows only AsyncAgent, so a subclass's
    # overrides apply only when its classmethods are called directly.
    calls: list[str] = []

    class Mine(AsyncAgent):
        @classmethod
        async def before_get(cls, ctx: HookContext[Any]) -> Replace[Any] | None:
            calls.append("mine")
            return None

    agent_id = platform.add_agent("Support")
    async with AsyncModeratelyAI(**client_kwargs) as client:
        via_namespace = await client.agents.retrieve(agent_id)
        direct = await Mine.get(client, agent_id)
    assert type(via_namespace) is AsyncAgent
    assert type(direct) is Mine
    assert calls == ["mine"]


# --------------------------------------------------------------------------- client hooks


@pytest.mark.anyio
async def test_hook_order_client_model_op_model_client(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    order: list[str] = []
    agent_id = platform.add_agent("Support")

    class Ordered(AsyncAgent):
        @classmethod
        async def before_get(cls, ctx: HookContext[Any]) -> Replace[Any] | None:
            order.append(f"model before ({len(platform.seen())} sent)")
            return None

        @classmethod
        async def after_get(
            cls, ctx: HookContext[Any], outcome: Outcome[Any]
        ) -> Replace[Any] | None:
            order.append(f"model after ({len(platform.seen())} sent)")
            return None

    async def client_before_1(ctx: HookContext[Any]) -> None:
        order.append("client before 1")

    async def client_before_2(ctx: HookContext[Any]) -> None:
        order.append("client before 2")

    async def client_after_1(ctx: HookContext[Any], outcome: Outcome[Any]) -> None:
        order.append("client after 1")

    async def client_after_2(ctx: HookContext[Any], outcome: Outcome[Any]) -> None:
        order.append("client after 2")

    async with AsyncModeratelyAI(**client_kwargs) as client:
        client.hooks.add_before(client_before_1)
        client.hooks.add_after(client_after_1, operation="get")
        client.hooks.add_before(client_before_2, operation=Operation.GET, resource=AsyncAgent)
        client.hooks.add_after(client_after_2, resource=AsyncAgent)
        await Ordered.get(client, agent_id)
    assert order == [
        "client before 1",
        "client before 2",
        "model before (0 sent)",
        "model after (1 sent)",
        "client after 1",
        "client after 2",
    ]


@pytest.mark.anyio
async def test_client_hooks_filter_by_operation_and_resource(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support")
    calls: list[tuple[str, Operation, str]] = []

    def recorder(label: str) -> Any:
        async def hook(ctx: HookContext[Any], outcome: Outcome[Any] | None = None) -> None:
            calls.append((label, ctx.operation, ctx.resource.__name__))

        return hook

    async with AsyncModeratelyAI(**client_kwargs) as client:
        client.hooks.add_before(recorder("any"))
        client.hooks.add_before(recorder("agent create"), operation="create", resource=AsyncAgent)
        client.hooks.add_before(recorder("team"), resource=AsyncTeam)
        client.hooks.add_after(recorder("get after"), operation=Operation.GET)
        await client.agents.retrieve(agent_id)
        await client.agents.create(name="New")
        await client.teams.retrieve(TEAM_ID)
    assert calls == [
        ("any", Operation.GET, "AsyncAgent"),
        ("get after", Operation.GET, "AsyncAgent"),
        ("any", Operation.CREATE, "AsyncAgent"),
        ("agent create", Operation.CREATE, "AsyncAgent"),
        ("any", Operation.GET, "AsyncTeam"),
        ("team", Operation.GET, "AsyncTeam"),
        ("get after", Operation.GET, "AsyncTeam"),
    ]


@pytest.mark.anyio
async def test_before_hook_editing_params_changes_the_request(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    async def prefix(ctx: HookContext[Any]) -> None:
        ctx.params["name"] = "[bot] " + ctx.params["name"]
        ctx.params["description"] = "added by a hook"

    async with AsyncModeratelyAI(**client_kwargs) as client:
        client.hooks.add_before(prefix, operation="create")
        agent = await client.agents.create(name="Support")
    (post,) = platform.seen(method="POST")
    assert post.body == {
        "teamId": TEAM_ID,
        "name": "[bot] Support",
        "description": "added by a hook",
    }
    assert agent.name == "[bot] Support"


@pytest.mark.anyio
async def test_client_before_replace_skips_model_hooks_and_the_request(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    calls: list[str] = []

    class Mine(AsyncAgent):
        @classmethod
        async def before_get(cls, ctx: HookContext[Any]) -> Replace[Any] | None:
            calls.append("model before")
            return None

    async def short_circuit(ctx: HookContext[Any]) -> Replace[Any]:
        return Replace(_cached_async())

    async def after(ctx: HookContext[Any], outcome: Outcome[Any]) -> None:
        calls.append("client after")

    async with AsyncModeratelyAI(**client_kwargs) as client:
        client.hooks.add_before(short_circuit, operation="get")
        client.hooks.add_after(after)
        agent = await Mine.get(client, "agent_1")
    assert agent.agent_id == "agent_cached"
    assert calls == []
    assert platform.seen() == []


@pytest.mark.anyio
async def test_client_after_hook_replaces_and_raising_hook_replaces_outcome(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support")

    async def replace_it(ctx: HookContext[Any], outcome: Outcome[Any]) -> Replace[Any]:
        return Replace(_cached_async())

    async def explode(ctx: HookContext[Any], outcome: Outcome[Any]) -> None:
        raise LookupError("hook failed")

    async with AsyncModeratelyAI(**client_kwargs) as client:
        client.hooks.add_after(replace_it, operation="get")
        replaced = await client.agents.retrieve(agent_id)
        client.hooks.remove(replace_it)
        client.hooks.add_after(explode, operation="get")
        with pytest.raises(LookupError, match="hook failed"):
            await client.agents.retrieve(agent_id)
    assert replaced.agent_id == "agent_cached"
    assert len(platform.seen()) == 2


@pytest.mark.anyio
async def test_remove_unregisters_everywhere(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support")
    calls: list[str] = []

    async def hook(ctx: HookContext[Any], outcome: Outcome[Any] | None = None) -> None:
        calls.append(ctx.operation.value)

    async with AsyncModeratelyAI(**client_kwargs) as client:
        client.hooks.add_before(hook, operation="get")
        client.hooks.add_after(hook, operation="get")
        await client.agents.retrieve(agent_id)
        client.hooks.remove(hook)
        await client.agents.retrieve(agent_id)
    assert calls == ["get", "get"]
    assert len(platform.seen()) == 2


@pytest.mark.anyio
async def test_with_options_copy_shares_hooks(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    calls: list[str] = []

    async def hook(ctx: HookContext[Any]) -> None:
        calls.append(ctx.client.timeout)

    agent_id = platform.add_agent("Support")
    async with AsyncModeratelyAI(**client_kwargs) as client:
        client.hooks.add_before(hook)
        await client.with_options(timeout=7.0).agents.retrieve(agent_id)
    assert calls == [7.0]


@pytest.mark.anyio
async def test_save_hooks_see_only_the_changed_fields(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support", description="old")
    contexts: list[tuple[dict[str, Any], Any]] = []

    async def watch(ctx: HookContext[Any]) -> None:
        contexts.append((dict(ctx.params), ctx.instance))

    async with AsyncModeratelyAI(**client_kwargs) as client:
        client.hooks.add_before(watch, operation="save")
        agent = await client.agents.retrieve(agent_id)
        agent.description = "Handles tickets"
        saved = await agent.save()
        await agent.save()  # nothing changed since: no request
    assert contexts[0] == ({"description": "Handles tickets"}, agent)
    assert contexts[1] == ({}, agent)
    (patch,) = platform.seen(method="PATCH")
    assert patch.body == {"description": "Handles tickets"}
    assert saved is agent
    assert agent.changed_fields == frozenset()
    assert platform.agents[agent_id]["name"] == "Support"


@pytest.mark.anyio
async def test_save_on_a_route_answering_without_body(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    async with AsyncModeratelyAI(**client_kwargs) as client:
        user = await client.users.retrieve("user_1")
        user.full_name = "Ada King"
        await user.save()
        updated = await client.users.update("user_1", full_name="Countess Ada")
    assert user.full_name == "Ada King"
    assert updated.full_name == "Countess Ada"
    assert [(r.method, r.path) for r in platform.seen()] == [
        ("GET", "/users/user_1"),
        ("PATCH", "/users/user_1"),
        ("PATCH", "/users/user_1"),
        ("GET", "/users/user_1"),
    ]


# --------------------------------------------------------------------------- the sync facade


def test_sync_model_overrides(platform: FakePlatform, client_kwargs: dict[str, Any]) -> None:
    agent_id = platform.add_agent("Real")
    errors: list[BaseException] = []

    class Cached(Agent):
        @classmethod
        def before_get(cls, ctx: HookContext[Any]) -> Replace[Any] | None:
            if ctx.params["agent_id"] == "agent_cached":
                return Replace(cls(agent_id="agent_cached", team_id=TEAM_ID, name="Cached"))
            return None

        @classmethod
        def after_get(cls, ctx: HookContext[Any], outcome: Outcome[Any]) -> Replace[Any] | None:
            if outcome.error is not None:
                errors.append(outcome.error)
                return None
            return Replace(outcome.result.model_copy(update={"name": "Replaced"}))

        @classmethod
        def before_delete(cls, ctx: HookContext[Any]) -> Replace[None] | None:
            return Replace(None)

    with ModeratelyAI(**client_kwargs) as client:
        cached = Cached.get(client, "agent_cached")
        assert platform.seen() == []
        replaced = Cached.get(client, agent_id)
        with pytest.raises(NotFoundError) as info:
            Cached.get(client, "agent_missing")
        replaced.delete()
        Cached.delete_by_id(client, agent_id)
    assert cached.name == "Cached"
    assert replaced.name == "Replaced"
    assert isinstance(replaced, Cached)
    assert info.value is errors[0]
    assert [r.status for r in platform.seen()] == [200, 404]
    assert agent_id in platform.agents


def test_sync_client_hooks_order_params_and_remove(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    order: list[str] = []

    class Ordered(Agent):
        @classmethod
        def before_create(cls, ctx: HookContext[Any]) -> Replace[Any] | None:
            order.append("model before")
            return None

        @classmethod
        def after_create(cls, ctx: HookContext[Any], outcome: Outcome[Any]) -> Replace[Any] | None:
            order.append("model after")
            return None

    def rename(ctx: HookContext[Any]) -> None:
        order.append("client before")
        ctx.params["name"] = ctx.params["name"].upper()

    def after(ctx: HookContext[Any], outcome: Outcome[Any]) -> None:
        order.append("client after")

    def team_only(ctx: HookContext[Any]) -> None:
        order.append("team hook")

    with ModeratelyAI(**client_kwargs) as client:
        client.hooks.add_before(rename, operation="create")
        client.hooks.add_after(after, operation=Operation.CREATE, resource=Agent)
        client.hooks.add_before(team_only, resource=Team)
        created = Ordered.create(client, team_id=TEAM_ID, name="quiet")
        client.hooks.remove(rename)
        client.agents.create(name="quiet")
    assert order == ["client before", "model before", "model after", "client after", "client after"]
    assert created.name == "QUIET"
    assert [r.body["name"] for r in platform.seen(method="POST")] == ["QUIET", "quiet"]


def test_sync_save_hooks_see_only_changes(
    platform: FakePlatform, client_kwargs: dict[str, Any]
) -> None:
    agent_id = platform.add_agent("Support", description="old")
    seen: list[dict[str, Any]] = []

    def watch(ctx: HookContext[Any], outcome: Outcome[Any]) -> None:
        assert outcome.ok
        seen.append(dict(ctx.params))

    with ModeratelyAI(**client_kwargs) as client:
        client.hooks.add_after(watch, operation="save")
        agent = client.agents.retrieve(agent_id)
        agent.name = "Helpdesk"
        agent.save()
    assert seen == [{"name": "Helpdesk"}]
    assert platform.seen(method="PATCH")[0].body == {"name": "Helpdesk"}
    assert platform.agents[agent_id]["description"] == "old"
