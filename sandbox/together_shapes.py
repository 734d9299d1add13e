"""Together AI's answers, field by field as the official `together` SDK (3.x, types generated from Together's OpenAPI
document) reads them: files with ``FileType``, fine-tunes with ISO times and ``model_output_name``, events without ids,
checkpoints, metrics keyed ``train/…`` and ``eval/…``, and the model limits the SDK asks for before creating a job."""

from __future__ import annotations

import json
from typing import Any

from sandbox.dialect_tools import iso
from sandbox.state import FileRecord, JobRecord

USER = "sandbox"  # the account's user name, the first part of a fine-tuned model's name
OWNER = "sandbox@example.com"
STATUSES = {"validating_files": "pending", "queued": "queued", "running": "running", "paused": "running",
            "succeeded": "completed", "failed": "error", "cancelled": "cancelled"}
DEFAULT_LORA = {"type": "Lora", "lora_r": 8, "lora_alpha": 16, "lora_dropout": 0.0,
                "lora_trainable_modules": "all-linear"}


def file_json(record: FileRecord) -> dict[str, Any]:
    lines = record.facts.n_examples if record.facts else 0
    return {"id": record.id, "object": "file", "created_at": record.created_at, "filename": record.filename,
            "bytes": record.bytes, "purpose": record.purpose, "FileType": "jsonl", "Processed": True,
            "LineCount": lines, "processing_status": "COMPLETED"}


def output_name(base: str, suffix: str | None, job_id: str) -> str:
    """``<user>/<base>-<suffix>-<id>``, the name Together gives a fine-tuned model."""
    parts = [base.split("/")[-1], *([suffix] if suffix else []), job_id.removeprefix("ft-")[:8]]
    return f"{USER}/{'-'.join(parts)}"


def training_type(job: JobRecord) -> dict[str, Any]:
    """What the job was created with (kept as JSON text in the record's training_type)."""
    try:
        found = json.loads(job.training_type) if job.training_type else DEFAULT_LORA
    except ValueError:
        found = DEFAULT_LORA
    return found if isinstance(found, dict) else DEFAULT_LORA


def training_method(job: JobRecord) -> dict[str, Any]:
    if job.method == "dpo":
        return {"method": "dpo", "dpo_beta": job.hyperparameters.get("beta", 0.1),
                "dpo_normalize_logratios_by_length": False, "dpo_reference_free": False}
    return {"method": "sft", "train_on_inputs": "auto"}


def job_json(job: JobRecord, truncated: bool = False) -> dict[str, Any]:
    """The whole fine-tune (GET one), or the truncated one that create, list and cancel answer with (its ``events``
    an empty list, as in the OpenAPI document's example: tests/data/recorded/together/finetune_truncated.json)."""
    hyper = job.hyperparameters
    steps = job.metrics[-1]["step"] if job.metrics else 0
    data: dict[str, Any] = {
        "id": job.id, "status": STATUSES.get(job.status, job.status), "user_id": USER, "owner_address": OWNER,
        "created_at": iso(job.created_at), "updated_at": iso(job.finished_at or job.created_at),
        "model": job.model, "model_output_name": job.model_name, "suffix": job.suffix,
        "training_file": job.training_file, "validation_file": job.validation_file or "",
        "n_epochs": hyper["n_epochs"], "n_checkpoints": 1, "n_evals": 10 if job.validation_file else 0,
        "batch_size": hyper["batch_size"], "learning_rate": hyper["learning_rate_multiplier"] * 1e-5,
        "warmup_ratio": 0.0, "max_grad_norm": 1.0, "weight_decay": 0.0, "random_seed": job.seed,
        "lr_scheduler": {"lr_scheduler_type": "cosine", "lr_scheduler_args": {"min_lr_ratio": 0.0, "num_cycles": 0.5}},
        "training_type": training_type(job), "training_method": training_method(job),
        "token_count": job.trained_tokens or 0, "total_price": 0}
    if job.status in ("running", "succeeded"):
        data["started_at"] = iso(job.created_at + job.duration * 0.2)
    if truncated:
        return data | {"events": []}
    return data | {"total_steps": job.total_steps, "steps_completed": steps,
                   "epochs_completed": steps // max(job.steps_per_epoch, 1), "queue_depth": 0, "param_count": 0,
                   "events": events_json(job)}


