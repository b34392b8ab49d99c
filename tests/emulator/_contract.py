"""Check emulator responses against the platform contract (../shared/openapi.json).

``assert_contract(method, path_template, status, body)`` fails when `status` is not documented
for the operation, or when `body` does not match the documented response schema (a route
documented without content must answer with an empty body). OpenAPI 3.0's ``nullable`` is
translated to JSON Schema before validating.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

CONTRACT_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "openapi.json"


@lru_cache(maxsize=1)
def load_contract() -> dict[str, Any]:
    if not CONTRACT_PATH.is_file():
        pytest.skip(f"contract not found at {CONTRACT_PATH}; contract tests need the shared tree")
    data: dict[str, Any] = json.loads(CONTRACT_PATH.read_text())
    return data


def to_json_schema(schema: Any) -> Any:
    """Translate OpenAPI 3.0 schema keywords (``nullable``) into JSON Schema draft 4."""
    if isinstance(schema, list):
        return [to_json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: to_json_schema(v) for k, v in schema.items() if k not in ("nullable", "example")}
    if schema.get("nullable"):
        if "type" in out:
            return {"anyOf": [out, {"type": "null"}]}
        if any(k in out for k in ("anyOf", "oneOf", "allOf", "enum")):
            return {"anyOf": [out, {"type": "null"}]}
    return out


def operation(method: str, template: str) -> dict[str, Any]:
    paths = load_contract()["paths"]
    assert template in paths, f"{template} is not a path of the contract"
    ops = paths[template]
    assert method.lower() in ops, f"{method} {template} is not in the contract"
    op: dict[str, Any] = ops[method.lower()]
    return op


@lru_cache(maxsize=1)
def error_envelope_schema() -> Any:
    """Return the error envelope schema as documented on the contract's error responses."""
    for ops in load_contract()["paths"].values():
        for op in ops.values():
            for code, response in op.get("responses", {}).items():
                content = response.get("content")
                if int(code) >= 400 and content:
                    schema = content["application/json"]["schema"]
                    if "error" in schema.get("properties", {}):
                        return to_json_schema(schema)
    raise AssertionError("the contract documents no error envelope")


def documented_statuses(method: str, template: str) -> set[int]:
    return {int(code) for code in operation(method, template)["responses"]}


def assert_contract(method: str, template: str, status: int, body: Any) -> None:
    """Assert `status` is documented for the route and `body` matches its schema.

    `body` is the decoded JSON, or None / b"" for an empty response.
    """
    responses = operation(method, template)["responses"]
    assert str(status) in responses, (
        f"{method} {template} answered {status}; the contract lists {sorted(responses)}"
    )
    content = responses[str(status)].get("content")
    if not content and status >= 400:
        # Some error responses are documented without a body; the platform still sends its
        # envelope there, so hold them to the envelope the contract documents elsewhere.
        jsonschema.Draft4Validator(error_envelope_schema()).validate(body)
        return
    if not content:
        assert body in (None, b"", ""), f"{method} {template} {status} must have no body"
        return
    schema = to_json_schema(content["application/json"]["schema"])
    jsonschema.Draft4Validator(schema).validate(body)
