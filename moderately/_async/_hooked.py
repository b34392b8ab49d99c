"""Running one operation through its before- and after-hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from .._hooks import HookContext, HookRegistry, Outcome, Replace, is_default_hook

T = TypeVar("T")
R = TypeVar("R")


def run_hooked(
    ctx: HookContext[R],
    before: Callable[[HookContext[R]], Awaitable[Replace[T] | None]],
    after: Callable[[HookContext[R], Outcome[T]], Awaitable[Replace[T] | None]],
    action: Callable[[HookContext[R]], Awaitable[T]],
) -> Awaitable[T]:
    """Run ``action(ctx)`` between the model's hooks and the client's registered hooks.

    The action reads its arguments from ``ctx.params`` so that a before-hook's edits apply.
    """
    if only_default_hooks(ctx.client, before, after):
        # Nothing would run but the action: the model's hooks are the no-op defaults and the
        # client has none. Handing back the action itself saves two hook calls, an Outcome and
        # one coroutine frame, which every later resumption of the call would pass through.
        # Its result and its exception (the same object) are what the full path would give.
        return action(ctx)
    registry = ctx.client.hooks if ctx.client is not None else None
    return _run_all(ctx, registry, before, after, action)


def only_default_hooks(
    client: Any,
    before: Callable[..., Awaitable[Any]],
    after: Callable[..., Awaitable[Any]],
) -> bool:
    """True when no hook would run: ``client`` (if any) has none, the model's are the defaults.

    Then an operation may skip its ``HookContext`` and the runner and do its request directly;
    its result and its exception are what ``run_hooked`` would give.
    """
    return (
        (client is None or not client.hooks) and is_default_hook(before) and is_default_hook(after)
    )


async def _run_all(
    ctx: HookContext[R],
    registry: HookRegistry[Any, Any] | None,
    before: Callable[[HookContext[R]], Awaitable[Replace[T] | None]],
    after: Callable[[HookContext[R], Outcome[T]], Awaitable[Replace[T] | None]],
    action: Callable[[HookContext[R]], Awaitable[T]],
) -> T:
    if registry:
        for hook in registry.before_hooks(ctx.operation, ctx.resource):
            replaced = await hook(ctx)
            if replaced is not None:
                return replaced.value  # type: ignore[no-any-return]
    replaced_by_model = await before(ctx)
    if replaced_by_model is not None:
        return replaced_by_model.value
    outcome: Outcome[T]
    try:
        outcome = Outcome(result=await action(ctx))
    except Exception as exc:
        outcome = Outcome(error=exc)
    override = await after(ctx, outcome)
    if override is not None:
        outcome = Outcome(result=override.value)
    if registry:
        for hook in registry.after_hooks(ctx.operation, ctx.resource):
            replaced = await hook(ctx, outcome)
            if replaced is not None:
                outcome = Outcome(result=replaced.value)
    if outcome.error is not None:
        raise outcome.error
    return outcome.result  # type: ignore[return-value]
