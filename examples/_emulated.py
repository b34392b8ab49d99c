"""Shared bootstrap of the examples: ``--emulator`` runs a script against a local emulator.

Not an example itself. Every script calls `connect()` first: without ``--emulator`` it does
nothing and the clients read ``MODERATELY_API_KEY``, ``MODERATELY_TEAM_ID`` and
``MODERATELY_BASE_URL`` as usual; with it, an emulator of the platform starts in this process
(on a background thread) and those variables point at it until the script ends.

The ``demo_*`` helpers create, on the emulator only, what a script expects to find on a real
platform (a pipeline to run, an agent configuration to start).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moderately import ModeratelyAI
from moderately.testing import Emulator, EmulatorConfig, ExecutionTiming

VARIABLES = ("MODERATELY_API_KEY", "MODERATELY_TEAM_ID", "MODERATELY_BASE_URL")


def parser(description: str | None) -> argparse.ArgumentParser:
    """An argument parser that already knows ``--emulator``."""
    found = argparse.ArgumentParser(description=(description or "").split("\n\n")[0])
    found.add_argument(
        "--emulator", action="store_true", help="run against an in-process emulator (offline)"
    )
    return found


@contextmanager
def connect(use_emulator: bool) -> Iterator[Emulator | None]:
    """Point the environment at a fresh emulator for the duration (when asked to)."""
    if not use_emulator:
        yield None
        return
    config = EmulatorConfig.fast()
    # Slow enough that progress callbacks and the live tail have a few states to show.
    config.data.pipeline_execution = ExecutionTiming(pending_seconds=0.1, step_seconds=0.2, steps=4)
    config.agent_execution = ExecutionTiming(pending_seconds=0.1, step_seconds=0.15, steps=4)
    saved = {name: os.environ.get(name) for name in VARIABLES}
    with Emulator(config=config) as emu:
        os.environ.update(
            MODERATELY_API_KEY=emu.api_key,
            MODERATELY_TEAM_ID=emu.team_id,
            MODERATELY_BASE_URL=emu.base_url,
        )
        print(f"(using an in-process emulator at {emu.base_url})")
        try:
            yield emu
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


PIPELINE_CONFIGURATION: dict[str, Any] = {
    "id": "word-counter",
    "name": "Word counter",
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


def count_words(pipeline_input: dict[str, Any]) -> dict[str, Any]:
    """What the emulated pipeline computes: the words of ``input["text"]``."""
    words = str(pipeline_input.get("text", "")).split()
    return {"words": len(words), "longest": max(words, key=len, default="")}


def demo_pipeline(emu: Emulator) -> str:
    """Create a word-counting pipeline with a current configuration version; return its id."""
    with ModeratelyAI() as client:
        pipeline = client.pipelines.create(name="Word counter", description="Counts words")
        pipeline.create_configuration_version(PIPELINE_CONFIGURATION, status="current")
    emu.register_pipeline_processor(count_words, pipeline_id=pipeline.pipeline_id)
    return pipeline.pipeline_id


def demo_agent_configuration() -> str:
    """Create an agent with a current configuration version; return the version's id."""
    with ModeratelyAI() as client:
        agent = client.agents.create(name="Researcher", description="Answers questions")
        version = client.agent_configuration_versions.create(
            agent_id=agent.agent_id,
            instructions="Answer the question in one paragraph.",
            input_schema={"type": "object", "properties": {"question": {"type": "string"}}},
            output_schema={"type": "object"},
            version_number=1,
            is_current=True,
        )
    return version.agent_configuration_version_id