_EVENT_TYPES = (("Created fine-tuning job", "job_pending"), ("Validating", "training_data_downloading"),
                ("Files validated", "training_data_download_complete"), ("job started", "training_start"),
                ("Checkpoint created", "checkpoint_save"), ("New fine-tuned model", "model_upload_complete"),
                ("successfully completed", "job_complete"), ("cancelled", "cancel_requested"))


def _event_type(event: dict[str, Any]) -> str:
    if event.get("level") == "error":
        return "job_error"
    return next((kind for words, kind in _EVENT_TYPES if words in event["message"]), "warning")


def events_json(job: JobRecord) -> list[dict[str, Any]]:
    """The job's events, oldest first; a metrics step that ends an epoch is an ``epoch_complete`` event, the other
    steps are only in the metrics."""
    found = []
    for event in job.events:
        data = event.get("data") or {}
        item = {"object": "fine-tune-event", "created_at": iso(event["created_at"]), "level": event["level"],
                "message": event["message"], "type": _event_type(event)}
        if event.get("type") == "metrics":
            if data["step"] % max(job.steps_per_epoch, 1):
                continue
            epoch = data["step"] // job.steps_per_epoch
            item |= {"type": "epoch_complete", "message": f"Epoch {epoch} completed, at step {data['step']}",
                     "step": data["step"], "total_steps": job.total_steps}
        elif item["type"] == "checkpoint_save":
            step = int(event["message"].rsplit(" ", 1)[-1])
            item |= {"step": step, "checkpoint_path": f"{job.id}:{step}"}
        found.append(item)
    return found


def checkpoints_json(job: JobRecord) -> list[dict[str, Any]]:
    """Newest first: the final model, then the intermediate checkpoints (none at the final model's step)."""
    final_step = job.total_steps if job.status == "succeeded" else None
    found = [{"checkpoint_type": "Intermediate", "created_at": iso(c["created_at"]),
              "path": f"{job.id}:{c['step_number']}", "step": c["step_number"], "checkpoint": "adapter"}
             for c in reversed(job.checkpoints) if c["step_number"] != final_step]
    if job.status == "succeeded":
        found.insert(0, {"checkpoint_type": "Final", "created_at": iso(job.finished_at), "path": job.model_name,
                         "step": job.total_steps, "checkpoint": "adapter"})
    return found


def metrics_json(job: JobRecord) -> list[dict[str, float]]:
    """Training steps as ``train/…`` objects; a validation at the same step as its own ``eval/…`` object."""
    found: list[dict[str, float]] = []
    for metric in job.metrics:
        stamp = (job.created_at + job.duration * (0.2 + 0.8 * metric["step"] / job.total_steps)) * 1e9
        epoch = round(metric["step"] / job.steps_per_epoch, 4)
        found.append({"timestamp": stamp, "train/global_step": metric["step"], "train/epoch": epoch,
                      "train/loss": metric["train_loss"], "train/learning_rate": 1e-5})
        if "valid_loss" in metric:
            found.append({"timestamp": stamp, "eval/global_step": metric["step"], "eval/loss": metric["valid_loss"]})
    return found


def limits_json(model: str, context: int) -> dict[str, Any]:
    """GET /fine-tunes/models/limits: what the SDK checks a job's options against before sending it."""
    batches = {"max_batch_size": 32, "max_batch_size_dpo": 16, "min_batch_size": 1}
    return {"model_name": model, "max_num_epochs": 20, "max_num_evals": 100, "max_num_checkpoints": 10,
            "max_learning_rate": 1.0, "min_learning_rate": 1e-8, "default_gradient_accumulation_steps": 1,
            "max_seq_length_sft": min(context, 16384), "max_seq_length_dpo": min(context, 8192),
            "min_max_seq_length": 512, "merge_output_lora": True, "supports_full_training": True,
            "supports_reasoning": False, "supports_tools": True, "supports_vision": False,
            "lora_training": batches | {"max_rank": 64, "default_rank": 8,
                                        "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"]},
            "full_training": batches}
