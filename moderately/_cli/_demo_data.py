"""What ``moderately demo`` works with: a sample CSV, a pipeline configuration, emulator timings.

The timings are those of the emulator the demo starts when no platform is given.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..testing import EmulatorConfig

SAMPLE_ROWS = 240
"""Data rows in the sample CSV."""

SAMPLE_NAME = "moderation-sample.csv"

_TEXTS = (
    "Great product, arrived on time.",
    "This is the worst service I have ever used!!!",
    "Can someone explain how refunds work?",
    "Buy cheap followers now, click here",
    "Thanks for the quick reply, problem solved.",
    "I will find where you live",
    "The update broke my settings again.",
    "Lovely community, glad I joined.",
)
_CATEGORIES = ("praise", "complaint", "question", "spam", "praise", "threat", "complaint", "praise")

HAND_WRITTEN_COLUMNS: list[dict[str, Any]] = [
    {"name": "comment_id", "type": "integer", "required": True},
    {"name": "text", "type": "string", "required": True},
    {"name": "category", "type": "string", "required": True},
    {"name": "toxicity", "type": "float", "required": True},
    {"name": "flagged", "type": "boolean", "required": True},
    {"name": "posted_at", "type": "datetime", "required": True},
]
"""The schema the demo defines by hand (the inferred one should agree with it)."""


def sample_csv(rows: int = SAMPLE_ROWS, seed: int = 7) -> bytes:
    """A deterministic CSV of user comments with moderation labels."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c["name"] for c in HAND_WRITTEN_COLUMNS])
    for i in range(1, rows + 1):
        pick = rng.randrange(len(_TEXTS))
        toxicity = round(rng.random() * (0.9 if _CATEGORIES[pick] == "threat" else 0.4), 3)
        flagged = _CATEGORIES[pick] in ("spam", "threat") or toxicity > 0.3
        posted = start + timedelta(minutes=37 * i)
        writer.writerow(
            [
                i,
                _TEXTS[pick],
                _CATEGORIES[pick],
                toxicity,
                "true" if flagged else "false",
                posted.strftime("%Y-%m-%dT%H:%M:%SZ"),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def pipeline_configuration(name: str) -> dict[str, Any]:
    """A small valid configuration: input -> LLM -> output."""
    return {
        "id": "moderate-comments",
        "name": name,
        "description": "Classifies a comment with an LLM (created by moderately demo)",
        "blocks": {
            "in": {"id": "in", "type": "input", "config": {"json_schema": {"type": "object"}}},
            "llm": {
                "id": "llm",
                "type": "llm",
                "config": {"provider": "openai", "temperature": 0.2},
            },
            "out": {"id": "out", "type": "output", "config": {"json_schema": {"type": "object"}}},
        },
        "connections": [
            {
                "source_block_id": "in",
                "source_port": "out",
                "target_block_id": "llm",
                "target_port": "in",
            },
            {
                "source_block_id": "llm",
                "source_port": "out",
                "target_block_id": "out",
                "target_port": "in",
            },
        ],
    }


def emulator_config() -> EmulatorConfig:
    """Emulator timings slow enough to watch: processing under a second, a run of about 3 s."""
    # Imported here: only the emulator-backed demo needs the emulator.
    from ..testing import DataSettings, EmulatorConfig, ExecutionTiming

    run = ExecutionTiming(pending_seconds=0.4, step_seconds=0.5, steps=5)
    data = DataSettings(
        dataset_queue_seconds=0.2, dataset_processing_seconds=0.6, pipeline_execution=run
    )
    return EmulatorConfig(data=data)
