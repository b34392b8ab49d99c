"""A systematic sweep: every public namespace method, given a wrong-typed argument, raises before
any request is sent. Counted on the emulator (``emu.stats``), so a request that slipped out and
failed later would still be caught.

The methods are found by introspection (every namespace property of the client, every public
method of each namespace), so a new method is swept without being listed here. For each
parameter in turn, that parameter gets a value of no sensible type (``object()``) and every
other required parameter gets a plausible value from its annotation.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any

import pytest

from moderately import ModeratelyAI
from moderately._sync._namespace import Namespace
from moderately.testing import Emulator, EmulatorConfig

# Methods every namespace has that take no platform arguments.
NOT_SWEPT = {"using"}


class Wrong:
    """A value no parameter can accept; its repr names it in failure reports."""

    def __repr__(self) -> str:
        return "<wrong>"


def plausible(parameter: inspect.Parameter) -> Any:
    """A well-typed stand-in for a required parameter, read from its annotation."""
    text = str(parameter.annotation)
    if "int" in text and "str" not in text:
        return 1
    if "dict" in text or "Mapping" in text:
        return {}
    if "list" in text or "Sequence" in text or "Iterable" in text:
        return ["x"]
    if "bytes" in text or "UploadInput" in text or "BinaryIO" in text:
        return b"x"
    return "x"


def public_methods(client: ModeratelyAI) -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every public method of every namespace of ``client``, as ``("agents.retrieve", fn)``."""
    for name, attribute in inspect.getmembers(type(client)):
        if not isinstance(attribute, cached_property):
            continue
        namespace = getattr(client, name)
        if not isinstance(namespace, Namespace):
            continue
        for method_name in dir(namespace):
            if method_name.startswith("_") or method_name in NOT_SWEPT:
                continue
            method = getattr(namespace, method_name)
            if callable(method):
                yield f"{name}.{method_name}", method


def cases() -> list[tuple[str, str]]:
    """Every (method, parameter) pair to sweep, found on a client that never connects."""
    client = ModeratelyAI(api_key="k", team_id="t", base_url="http://127.0.0.1:9")
    found = []
    for qualified, method in public_methods(client):
        for parameter in inspect.signature(method).parameters.values():
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                continue
            found.append((qualified, parameter.name))
    client.close()
    return found


CASES = cases()


@pytest.fixture(scope="module")
def sweep_env() -> Iterator[tuple[Emulator, ModeratelyAI]]:
    """One emulator and sync client for the whole sweep (nothing may reach it anyway)."""
    with (
        Emulator(config=EmulatorConfig.fast()) as emu,
        ModeratelyAI(
            api_key=emu.api_key, team_id=emu.team_id, base_url=emu.base_url, max_retries=0
        ) as client,
    ):
        yield emu, client


def call_fully(method: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]) -> None:
    """Call ``method``; a lazy result (an iterator) sends on first use, so use it too."""
    result = method(*args, **kwargs)
    if hasattr(result, "__next__"):
        next(result)


def test_the_sweep_covers_every_namespace() -> None:
    swept = {qualified.split(".")[0] for qualified, _ in CASES}
    assert len(swept) >= 15  # agents, files, datasets, pipelines, teams, users, tokens, ...
    assert len(CASES) > 100


@pytest.mark.parametrize(("qualified", "wrong_param"), CASES, ids=[f"{q}({p})" for q, p in CASES])
def test_a_wrong_typed_argument_is_refused_before_sending(
    sweep_env: tuple[Emulator, ModeratelyAI], qualified: str, wrong_param: str
) -> None:
    emu, client = sweep_env
    namespace_name, method_name = qualified.split(".")
    method = getattr(getattr(client, namespace_name), method_name)
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for parameter in inspect.signature(method).parameters.values():
        if parameter.name == wrong_param:
            value: Any = Wrong()
        elif parameter.default is inspect.Parameter.empty:
            value = plausible(parameter)
        else:
            continue
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            args.append(value)
        else:
            kwargs[parameter.name] = value
    before = emu.stats.count()
    with pytest.raises((TypeError, ValueError)):
        call_fully(method, args, kwargs)
    assert emu.stats.count() == before, f"{qualified} sent a request with {wrong_param}=<wrong>"
