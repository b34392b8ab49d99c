"""Route coverage: the public SDK and the contract's routes map onto each other.

Every public method of every namespace reachable from the client (``client.agents``, ...) and
every public request method of the client itself is *driven* against the emulator: its required
arguments come from the recipes below, and the routes it used are read from the emulator's
per-route request counts (``emu.stats``) around the call. Then:

* every route a method used is a route of ../shared/openapi.json (no invented routes);
* every method could be driven and sent at least one request (or is an allow-listed local
  helper, with the reason);
* every route of the contract is used by some public method.

Nothing here lists which method uses which route: the answer comes from running the code, so it
cannot drift. When a method gains a required parameter the recipes do not know, the report names
it; add a recipe (a value, or the ``namespace.method`` whose result carries the id).
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from moderately import ModeratelyAI
from moderately._sync._namespace import Namespace
from moderately.testing import Emulator, EmulatorConfig, ExecutionTiming

CONTRACT = Path(__file__).resolve().parents[2].parent / "shared" / "openapi.json"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# The emulator's stand-in for the object store behind presigned upload/download URLs. Those
# URLs come from the platform's answers, not from the contract, so their routes are set aside.
OBJECT_STORAGE = re.compile(r"^[A-Z]+ /_storage/")

# Public methods that never talk to the platform, with the reason they need no route.
LOCAL_ONLY: dict[str, str] = {
    "client.close": "closes the connection pool",
    "client.with_options": "returns a re-configured copy of the client",
    "users.retrieve().display_name": "formats fields already loaded",
    "users.retrieve().formatted_created_at": "formats fields already loaded",
    "dataset_schema_versions.retrieve().column": "looks up a column of the loaded schema",
    "datasets.retrieve().schema_builder": "returns a local builder; its create() is covered",
}

# Methods every namespace has that never talk to the platform.
LOCAL_ON_EVERY_NAMESPACE: dict[str, str] = {
    "using": "returns a copy of the namespace that builds a model subclass",
}


def is_local(qualified: str) -> bool:
    """Whether ``qualified`` is allowed to send no request, by name or by its method."""
    method = qualified.rsplit(".", 1)[-1]
    return qualified in LOCAL_ONLY or (
        qualified.count(".") == 1 and method in LOCAL_ON_EVERY_NAMESPACE
    )


# Where an id comes from: the namespace method whose result carries an attribute of that name.
# The recipe drives that method first (with its own recipes), before the measured call.
ID_SOURCES: dict[str, str] = {
    "agent_id": "agents.create",
    "agent_configuration_version_id": "agent_configuration_versions.create",
    "agent_execution_id": "agent_executions.create",
    "pipeline_id": "pipelines.create",
    "pipeline_configuration_version_id": "pipeline_configuration_versions.create",
    "pipeline_execution_id": "pipeline_executions.create",
    "token_id": "api_tokens.create",
    "file_id": "files.upload",
    "dataset_id": "datasets.create",
    "dataset_data_version_id": "dataset_data_versions.upload",
    "dataset_schema_version_id": "dataset_schema_versions.create",
    "team_id": "teams.create",
}

SCHEMA: dict[str, Any] = {"type": "object", "properties": {"question": {"type": "string"}}}
PIPELINE_CONFIG: dict[str, Any] = {
    "id": "coverage",
    "name": "Coverage",
    "version": "1.0.0",
    "blocks": {
        "input": {"id": "input", "type": "input", "config": {"json_schema": {"type": "object"}}},
        "output": {"id": "output", "type": "output", "config": {"name": "result"}},
    },
    "connections": [
        {
            "source_block_id": "input",
            "source_port": "data",
            "target_block_id": "output",
            "target_port": "data",
        }
    ],
}
CSV = b"id,name\n1,Ada\n2,Grace\n"


def template(route: str) -> str:
    """``"GET /a/{x}/b/{y}"`` -> ``"GET /a/{}/b/{}"``: parameter names do not matter."""
    return re.sub(r"\{[^}]*\}", "{}", route)


def contract_routes() -> set[str]:
    if not CONTRACT.is_file():
        pytest.skip(f"contract not found at {CONTRACT}; route coverage needs the shared tree")
    paths = json.loads(CONTRACT.read_text())["paths"]
    return {
        template(f"{method.upper()} {path}")
        for path, operations in paths.items()
        for method in operations
        if method in HTTP_METHODS
    }


@dataclass
class World:
    """The emulator, a client, and the recipes that make arguments for a call."""

    emu: Emulator
    client: ModeratelyAI
    tmp: Path
    serial: int = 0
    values: dict[str, Callable[[], Any]] = field(default_factory=dict)
    # Arguments for one method only, where the generic recipe would not do.
    overrides: dict[str, dict[str, Callable[[], Any]]] = field(default_factory=dict)
    # The object an instance method runs on, where a freshly retrieved one would not do.
    instances: dict[str, Callable[[], Any]] = field(default_factory=dict)

    def unique(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-{self.serial}"

    def namespaces(self) -> dict[str, Namespace]:
        found = {}
        for name, attr in vars(type(self.client)).items():
            if isinstance(attr, cached_property):
                value = getattr(self.client, name)
                if isinstance(value, Namespace):
                    found[name] = value
        return found

    def method(self, qualified: str) -> Callable[..., Any]:
        owner, _, name = qualified.rpartition(".")
        target: Any
        if owner == "client":
            target = self.client
        elif qualified in self.instances:
            target = self.instances[qualified]()
        elif owner.endswith(".retrieve()"):
            # An instance method: run on a fresh object, loaded before the measured call.
            target = self.instance(owner.removesuffix(".retrieve()"))
        else:
            target = getattr(self.client, owner)
        bound: Callable[..., Any] = getattr(target, name)
        return bound

    def instance(self, namespace: str) -> Any:
        return self.call(f"{namespace}.retrieve")

    def call(self, qualified: str) -> Any:
        """Call ``qualified`` with recipe arguments (to make what another call needs)."""
        bound = self.method(qualified)
        return bound(**self.arguments(qualified, bound))

    def arguments(self, qualified: str, bound: Callable[..., Any]) -> dict[str, Any]:
        """Values for the required parameters of ``bound``; KeyError names a missing one."""
        signature = inspect.signature(bound)
        args = {}
        for param in signature.parameters.values():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            if param.default is not param.empty:
                continue
            args[param.name] = self.value(qualified, param.name)
        return args

    def value(self, qualified: str, param: str) -> Any:
        special = self.overrides.get(qualified, {})
        if param in special:
            return special[param]()
        if param in self.values:
            return self.values[param]()
        if param in ID_SOURCES:
            return getattr(self.call(ID_SOURCES[param]), param)
        raise KeyError(f"no recipe for parameter {param!r}")


def recipes(world: World) -> None:
    """Fill in how to make each argument the public methods require."""
    emu, client = world.emu, world.client

    def membership() -> str:
        user = emu.create_user(world.unique("Member"), world.unique("member") + "@example.com")
        return emu.add_member(emu.team_id, user, "member")

    def sign_in_code() -> str:
        client.authentication.email_initialize(emu.email)
        code = emu.email_code(emu.email)
        assert code is not None
        return code

    def started(kind: str) -> Any:
        """An execution just started, not waited for."""
        return world.call(f"{kind}.create")

    def finished(kind: str) -> str:
        return str(world.method(f"{kind}.wait")(started(kind).id, timeout=30).id)

    world.values.update(
        {
            "name": lambda: world.unique("name"),
            "full_name": lambda: "Jane Smith",
            "email": lambda: emu.email,
            "password": lambda: emu.password,
            "token": sign_in_code,
            "user_id": lambda: emu.user_id,
            "team_user_id": membership,
            "audit_log_id": lambda: client.audit_logs.list(page_size=1).items[0].audit_log_id,
            "entity_type": lambda: "agent",
            "entity_id": lambda: client.agents.create(name=world.unique("audited")).agent_id,
            "instructions": lambda: "Answer the question.",
            "input_schema": lambda: SCHEMA,
            "output_schema": lambda: {"type": "object"},
            "version_number": lambda: 1,
            "agent_input": lambda: {"question": "Why?"},
            "agent_input_summary": lambda: "why",
            "agent_execution_id": partial(finished, "agent_executions"),
            "version": lambda: 1,
            "configuration": lambda: dict(PIPELINE_CONFIG),
            "pipeline_input": lambda: {"documents": ["a.pdf"]},
            "pipeline_input_summary": lambda: "one document",
            "pipeline_execution_id": partial(finished, "pipeline_executions"),
            "file": lambda: CSV,
            "files": lambda: [CSV, b"second"],
            "targets": lambda: {client.files.upload(CSV).id: world.tmp / world.unique("download")},
            "columns": lambda: [{"name": "only", "type": "bool"}],
        }
    )

    def dataset_with_data() -> Any:
        dataset = client.datasets.create(name=world.unique("dataset"))
        dataset.upload_data(CSV)
        return dataset

    def pipeline_with_configuration() -> Any:
        pipeline = client.pipelines.create(name=world.unique("pipeline"))
        pipeline.create_configuration_version(dict(PIPELINE_CONFIG), status="current")
        return pipeline

    world.values["sample"] = lambda: CSV
    world.values["execution"] = lambda: started("pipeline_executions")
    # Cancelling and waiting need an execution that is still running.
    world.overrides["pipeline_executions.cancel"] = {
        "pipeline_execution_id": lambda: started("pipeline_executions").id
    }
    world.instances["pipeline_executions.retrieve().wait"] = partial(started, "pipeline_executions")
    world.instances["pipeline_executions.retrieve().cancel"] = partial(
        started, "pipeline_executions"
    )
    world.instances["agent_executions.retrieve().wait"] = partial(started, "agent_executions")
    for method in ("download_data", "process", "wait_until_processed"):
        world.instances[f"datasets.retrieve().{method}"] = dataset_with_data
    for method in ("run", "start"):
        world.instances[f"pipelines.retrieve().{method}"] = pipeline_with_configuration


@dataclass
class Coverage:
    """What driving every public method found."""

    routes: dict[str, set[str]] = field(default_factory=dict)
    """API routes each method used."""
    storage: dict[str, set[str]] = field(default_factory=dict)
    """Presigned object-storage routes each method used."""
    problems: dict[str, str] = field(default_factory=dict)
    listed: list[str] = field(default_factory=list)
    """Every public method found, local-only ones included."""

    def used(self) -> set[str]:
        return {template(r) for routes in self.routes.values() for r in routes}


def touch(obj: Any) -> None:
    """Re-assign one writable field, so that ``save()`` has a change to send."""
    for name, info in type(obj).model_fields.items():
        if not info.frozen:
            setattr(obj, name, getattr(obj, name))
            return


def consume(result: Any) -> None:
    """Let lazy results (iterators, context managers) make their requests."""
    if isinstance(result, AbstractContextManager):
        with result as inner:
            consume(inner)
    elif isinstance(result, Iterator):
        list(islice(result, 3))


def drive(world: World, qualified: str, coverage: Coverage) -> None:
    try:
        bound = world.method(qualified)
        args = world.arguments(qualified, bound)
        if qualified.endswith(".retrieve().save"):
            touch(getattr(bound, "__self__"))  # noqa: B009 - a bound method's object
    except KeyError as exc:
        coverage.problems[qualified] = f"cannot build its arguments: {exc.args[0]}"
        return
    except Exception as exc:
        coverage.problems[qualified] = f"preparing its arguments failed: {exc!r}"
        return
    before = world.emu.stats.snapshot()
    try:
        consume(bound(**args))
    except Exception as exc:
        coverage.problems[qualified] = f"raised {exc!r}"
    after = world.emu.stats.snapshot()
    used = {route for route, count in after.items() if count > before.get(route, 0)}
    coverage.storage[qualified] = {r for r in used if OBJECT_STORAGE.match(r)}
    used -= coverage.storage[qualified]
    coverage.routes[qualified] = used
    if not used and not coverage.storage[qualified] and qualified not in coverage.problems:
        coverage.problems[qualified] = "sent no request (allow-list it in LOCAL_ONLY if local)"


def public_methods(world: World) -> list[str]:
    names = []
    for attr in dir(type(world.client)):
        member = getattr(type(world.client), attr)
        if not attr.startswith("_") and inspect.isfunction(member):
            names.append(f"client.{attr}")
    for namespace, instance in world.namespaces().items():
        for attr in dir(type(instance)):
            if not attr.startswith("_") and callable(getattr(instance, attr)):
                names.append(f"{namespace}.{attr}")
        model = model_of(instance)
        if model is not None:
            names.extend(f"{namespace}.retrieve().{m}" for m in instance_methods(model))
    return sorted(names)


def model_of(namespace: Namespace) -> type[BaseModel] | None:
    """The model a namespace's ``retrieve`` returns, if it has one."""
    retrieve = getattr(type(namespace), "retrieve", None)
    if retrieve is None:
        return None
    model = inspect.signature(retrieve, eval_str=True).return_annotation
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def instance_methods(model: type[BaseModel]) -> list[str]:
    """Public instance methods the SDK adds to a model (not pydantic's, not hooks).

    The classmethods (``get``, ``search``, ``create``, ``update``, ``delete_by_id``) are what
    the namespaces call, so they are covered through them.
    """
    return [
        name
        for name in dir(model)
        if not name.startswith(("_", "before_", "after_"))
        and name not in dir(BaseModel)
        and inspect.isfunction(getattr(model, name))
    ]


