"""Loss curves of a job: from its metrics events while it runs, from its result file when it is done."""

from __future__ import annotations

import base64
import binascii
import contextlib
import csv
import io
from collections.abc import Iterable, Mapping

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


def _point(values: Mapping[str, object]) -> MetricPoint | None:
    step = _number(values.get("step"))
    if step is None:
        return None
    valid = _number(values.get("valid_loss"))
    return MetricPoint(int(step), _number(values.get("train_loss")),
                       valid if valid is not None else _number(values.get("full_valid_loss")))


def points_from_csv(text: str) -> list[MetricPoint]:
    return [p for row in csv.DictReader(io.StringIO(text)) if (p := _point(row)) is not None]


def points_from_events(events: Iterable[JobEvent]) -> list[MetricPoint]:
    points = {p.step: p for e in events if e.type == "metrics" and (p := _point(e.data)) is not None}
    return [points[step] for step in sorted(points)]
