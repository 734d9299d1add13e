"""Responses built through the SDK's own pydantic types, so their shape cannot drift from the API's."""

from __future__ import annotations

from typing import Any

from openai.types import FileObject, Model
from openai.types.fine_tuning import FineTuningJob, FineTuningJobEvent
from openai.types.fine_tuning.jobs import FineTuningJobCheckpoint

from sandbox.state import FileRecord, JobRecord, ModelRecord


def shaped(type_: Any, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` checked against the SDK type; optional fields we did not set are left out, not null."""
    return type_.model_validate(data).model_dump(mode="json", exclude_unset=True)


def file_json(record: FileRecord) -> dict[str, Any]:
    return shaped(FileObject, record.api())


def model_json(record: ModelRecord) -> dict[str, Any]:
    return shaped(Model, {"id": record.id, "object": "model", "created": record.created, "owned_by": record.owned_by})


ZHIPU_STATUSES = {"validating_files": "created", "queued": "pending"}  # the rest as OpenAI's


def job_json(job: JobRecord) -> dict[str, Any]:
    if job.dialect == "zhipu":
        return _zhipu_job(job)
    hyper = {k: v for k, v in job.hyperparameters.items() if k != "beta"}
    method: dict[str, Any] = {"type": job.method, job.method: {"hyperparameters": job.hyperparameters}}
    data = {
        "id": job.id, "object": "fine_tuning.job", "created_at": int(job.created_at), "model": job.model,
        "organization_id": "org-sandbox", "status": job.status, "training_file": job.training_file,
        "validation_file": job.validation_file, "fine_tuned_model": job.fine_tuned_model,
        "finished_at": job.finished_at, "error": job.error, "hyperparameters": hyper,
        "result_files": job.result_files, "trained_tokens": job.trained_tokens, "seed": job.seed,
        "estimated_finish": None if job.status in ("succeeded", "failed", "cancelled")
        else int(job.created_at + job.duration + job.paused_total),
        "integrations": [], "method": method, "metadata": job.metadata, "user_provided_suffix": job.suffix,
    }
    # The SDK's status list has no "paused" yet, although the service reports it: check the shape
    # with a listed status, then give the real one back.
    checked = shaped(FineTuningJob, data | {"status": "running" if job.status == "paused" else job.status})
    status = "pending" if job.dialect == "azure" and job.status == "queued" else job.status
    return checked | {"status": status, "user_provided_suffix": job.suffix}


def _zhipu_job(job: JobRecord) -> dict[str, Any]:
    """Zhipu's job: OpenAI's fields minus method and metadata, its own status words, times in milliseconds."""
    created = int(job.created_at * 1000)
    finished = job.finished_at and max(job.finished_at * 1000, created)  # whole seconds: never before creation
    return {"id": job.id, "request_id": job.request_id, "object": "fine_tuning.job",
            "created_at": created, "finished_at": finished,
            "model": job.model, "fine_tuned_model": job.fine_tuned_model,
            "status": ZHIPU_STATUSES.get(job.status, job.status),
            "hyperparameters": {"n_epochs": str(job.hyperparameters["n_epochs"])}, "training_file": job.training_file,
            "validation_file": job.validation_file, "result_files": [], "trained_tokens": job.trained_tokens,
            "error": job.error}


def event_json(event: dict[str, Any], dialect: str = "openai") -> dict[str, Any]:
    if dialect != "zhipu":
        return shaped(FineTuningJobEvent, event)
    data = event.get("data") or {}
    metrics = {"current_steps": data.get("step"), "total_steps": data.get("total_steps"),
               "loss": data.get("train_loss"), "eval_loss": data.get("valid_loss")}
    # Its SDK types the step counts as integers and the losses as text or numbers; the docs show text.
    return event | {"data": {k: v if k.endswith("_steps") else str(v) for k, v in metrics.items() if v is not None}}


def checkpoint_json(checkpoint: dict[str, Any]) -> dict[str, Any]:
    return shaped(FineTuningJobCheckpoint, checkpoint)


def page(items: list[dict[str, Any]], after: str | None, limit: int) -> tuple[list[dict[str, Any]], bool]:
    """Items after the one whose id is ``after`` (cursor pagination), at most ``limit`` of them."""
    if after:
        ids = [item["id"] for item in items]
        items = items[ids.index(after) + 1:] if after in ids else []
    return items[:limit], len(items) > limit


def list_json(data: list[dict[str, Any]], has_more: bool | None = None, ids: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {"object": "list", "data": data}
    if has_more is not None:
        body["has_more"] = has_more
    if ids:
        body["first_id"] = data[0]["id"] if data else None
        body["last_id"] = data[-1]["id"] if data else None
    return body