@pytest.fixture(scope="module")
def coverage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Coverage]:
    contract_routes()  # skip before starting anything when the contract is absent
    config = EmulatorConfig.fast()
    # Slow enough that a just-started execution can still be cancelled or waited for, and a
    # dataset with new data is still processing when waited for.
    config.data.pipeline_execution = ExecutionTiming(
        pending_seconds=0.05, step_seconds=0.05, steps=3
    )
    config.agent_execution = ExecutionTiming(pending_seconds=0.05, step_seconds=0.05, steps=3)
    config.data.dataset_processing_seconds = 0.2
    emu = Emulator(config=config)
    emu.start_in_thread()
    try:
        with ModeratelyAI(api_key=emu.api_key, team_id=emu.team_id, base_url=emu.base_url) as c:
            world = World(emu, c, tmp_path_factory.mktemp("coverage"))
            recipes(world)
            found = Coverage(listed=public_methods(world))
            for qualified in found.listed:
                if not is_local(qualified):
                    drive(world, qualified, found)
            yield found
    finally:
        emu.stop_thread()


def _report(lines: dict[str, Any]) -> str:
    return "\n".join(f"  {key}: {value}" for key, value in sorted(lines.items()))


def test_every_public_method_is_driven_and_sends_a_request(coverage: Coverage) -> None:
    assert not coverage.problems, "public methods not shown to use a route:\n" + _report(
        coverage.problems
    )


def test_every_route_a_method_uses_is_in_the_contract(coverage: Coverage) -> None:
    known = contract_routes()
    invented = {
        method: sorted(r for r in routes if template(r) not in known)
        for method, routes in coverage.routes.items()
    }
    invented = {method: routes for method, routes in invented.items() if routes}
    assert not invented, "routes used by the SDK but absent from the contract:\n" + _report(
        invented
    )


def test_every_contract_route_is_used_by_a_public_method(coverage: Coverage) -> None:
    unused = sorted(contract_routes() - coverage.used())
    assert not unused, f"{len(unused)} contract route(s) no public method uses:\n  " + "\n  ".join(
        unused
    )


def test_the_local_only_allow_list_names_real_methods(coverage: Coverage) -> None:
    stale = sorted(set(LOCAL_ONLY) - set(coverage.listed))
    assert not stale, f"LOCAL_ONLY names methods that no longer exist: {stale}"
