"""Tolerant readers for providers' JSON: a missing, null or oddly typed field never raises.

Providers add fields, rename statuses and send numbers as strings; the adapters read every payload
through these helpers so that surprises show up as blanks, not as crashes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from core.providers.base import our_status
from core.providers.records import Checkpoint, Hyperparameters, Job, JobEvent


def as_dict(value: Any) -> dict[str, Any]:
    """A payload (SDK object, dict or anything else) as a plain dict; {} when it is not one."""
    if hasattr(value, "model_dump"):
        value = value.model_dump()
    return dict(value) if isinstance(value, Mapping) else {}


def text(value: Any) -> str:
    return "" if value is None else str(value)


# Seconds since 1970 beyond which a date is nonsense (the year 3000; Windows' localtime stops soon after).
LATEST_TIMESTAMP = 32_503_680_000


def number(value: Any) -> float | None:
    """A finite number, or None: "inf", 1e400 (read as inf) and "nan" are not numbers a job can have."""
    try:
        found = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int too large for a float (10**400)
        return None
    return found if math.isfinite(found) else None


def integer(value: Any) -> int | None:
    found = number(value)
    return None if found is None else int(found)


def _seconds(value: Any) -> int | None:
    found = integer(value)
    if found is not None:
        return found // 1000 if found > 10**11 else found
    try:
        moment = dt.datetime.fromisoformat(text(value).strip().replace("Z", "+00:00"))
        return int(moment.replace(tzinfo=moment.tzinfo or dt.UTC).timestamp())
    except (ValueError, OverflowError):
        return None


def timestamp(value: Any) -> int | None:
    """Seconds since 1970 from seconds, milliseconds or a date text such as "2024-05-01 10:00:00"; None for
    anything no clock can show (negative, past the year 3000, inf, NaN)."""
    found = _seconds(value)
    return found if found is not None and 0 <= found <= LATEST_TIMESTAMP else None


def announced_date(value: Any) -> str:
    """A shutdown date as YYYY-MM-DD from a date string or a unix time; "" for anything else."""
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            return ""
    seconds = timestamp(value) if not isinstance(value, str) else None
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date().isoformat() if seconds else ""


def strings(value: Any) -> dict[str, str]:
    return {str(k): text(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def _chosen(value: int | None) -> int | None:
    """A count the provider chose; Azure reports "auto" as -1 (its API specification's examples)."""
    return value if value is not None and value > 0 else None


def hyperparameters(data: Mapping[str, Any]) -> Hyperparameters:
    """A job's hyperparameters from its method (or the older top-level field); "auto" and oddities are None."""
    method = as_dict(data.get("method"))
    found = as_dict(as_dict(method.get(text(method.get("type")))).get("hyperparameters")) or as_dict(
        data.get("hyperparameters"))
    return Hyperparameters(_chosen(integer(found.get("n_epochs"))), _chosen(integer(found.get("batch_size"))),
                           number(found.get("learning_rate_multiplier")), number(found.get("beta")))


def job_from_openai(value: Any, statuses: dict[str, str]) -> Job:
    """A job in the OpenAI shape (OpenAI, Azure, Zhipu)."""
    data = as_dict(value)
    error = as_dict(data.get("error"))
    method = as_dict(data.get("method"))
    results = data.get("result_files")
    return Job(
        id=text(data.get("id")), model=text(data.get("model")), status=our_status(data.get("status"), statuses),
        created_at=timestamp(data.get("created_at")) or 0, fine_tuned_model=text(data.get("fine_tuned_model")) or None,
        finished_at=timestamp(data.get("finished_at")), trained_tokens=integer(data.get("trained_tokens")),
        training_file=text(data.get("training_file")), validation_file=text(data.get("validation_file")) or None,
        result_files=tuple(text(f) for f in results) if isinstance(results, list) else (),
        error_code=text(error.get("code")) or None, error_message=text(error.get("message")) or None,
        method=text(method.get("type")) or "supervised", metadata=strings(data.get("metadata")),
        estimated_finish=timestamp(data.get("estimated_finish")), raw_status=text(data.get("status")),
        hyperparameters=hyperparameters(data))


def event_from_openai(value: Any) -> JobEvent:
    data = as_dict(value)
    return JobEvent(text(data.get("id")), timestamp(data.get("created_at")) or 0, text(data.get("level")) or "info",
                    text(data.get("message")), text(data.get("type")) or "message", as_dict(data.get("data")))


def checkpoint_from_openai(value: Any) -> Checkpoint:
    data = as_dict(value)
    metrics = {k: v for k, v in as_dict(data.get("metrics")).items()
               if isinstance(v, int | float) and number(v) is not None}
    return Checkpoint(text(data.get("id")), text(data.get("fine_tuned_model_checkpoint")),
                      integer(data.get("step_number")) or 0, metrics)
