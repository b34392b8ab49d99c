"""Hook types shared by the async and sync APIs: operations, context, outcome, replacement.

A ``before_<op>`` hook sees a :class:`HookContext` before the request is sent. It returns
``None`` to let the operation run, or ``Replace(value)`` to skip it: ``value`` becomes the
result and no request is sent (after-hooks do not run for a skipped operation).

An ``after_<op>`` hook sees the context and an :class:`Outcome` (the result, or the exception).
It returns ``None`` to keep the outcome, or ``Replace(value)`` to make ``value`` the result,
which also swallows an exception. A kept exception is re-raised as the same object, so its type,
``__cause__`` and traceback survive; a hook that raises replaces the outcome with its own error.

Order: client-registered before-hooks, then the model's ``before_<op>``; the operation; then the
model's ``after_<op>``, then client-registered after-hooks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Operation(StrEnum):
    """The operations that pass through hooks; one per resource mixin."""

    SEARCH = "search"
    GET = "get"
    CREATE = "create"
    SAVE = "save"
    DELETE = "delete"
    RUN = "run"


@dataclass(slots=True)
class HookContext(Generic[R]):
    """What a hook knows about the call: operation, resource class, arguments, instance."""

    operation: Operation
    resource: type[R]
    params: dict[str, Any]
    """The call's arguments; a before-hook may change them before the request is built."""
    instance: R | None = None
    """The instance the operation runs on (save, delete, run), else None."""
    client: Any = field(default=None, repr=False)
    """The client making the call."""


@dataclass(frozen=True, slots=True)
class Replace(Generic[T]):
    """Returned by a hook to supply the operation's result instead of (or over) the real one."""

    value: T


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """The result of an operation, or the exception it raised (exactly one is set)."""

    result: T | None = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        """True when the operation returned instead of raising."""
        return self.error is None


_DEFAULT_HOOKS: set[Callable[..., Any]] = set()

F = TypeVar("F", bound=Callable[..., Any])


def default_hook(hook: F) -> F:
    """Mark a mixin's no-op ``before_<op>``/``after_<op>``, so that the runner can skip it.

    A subclass that overrides the hook defines a new, unmarked function, which then runs.
    """
    _DEFAULT_HOOKS.add(hook)
    return hook


def is_default_hook(hook: Callable[..., Any]) -> bool:
    """Whether ``hook`` (a function or a bound method) is one marked by ``default_hook``."""
    return getattr(hook, "__func__", hook) in _DEFAULT_HOOKS


BeforeHook = Callable[[HookContext[Any]], Replace[Any] | None]
"""A client-registered before-hook in the sync API."""
AfterHook = Callable[[HookContext[Any], Outcome[Any]], Replace[Any] | None]
"""A client-registered after-hook in the sync API."""
AsyncBeforeHook = Callable[[HookContext[Any]], Awaitable[Replace[Any] | None]]
"""A client-registered before-hook in the async API."""
AsyncAfterHook = Callable[[HookContext[Any], Outcome[Any]], Awaitable[Replace[Any] | None]]
"""A client-registered after-hook in the async API."""

H = TypeVar("H")


@dataclass(slots=True)
class _Entry(Generic[H]):
    operation: Operation | None
    resource: type[Any] | None
    hook: H

    def applies(self, operation: Operation, resource: type[Any]) -> bool:
        return (self.operation is None or self.operation == operation) and (
            self.resource is None or issubclass(resource, self.resource)
        )


class HookRegistry(Generic[H, T]):
    """Hooks registered on a client, applied to every matching operation it makes.

    ``H`` is the before-hook type and ``T`` the after-hook type of the API (async or sync).
    """

    def __init__(self) -> None:
        self._before: list[_Entry[H]] = []
        self._after: list[_Entry[T]] = []

    def __bool__(self) -> bool:
        return bool(self._before or self._after)

    def add_before(
        self,
        hook: H,
        *,
        operation: Operation | str | None = None,
        resource: type[Any] | None = None,
    ) -> H:
        """Run ``hook`` before ``operation`` (all when None) on ``resource`` (all when None)."""
        self._before.append(_Entry(_op(operation), resource, hook))
        return hook

    def add_after(
        self,
        hook: T,
        *,
        operation: Operation | str | None = None,
        resource: type[Any] | None = None,
    ) -> T:
        """Run ``hook`` after ``operation`` (all when None) on ``resource`` (all when None)."""
        self._after.append(_Entry(_op(operation), resource, hook))
        return hook

    def remove(self, hook: object) -> None:
        """Unregister ``hook`` wherever it was added."""
        self._before = [e for e in self._before if e.hook is not hook]
        self._after = [e for e in self._after if e.hook is not hook]

    def before_hooks(self, operation: Operation, resource: type[Any]) -> list[H]:
        """The before-hooks that apply, in registration order."""
        return [e.hook for e in self._before if e.applies(operation, resource)]

    def after_hooks(self, operation: Operation, resource: type[Any]) -> list[T]:
        """The after-hooks that apply, in registration order."""
        return [e.hook for e in self._after if e.applies(operation, resource)]

    def copy(self) -> HookRegistry[H, T]:
        """A registry with the same hooks, that can then diverge."""
        new: HookRegistry[H, T] = HookRegistry()
        new._before = list(self._before)
        new._after = list(self._after)
        return new


def _op(operation: Operation | str | None) -> Operation | None:
    return None if operation is None else Operation(operation)
