"""Pydantic bases: wire aliases, kept unknown fields, change tracking, request models."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError
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
    """A model that remembers which fields were assigned since it was loaded."""

    _changed: set[str] = PrivateAttr(default_factory=set)
    _request_id: str | None = PrivateAttr(default=None)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in type(self).model_fields:
            self._changed.add(name)

    @property
    def changed_fields(self) -> frozenset[str]:
        """Fields assigned since the object was loaded or last saved."""
        return frozenset(self._changed)

    @property
    def api_request_id(self) -> str | None:
        """The platform's request id of the response this object came from, for support."""
        return self._request_id

    def _mark_clean(self) -> None:
        self._changed.clear()


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
