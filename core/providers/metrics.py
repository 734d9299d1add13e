"""Loss curves of a job: from its metrics events while it runs, from its result file when it is done."""

from __future__ import annotations

import base64
import binascii
import contextlib
import csv
import io
import math
from collections.abc import Iterable, Mapping

from core.providers.records import JobEvent, MetricPoint


def _number(value: object) -> float | None:
    """A finite number: a server's "inf", "nan" or 1e400 is no point on a curve."""
    try:
        found = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return found if math.isfinite(found) else None


def decode_result_file(content: bytes) -> str:
    """The result CSV's text; the API may serve it base64-encoded."""
    stripped = content.strip()
    if not stripped.startswith(b"step"):
        with contextlib.suppress(binascii.Error, ValueError):
            stripped = base64.b64decode(stripped, validate=True)
    return stripped.decode("utf-8", errors="replace")


def _first(values: Mapping[str, object], *names: str) -> float | None:
    return next((found for name in names if (found := _number(values.get(name))) is not None), None)


def point(values: Mapping[str, object]) -> MetricPoint | None:
    """A point from any provider's names: step/current_steps, train_loss/loss, valid_loss/eval_loss."""
    step = _first(values, "step", "current_steps", "global_step")
    if step is None:
        return None
    train = _first(values, "train_loss", "loss")
    valid = _first(values, "valid_loss", "full_valid_loss", "eval_loss", "validation_loss")
    return MetricPoint(int(step), train, valid) if train is not None or valid is not None else None


def points_from_csv(text: str) -> list[MetricPoint]:
    return [p for row in csv.DictReader(io.StringIO(text)) if (p := point(row)) is not None]


def points_from_events(events: Iterable[JobEvent]) -> list[MetricPoint]:
    points = {p.step: p for e in events if (p := point(e.data)) is not None}
    return [points[step] for step in sorted(points)]
