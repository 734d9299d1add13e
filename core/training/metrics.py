"""Loss curves of a job: from its metrics events while it runs, from its result file when it is done."""

from __future__ import annotations

import base64
import binascii
import contextlib
import csv
import io
from collections.abc import Iterable

from core.training.records import JobEvent, MetricPoint


def _number(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def decode_result_file(content: bytes) -> str:
    """The result CSV's text; the API may serve it base64-encoded."""
    stripped = content.strip()
    if not stripped.startswith(b"step"):
        with contextlib.suppress(binascii.Error, ValueError):
            stripped = base64.b64decode(stripped, validate=True)
    return stripped.decode("utf-8", errors="replace")


def points_from_csv(text: str) -> list[MetricPoint]:
    points = []
    for row in csv.DictReader(io.StringIO(text)):
        step = _number(row.get("step"))
        if step is not None:
            valid = _number(row.get("valid_loss")) or _number(row.get("full_valid_loss"))
            points.append(MetricPoint(int(step), _number(row.get("train_loss")), valid))
    return points


def points_from_events(events: Iterable[JobEvent]) -> list[MetricPoint]:
    points = {}
    for event in events:
        step = _number(event.data.get("step")) if event.type == "metrics" else None
        if step is not None:
            valid = _number(event.data.get("valid_loss")) or _number(event.data.get("full_valid_loss"))
            points[int(step)] = MetricPoint(int(step), _number(event.data.get("train_loss")), valid)
    return [points[s] for s in sorted(points)]
