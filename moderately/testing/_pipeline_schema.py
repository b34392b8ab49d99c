"""The pipeline configuration JSON Schema (Draft 7) and a small validator for it.

`CONFIGURATION_SCHEMA` is what ``GET /pipeline-configuration-versions/schema`` serves: a
configuration has ``id``, ``name``, optional ``description`` / ``version`` / ``metadata``,
``blocks`` keyed by block id (each ``{"id", "type", "config"}``, the ``config`` shape depending
on ``type``, see `BLOCK_CONFIGS`) and ``connections`` from one block's port to another's.

`schema_errors(value, schema)` checks a value against the subset of JSON Schema these schemas
use (``type``, ``enum``, ``required``, ``properties``, ``additionalProperties``, ``items``,
``minimum`` / ``maximum`` / ``exclusiveMinimum``, ``minLength``, ``allOf``, ``if`` / ``then``,
``const`` and local ``$ref``) and returns ``(path, message)`` pairs, the path a tuple of keys.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]
Path = tuple[str | int, ...]

_STR: Schema = {"type": "string"}
_BOOL: Schema = {"type": "boolean"}
_OBJ: Schema = {"type": "object"}


def _num(
    minimum: float | None = None, maximum: float | None = None, *, above: bool = False
) -> Schema:
    schema: Schema = {"type": "number"}
    if minimum is not None:
        schema["exclusiveMinimum" if above else "minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def _config(properties: dict[str, Schema], required: tuple[str, ...] = ()) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


_JOIN: Schema = _config(
    {
        "base_dataset": _STR,
        "joins": {
            "type": "array",
            "items": _config(
                {
                    "dataset": _STR,
                    "left_key": _STR,
                    "right_key": _STR,
                    "join_type": {"type": "string", "enum": ["inner", "left", "right", "full"]},
                },
                ("dataset", "left_key", "right_key"),
            ),
        },
        "output_columns": {
            "type": "array",
            "items": _config(
                {
                    "name": _STR,
                    "source": _STR,
                    "type": {
                        "type": "string",
                        "enum": ["string", "integer", "number", "boolean", "null", "object"],
                    },
                    "nullable": _BOOL,
                },
                ("name", "source", "type"),
            ),
        },
        "dataset_names": {"type": "object", "additionalProperties": _STR},
        "conflict_resolution": _config(
            {
                "strategy": {"type": "string", "enum": ["prefix", "suffix", "explicit"]},
                "left_modifier": _STR,
                "right_modifier": _STR,
            }
        ),
    },
    ("base_dataset", "joins", "output_columns"),
)

_PROVIDERS = ["openai", "anthropic", "cohere", "groq", "cerebras", "google", "vertexai"]

# The ``config`` schema of every block type the platform knows.
BLOCK_CONFIGS: dict[str, Schema] = {
    "constant": _config({"config_value": {}}),
    "input": _config({"json_schema": _OBJ}, ("json_schema",)),
    "output": _config({"name": _STR, "json_schema": _OBJ}),
    "dataset": _config({"dataset_id": _STR}, ("dataset_id",)),
    "file": _config({"file_id": _STR}),
    "artifact": _config(
        {"json_schema": _OBJ, "name": _STR, "description": _STR, "include_metadata": _BOOL}
    ),
    "identity": _config({}),
    "zip": _config(
        {"combine_strategy": {"type": "string", "enum": ["merge_objects", "create_array"]}}
    ),
    "map": _config(
        {"target_block_type": _STR, "target_config": _OBJ, "max_concurrency": _num(1)},
        ("target_block_type",),
    ),
    "join": _JOIN,
    "llm": _config(
        {
            "provider": {"type": "string", "enum": _PROVIDERS},
            "model": {"type": "string", "enum": ["small", "medium", "large"]},
            "model_override": _STR,
            "temperature": _num(0, 2),
            "max_tokens": _num(0, 100000, above=True),
            "output_schema": _OBJ,
        },
        ("provider",),
    ),
    "embeddings": _config({"model": _STR, "batch_size": _num(1, 1000), "normalize": _BOOL}),
    "semantic_filter": _config(
        {
            "embedding_model": _STR,
            "filter_strategy": {"type": "string", "enum": ["cosine_similarity_top_k"]},
            "top_k": _num(1, 1000),
            "similarity_threshold": _num(0, 1),
            "batch_size": _num(1, 1000),
        }
    ),
    "clause_extraction_agent": _config({"instructions": _STR}, ("instructions",)),
    "string_template": _config({"template": _STR, "strip_whitespace": _BOOL}, ("template",)),
    "text_splitter": _config(
        {
            "chunk_size": _num(0, 10000, above=True),
            "chunk_overlap": _num(0),
            "separators": {"type": "array", "items": _STR},
        }
    ),
    "transform": _config({"operations": {"type": "array", "items": _OBJ}}, ("operations",)),
    "pdf_reader": _config({}),
    "json_template": _config({"template": _OBJ}, ("template",)),
}

_BLOCK: Schema = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "type": {"type": "string", "enum": sorted(BLOCK_CONFIGS)},
        "config": _OBJ,
    },
    "required": ["id", "type", "config"],
    "allOf": [
        {
            "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"properties": {"config": config}},
        }
        for name, config in BLOCK_CONFIGS.items()
    ],
}

_CONNECTION: Schema = _config(
    {
        "source_block_id": {"type": "string", "minLength": 1},
        "source_port": {"type": "string", "minLength": 1},
        "target_block_id": {"type": "string", "minLength": 1},
        "target_port": {"type": "string", "minLength": 1},
    },
    ("source_port", "target_port", "source_block_id", "target_block_id"),
)

CONFIGURATION_SCHEMA: Schema = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "https://moderately.ai/schemas/pipeline-configuration.json",
    "title": "Pipeline configuration",
    "type": "object",
    "definitions": {"block": _BLOCK, "connection": _CONNECTION},
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "name": {"type": "string", "minLength": 1},
        "description": _STR,
        "version": {"type": "string", "default": "1.0.0"},
        "blocks": {"type": "object", "additionalProperties": {"$ref": "#/definitions/block"}},
        "connections": {
            "type": "array",
            "items": {"$ref": "#/definitions/connection"},
            "default": [],
        },
        "metadata": _config({"name": _STR, "version": _STR, "description": _STR}),
    },
    "required": ["id", "name", "blocks"],
}

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


def _is(value: Any, kind: str) -> bool:
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[kind])


def _resolve(ref: str) -> Schema:
    node: Any = CONFIGURATION_SCHEMA
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    result: Schema = node
    return result


def schema_errors(value: Any, schema: Schema, path: Path = ()) -> list[tuple[Path, str]]:
    """Return every ``(path, message)`` where `value` breaks `schema`."""
    if "$ref" in schema:
        return schema_errors(value, _resolve(schema["$ref"]), path)
    kind = schema.get("type")
    if kind is not None and not _is(value, kind):
        return [(path, f"must be of type {kind}")]
    errors: list[tuple[Path, str]] = []
    if "const" in schema and value != schema["const"]:
        errors.append((path, f"must be {schema['const']!r}"))
    if "enum" in schema and value not in schema["enum"]:
        errors.append((path, "must be one of " + ", ".join(map(str, schema["enum"]))))
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        errors.append((path, "must not be empty"))
    if _is(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append((path, f"must be at least {schema['minimum']}"))
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            errors.append((path, f"must be greater than {schema['exclusiveMinimum']}"))
        if "maximum" in schema and value > schema["maximum"]:
            errors.append((path, f"must be at most {schema['maximum']}"))
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append(((*path, name), "is required"))
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for name, item in value.items():
            if name in properties:
                errors += schema_errors(item, properties[name], (*path, name))
            elif isinstance(extra, dict):
                errors += schema_errors(item, extra, (*path, name))
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors += schema_errors(item, schema["items"], (*path, index))
    for part in schema.get("allOf", []):
        if "if" in part and not schema_errors(value, part["if"], path):
            errors += schema_errors(value, part.get("then", {}), path)
        elif "if" not in part:
            errors += schema_errors(value, part, path)
    return errors


def configuration_errors(configuration: Any) -> list[tuple[Path, str]]:
    """Return the schema violations of a pipeline configuration."""
    return schema_errors(configuration, CONFIGURATION_SCHEMA)


def _block_error(block_id: str, block_type: str, error_type: str, message: str) -> dict[str, Any]:
    return {
        "type": "block_type_error",
        "blockId": block_id,
        "blockType": block_type,
        "errorType": error_type,
        "message": message,
        "portName": None,
        "sourceBlockId": None,
        "sourcePort": None,
    }


def _connection_issue(connection: dict[str, Any], error_type: str, message: str) -> dict[str, Any]:
    src, sport = connection["source_block_id"], connection["source_port"]
    dst, dport = connection["target_block_id"], connection["target_port"]
    return {
        "type": "connection_error",
        "connectionId": f"{src}:{sport}->{dst}:{dport}",
        "sourceBlockId": src,
        "sourcePort": sport,
        "targetBlockId": dst,
        "targetPort": dport,
        "errorType": error_type,
        "message": message,
    }


def _schema_issues(configuration: Any) -> list[dict[str, Any]]:
    blocks = configuration.get("blocks") if isinstance(configuration, dict) else None
    issues = []
    for path, message in configuration_errors(configuration):
        where = ".".join(str(p) for p in path) or "configuration"
        if len(path) >= 2 and path[0] == "blocks" and isinstance(blocks, dict):
            block_id = str(path[1])
            block = blocks.get(block_id)
            kind = block.get("type") if isinstance(block, dict) else None
            issues.append(
                _block_error(
                    block_id, str(kind or "unknown"), "invalid_block", f"{where} {message}"
                )
            )
        else:
            issues.append(
                _block_error("", "pipeline", "invalid_configuration", f"{where} {message}")
            )
    return issues


def _has_cycle(edges: dict[str, set[str]]) -> bool:
    state: dict[str, int] = {}

    def visit(node: str) -> bool:
        state[node] = 1
        for nxt in edges.get(node, ()):
            if state.get(nxt) == 1 or (nxt not in state and visit(nxt)):
                return True
        state[node] = 2
        return False

    return any(node not in state and visit(node) for node in list(edges))


def validate_configuration(configuration: dict[str, Any]) -> dict[str, Any]:
    """Return the ``/validate`` answer: schema, block id and connection checks."""
    errors = _schema_issues(configuration)
    warnings: list[dict[str, Any]] = []
    blocks = configuration.get("blocks")
    blocks = blocks if isinstance(blocks, dict) else {}
    for key, block in blocks.items():
        if isinstance(block, dict) and isinstance(block.get("id"), str) and block["id"] != key:
            errors.append(
                _block_error(
                    key, str(block.get("type")), "id_mismatch", "block id differs from its key"
                )
            )
    edges: dict[str, set[str]] = {}
    seen: set[tuple[str, str, str, str]] = set()
    connections = configuration.get("connections")
    well_formed = not any(p[:1] == ("connections",) for p, _ in configuration_errors(configuration))
    for connection in connections if isinstance(connections, list) and well_formed else []:
        src, dst = connection["source_block_id"], connection["target_block_id"]
        ident = (src, connection["source_port"], dst, connection["target_port"])
        missing = [b for b in (src, dst) if b not in blocks]
        if missing:
            message = "unknown block " + ", ".join(missing)
            errors.append(_connection_issue(connection, "unknown_block", message))
        elif src == dst:
            errors.append(_connection_issue(connection, "self_loop", "a block cannot feed itself"))
        elif ident in seen:
            warnings.append(_connection_issue(connection, "duplicate", "connection repeated"))
        else:
            edges.setdefault(src, set()).add(dst)
        seen.add(ident)
    if _has_cycle(edges):
        errors.append(_block_error("", "pipeline", "cycle", "connections form a cycle"))

    def schema_of(kind: str) -> Any:
        for block in blocks.values():
            if isinstance(block, dict) and block.get("type") == kind:
                config = block.get("config")
                if isinstance(config, dict) and isinstance(config.get("json_schema"), dict):
                    return config["json_schema"]
        return None

    return {
        "valid": not errors,
        "errors": errors,
        "warnings": warnings,
        "inputSchema": schema_of("input"),
        "outputSchema": schema_of("output"),
    }
