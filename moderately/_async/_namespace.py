"""The base of the ``client.<resource>`` namespaces."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar

from .._errors import InvalidArgumentError

if TYPE_CHECKING:
    from ._client import AsyncModeratelyAI

M = TypeVar("M")


class AsyncNamespace(Generic[M]):
    """Operations on one platform collection, bound to a client.

    The namespace loads and returns its model class; ``using(MyModel)`` gives a namespace that
    builds a subclass instead, so the subclass's hook overrides run for every call made through
    it (``client.agents.using(AuditedAgent).create(...)``).
    """

    __slots__ = ("_client", "_model")
    _default_model: ClassVar[type[Any] | None] = None

    def __init__(self, client: AsyncModeratelyAI, model: type[M] | None = None) -> None:
        self._client = client
        self._model: type[M] = model if model is not None else self._default_model  # type: ignore[assignment]

    def using(self, model: type[M]) -> Self:
        """A copy of the namespace that loads and returns ``model``, a subclass of its model."""
        base = self._default_model
        if base is None or not (isinstance(model, type) and issubclass(model, base)):
            expected = base.__name__ if base is not None else "no model"
            raise InvalidArgumentError(
                f"{type(self).__name__}.using() takes a subclass of {expected}; got {model!r}"
            )
        return type(self)(self._client, model)

    def __repr__(self) -> str:
        model = self._model.__name__ if self._model is not None else None
        return f"<{type(self).__name__} of {self._client!r} ({model})>"
