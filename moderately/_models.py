"""Pydantic bases: wire aliases, kept unknown fields, change tracking, request models."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from ._errors import InvalidArgumentError

M = TypeVar("M", bound=BaseModel)


class Model(BaseModel):
    """A platform object: snake_case in Python, camelCase on the wire, unknown fields kept."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        # Fields the platform adds later are kept (model_extra), not rejected or dropped.
        extra="allow",
        # An assignment is checked like a load, so `agent.name = 42` fails at once.
        validate_assignment=True,
    )


class TrackedModel(Model):
    """A model that remembers which fields were assigned since it was loaded.

    The SDK's own per-object state (client, request id, changed fields) lives in plain slots,
    not pydantic private attributes: those cost a Python-level initialisation per instance
    (repeated at each level of inheritance), which dominated the parsing of large pages.
    Slots cost nothing until written, and are never serialised, compared or pickled.
    """

    __slots__ = ("_changed", "_client", "_request_id")
    if TYPE_CHECKING:
        _changed: set[str]
        _client: Any
        _request_id: str | None

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in type(self).model_fields:
            self._changes().add(name)

    def _changes(self) -> set[str]:
        try:
            return self._changed
        except AttributeError:
            changed: set[str] = set()
            object.__setattr__(self, "_changed", changed)
            return changed

    @property
    def changed_fields(self) -> frozenset[str]:
        """Fields assigned since the object was loaded or last saved."""
        return frozenset(getattr(self, "_changed", ()))

    @property
    def api_request_id(self) -> str | None:
        """The platform's request id of the response this object came from, for support."""
        return getattr(self, "_request_id", None)

    def __copy__(self) -> Self:
        copy = super().__copy__()
        self._carry_origin(copy)
        return copy

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        copy = super().__deepcopy__(memo)
        # The client is shared, never deep-copied: a copy still talks through the same client.
        self._carry_origin(copy)
        return copy

    def _carry_origin(self, copy: TrackedModel) -> None:
        for name in ("_client", "_request_id"):
            if hasattr(self, name):
                object.__setattr__(copy, name, getattr(self, name))
        object.__setattr__(copy, "_changed", set(getattr(self, "_changed", ())))

    def _set_origin(self, client: Any, request_id: str | None) -> None:
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_request_id", request_id)

    def _adopt(self, fresh: TrackedModel) -> None:
        """Take the fields and request id of ``fresh``, a newer copy of the same object."""
        self.__dict__.update(fresh.__dict__)
        self.__pydantic_extra__ = fresh.__pydantic_extra__
        object.__setattr__(self, "_request_id", fresh.api_request_id)
        self._mark_clean()

    def _mark_clean(self) -> None:
        object.__setattr__(self, "_changed", set())


_set_client = TrackedModel.__dict__["_client"].__set__
_set_request_id = TrackedModel.__dict__["_request_id"].__set__


def bind_all(objects: Iterable[TrackedModel], client: Any, request_id: str | None) -> None:
    """Set the client and request id of freshly parsed objects (the items of a page).

    Calls the slot descriptors directly: a ``_set_origin`` call per object took 1.2 us against
    0.25 us, which for a 10,000-item listing was a tenth of the SDK's share of the time.
    """
    for obj in objects:
        _set_client(obj, client)
        _set_request_id(obj, request_id)


class RequestModel(BaseModel):
    """Arguments of one call, checked before anything is sent.

    Strict: a number is not accepted where a string is expected. Unknown keys are rejected.
    """

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", strict=True
    )

    what: ClassVar[str] = "request"

    @classmethod
    def check(cls: type[M], **values: Any) -> M:
        """Validate ``values``; raise InvalidArgumentError naming each bad field."""
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise InvalidArgumentError(_describe(cls, exc)) from exc

    def wire(self) -> dict[str, Any]:
        """The JSON-ready body (camelCase keys), leaving out what was not given."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _describe(cls: type[BaseModel], exc: ValidationError) -> str:
    what = getattr(cls, "what", cls.__name__)
    problems = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "(arguments)"
        problems.append(f"{_snake(loc)}: {err['msg']}")
    return f"Invalid arguments for {what}: " + "; ".join(problems)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)
