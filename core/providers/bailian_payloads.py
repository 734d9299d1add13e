"""Alibaba Bailian (DashScope) payloads: jobs under ``output``, files under ``data``, logs as text lines
from which the loss curve is read."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from core.i18n import tr
from core.providers.base import Deployment, our_status
from core.providers.payloads import as_dict, integer, number, text, timestamp
from core.providers.records import Hyperparameters, Job, JobEvent, MetricPoint

JOB_STATUSES = {"pending": "queued", "queuing": "queued", "running": "running", "canceling": "cancelling",
                "succeeded": "succeeded", "failed": "failed", "canceled": "cancelled", "suspended": "paused"}
DEPLOYMENT_STATUSES = {"running": "ready", "pending": "deploying", "deploying": "deploying", "updating": "deploying",
                       "failed": "failed", "deleting": "deleting", "stopped": "stopped"}
_NUMBER = r"['\"]?\s*[:=]\s*['\"]?(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)"
_LOSS = re.compile(r"['\"]?\b(loss|train_loss)" + _NUMBER)
_EVAL_LOSS = re.compile(r"['\"]?\b(eval_loss|valid_loss|validation_loss)" + _NUMBER)
_STEP = re.compile(r"['\"]?\b(step|global_step|current_steps)" + _NUMBER)
COMPLETE_MARKER = "##FT_COMPLETE##"  # the service's last log line of a job that succeeded
_STAMP = re.compile(r"^\s*(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})")


def output(value: Any) -> dict[str, Any]:
    """The ``output`` (jobs, deployments) or ``data`` (files) part of an answer."""
    answer = as_dict(value)
    return as_dict(answer.get("output") or answer.get("data"))


def _first(values: Any) -> str:
    return text(values[0]) if isinstance(values, list) and values else ""


def _tokens(usage: Any) -> int | None:
    """A job's usage: a bare token count, or (as the DashScope 2.x SDK also allows) {"total_tokens": N}."""
    return integer(as_dict(usage).get("total_tokens")) if isinstance(usage, dict) else integer(usage)


def _hyperparameters(value: Any) -> Hyperparameters:
    """Bailian's hyper_parameters; its learning rate (often text, "1.6e-5") as our multiplier of 1e-5."""
    hyper = as_dict(value)
    rate = number(hyper.get("learning_rate"))
    return Hyperparameters(integer(hyper.get("n_epochs")), integer(hyper.get("batch_size")),
                           None if rate is None else round(rate / 1e-5, 6))


def job_from_bailian(value: Any) -> Job:
    """A job from ``output`` (or one of ``output.jobs``). ``finetuned_output`` counts only once the job
    succeeded: the DashScope SDK wants it in every answer, the docs name it the finished model's id."""
    data = as_dict(value)
    training_type = text(data.get("training_type"))
    message = text(data.get("message") or data.get("error_message")) or None
    status = our_status(data.get("status"), JOB_STATUSES)
    return Job(
        id=text(data.get("job_id")), model=text(data.get("model") or data.get("base_model")),
        status=status, created_at=timestamp(data.get("create_time")) or 0,
        fine_tuned_model=text(data.get("finetuned_output")) or None if status == "succeeded" else None,
        finished_at=timestamp(data.get("end_time")), hyperparameters=_hyperparameters(data.get("hyper_parameters")),
        trained_tokens=_tokens(data.get("usage")), training_file=_first(data.get("training_file_ids")),
        validation_file=_first(data.get("validation_file_ids")) or None,
        error_code=text(data.get("code")) or None if message else None, error_message=message,
        method="dpo" if training_type.startswith("dpo") else "supervised", raw_status=text(data.get("status")))


def _first_message(value: Any) -> dict[str, Any]:
    return as_dict(value[0]) if isinstance(value, list) and value else as_dict(value)


def dpo_rows(rows: Sequence[Any]) -> list[dict[str, Any]] | None:
    """OpenAI-style preference rows (input, preferred_output, non_preferred_output) in Bailian's DPO shape
    (messages ending with the user's turn, chosen, rejected); None when the rows are not preference rows."""
    keys = {"input", "preferred_output", "non_preferred_output"}
    if not rows or not all(isinstance(row, dict) and keys <= row.keys() for row in rows):
        return None
    return [{"messages": as_dict(row["input"]).get("messages") or [],
             "chosen": _first_message(row["preferred_output"]),
             "rejected": _first_message(row["non_preferred_output"])} for row in rows]


def deployment_from_bailian(value: Any) -> Deployment:
    data = as_dict(value)
    return Deployment(text(data.get("deployed_model")), text(data.get("model_name")),
                      our_status(data.get("status"), DEPLOYMENT_STATUSES) if data.get("status") else "unknown",
                      text(data.get("status")))


def _metrics(line: str) -> dict[str, float]:
    if "train_runtime" in line:  # the closing summary: an average over the run, not a point on the curve
        return {}
    found = {}
    for name, pattern in (("loss", _LOSS), ("eval_loss", _EVAL_LOSS), ("step", _STEP)):
        if (match := pattern.search(line)) and (value := number(match.group(2))) is not None:  # not 1e999
            found[name] = value
    return found


def events_from_logs(job_id: str, lines: Iterable[Any], first: int = 0) -> list[JobEvent]:
    """One event per log line; a line with a loss carries it in ``data``."""
    events = []
    when = 0  # lines without a time of their own (the closing summary and marker) happened after the last one
    for index, raw in enumerate(lines, start=first):
        line = text(raw).rstrip()
        stamp = _STAMP.match(line)
        when = (timestamp(stamp.group(1)) or when) if stamp else when
        level = "error" if re.search(r"\b(ERROR|Traceback|FAILED)\b", line) else "info"
        message = line.replace(COMPLETE_MARKER, tr("Training finished."))
        events.append(JobEvent(f"{job_id}:{index}", when, level, message, "log", _metrics(line)))
    return events


def points_from_logs(events: Iterable[JobEvent]) -> list[MetricPoint]:
    """The loss curve from log lines. Lines without a step number are counted in order; an evaluation
    line belongs to the training step logged before it."""
    points: list[MetricPoint] = []
    for event in events:
        loss, valid = event.data.get("loss"), event.data.get("eval_loss")
        if loss is None and valid is not None and points and "step" not in event.data:
            points[-1] = MetricPoint(points[-1].step, points[-1].train_loss, valid)
        elif loss is not None or valid is not None:
            step = int(event.data.get("step") or (points[-1].step + 1 if points else 1))
            points.append(MetricPoint(step, loss, valid))
    return points
