"""Answers built through the SDK's own pydantic types, so their shape cannot drift from the API's."""

from __future__ import annotations

from typing import Any

from openai.types import FileObject, Model
from openai.types.fine_tuning import FineTuningJob, FineTuningJobEvent
from openai.types.fine_tuning.jobs import FineTuningJobCheckpoint

from core.local.server.state import TERMINAL, FileRecord, JobRecord

ORGANIZATION = "local"  # the <org> part of a fine-tuned model's name, and its owner


def shaped(type_: Any, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` checked against the SDK type; optional fields we did not set are left out, not null."""
    return type_.model_validate(data).model_dump(mode="json", exclude_unset=True)


def file_json(record: FileRecord) -> dict[str, Any]:
    return shaped(FileObject, {"id": record.id, "object": "file", "bytes": record.bytes,
                               "created_at": record.created_at, "filename": record.filename,
                               "purpose": record.purpose, "status": "processed"})


def model_json(model_id: str, created: int, owned_by: str) -> dict[str, Any]:
    return shaped(Model, {"id": model_id, "object": "model", "created": created, "owned_by": owned_by})


def job_json(job: JobRecord) -> dict[str, Any]:
    hyper = {k: v for k, v in job.hyperparameters.items() if k != "beta"}
    data = {
        "id": job.id, "object": "fine_tuning.job", "created_at": job.created_at, "model": job.model,
        "organization_id": "org-local", "status": job.status, "training_file": job.training_file,
        "validation_file": job.validation_file, "fine_tuned_model": job.fine_tuned_model,
        "finished_at": job.finished_at, "error": job.error, "hyperparameters": hyper,
        "result_files": job.result_files, "trained_tokens": job.trained_tokens, "seed": job.seed,
        "estimated_finish": None if job.status in TERMINAL else job.estimated_finish, "integrations": [],
        "method": {"type": job.method, job.method: {"hyperparameters": job.hyperparameters}},
        "metadata": job.metadata, "user_provided_suffix": job.suffix,
    }
    # The SDK's status list has no "paused", although the API reports it: check the shape with a listed status,
    # then give the real one back.
    checked = shaped(FineTuningJob, data | {"status": "running" if job.status == "paused" else job.status})
    return checked | {"status": job.status, "user_provided_suffix": job.suffix}


def event_json(event: dict[str, Any]) -> dict[str, Any]:
    return shaped(FineTuningJobEvent, event)


def checkpoint_json(checkpoint: dict[str, Any]) -> dict[str, Any]:
    return shaped(FineTuningJobCheckpoint, {k: v for k, v in checkpoint.items() if k != "path"})


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


def fine_tuned_name(base: str, suffix: str | None, job_id: str) -> str:
    """ft:<base>:local:<suffix>:<first 8 of the job id>, as OpenAI names them (see core.models.parse_fine_tuned)."""
    return f"ft:{base}:{ORGANIZATION}:{suffix or ''}:{job_id.removeprefix('ftjob-')[:8]}"
