"""A believable fine-tuning job, simulated from the clock.

A job's state is a pure function of its creation time, its duration and its pauses, so it moves on
whenever anyone looks at it (no background tasks) and picks up where it was after a restart.
Phases, as fractions of the duration: validating files 0-10 %, queued 10-20 %, running 20-100 %.
"""

from __future__ import annotations

import base64
import math
import random
import time
from typing import Any

from sandbox.catalogue import ORGANIZATION, SANDBOX_NOTICE, base_model, fine_tuned_name, new_id
from sandbox.state import FileRecord, JobRecord, ModelRecord, SandboxState
from sandbox.validation import job_file_problem

VALIDATED_AT, STARTED_AT = 0.1, 0.2
MAX_METRIC_EVENTS = 100
TERMINAL = ("succeeded", "failed", "cancelled")
RESULT_COLUMNS = "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"


# "auto" epochs, as OpenAI's cookbook computes them (openai/openai-cookbook, examples/Chat_finetuning_data_prep.ipynb,
# "Cost Estimation"): 3 epochs, unless that shows the model fewer than 100 or more than 25,000 examples in all; then
# as many epochs (1 to 25) as come nearest. The app keeps its own copy of the rule (core/dataset/estimate.py).
DEFAULT_EPOCHS, MIN_EPOCHS, MAX_EPOCHS = 3, 1, 25
MIN_EXAMPLES_SEEN, MAX_EXAMPLES_SEEN = 100, 25_000


def auto_epochs(n_examples: int) -> int:
    n = max(n_examples, 1)
    seen = n * DEFAULT_EPOCHS
    below, above = seen < MIN_EXAMPLES_SEEN, seen > MAX_EXAMPLES_SEEN
    return min(MAX_EPOCHS, MIN_EXAMPLES_SEEN // n) if below else max(MIN_EPOCHS, MAX_EXAMPLES_SEEN // n) if above \
        else DEFAULT_EPOCHS


def resolve_hyperparameters(requested: dict[str, Any], n_examples: int, method: str) -> dict[str, Any]:
    """Replace every "auto" the way the API's documentation describes it."""
    n = max(n_examples, 1)
    epochs = auto_epochs(n)
    batch = max(1, min(256, round(n * 0.002)))  # "about 0.2 % of the examples, capped at 256"
    rate = 0.05 if batch < 16 else 0.1 if batch < 64 else 0.2  # "0.05, 0.1 or 0.2 depending on batch size"
    resolved = {"n_epochs": epochs, "batch_size": batch, "learning_rate_multiplier": rate}
    if method == "dpo":
        resolved["beta"] = 0.1
    for key, value in requested.items():
        if value not in (None, "auto") and key in resolved:
            resolved[key] = value
    return resolved


def _event(job: JobRecord, at: float, message: str, level: str = "info", data: dict | None = None,
           kind: str = "message") -> None:
    job.events.append({"object": "fine_tuning.job.event", "id": new_id("ftevent-"), "created_at": int(at),
                       "level": level, "message": message, "data": data or {}, "type": kind})


def start_job(job: JobRecord) -> None:
    """The events of a job that has just been created."""
    _event(job, job.created_at, f"Created fine-tuning job: {job.id}")
    _event(job, job.created_at, SANDBOX_NOTICE)
    _event(job, job.created_at, f"Validating training file: {job.training_file}")
    if job.validation_file:
        _event(job, job.created_at, f"Validating validation file: {job.validation_file}")


def _loss(job: JobRecord, step: int, offset: float = 0.0) -> float:
    noise = random.Random(f"{job.id}:{step}:{offset}").uniform(-0.08, 0.08)
    return round(0.25 + offset + 2.2 * math.exp(-4.0 * step / job.total_steps) + noise, 4)


def metric_steps(total: int) -> list[int]:
    count = min(total, MAX_METRIC_EVENTS)
    return sorted({max(1, round(i * total / count)) for i in range(1, count + 1)})


def _wall_time(job: JobRecord, fraction: float) -> float:
    return job.created_at + fraction * job.duration + job.paused_total


def _effective_elapsed(job: JobRecord, now: float) -> float:
    paused_now = now - job.paused_at if job.paused_at is not None else 0.0
    return now - job.created_at - job.paused_total - paused_now


def _validate(state: SandboxState, job: JobRecord) -> tuple[str, str, str] | None:
    model = base_model(job.base)
    for role, file_id in (("training", job.training_file), ("validation", job.validation_file)):
        record = state.files.get(file_id) if file_id else None
        if file_id and (record is None or record.facts is None):
            return "invalid_file", f"File {file_id} is not available.", f"{role}_file"
        if record is not None and job.dialect == "azure" and not record.facts.bom:
            return ("invalid_file_format", f"The {role} file must be UTF-8 encoded with a byte-order mark (BOM).",
                    f"{role}_file")
        if record is not None:
            problem = job_file_problem(record.facts, model, job.method, role)
            if problem:
                return problem[0], problem[1], f"{role}_file"
    return None


def _finish_validation(state: SandboxState, job: JobRecord) -> None:
    at = _wall_time(job, VALIDATED_AT)
    problem = _validate(state, job)
    if problem:
        code, message, param = problem
        job.status, job.finished_at = "failed", int(at)
        job.error = {"code": code, "message": message, "param": param}
        _event(job, at, message, level="error")
        return
    job.status = "queued"
    _event(job, at, "Files validated, moving job to queued state")


def _run_steps(job: JobRecord, up_to_step: int) -> None:
    done = job.metrics[-1]["step"] if job.metrics else 0
    checkpoint_epochs = range(max(1, job.hyperparameters["n_epochs"] - 2), job.hyperparameters["n_epochs"] + 1)
    for step in (s for s in metric_steps(job.total_steps) if done < s <= up_to_step):
        at = _wall_time(job, STARTED_AT + (1 - STARTED_AT) * step / job.total_steps)
        loss, accuracy = _loss(job, step), round(min(0.99, 0.4 + 0.55 * step / job.total_steps), 4)
        data: dict[str, float] = {"step": step, "train_loss": loss, "total_steps": job.total_steps,
                                  "train_mean_token_accuracy": accuracy}
        if job.validation_file:
            data |= {"valid_loss": _loss(job, step, 0.1), "valid_mean_token_accuracy": round(accuracy - 0.03, 4)}
        job.metrics.append(data)
        message = f"Step {step}/{job.total_steps}: training loss={loss:.2f}"
        _event(job, at, message + (f", validation loss={data['valid_loss']:.2f}" if job.validation_file else ""),
               data=data, kind="metrics")
        epoch, rest = divmod(step, job.steps_per_epoch)
        if rest == 0 and epoch in checkpoint_epochs:
            _checkpoint(job, step, at, data)


def _model_name(job: JobRecord) -> str:
    return job.model_name or fine_tuned_name(job.base, job.suffix, job.id)


def _checkpoint(job: JobRecord, step: int, at: float, data: dict[str, float]) -> None:
    name = _model_name(job) + f":ckpt-step-{step}"
    metrics = {"step": step, "train_loss": data["train_loss"],
               "train_mean_token_accuracy": data["train_mean_token_accuracy"],
               "valid_loss": data.get("valid_loss", data["train_loss"]),
               "valid_mean_token_accuracy": data.get("valid_mean_token_accuracy", data["train_mean_token_accuracy"]),
               "full_valid_loss": data.get("valid_loss", data["train_loss"]),
               "full_valid_mean_token_accuracy": data.get("valid_mean_token_accuracy",
                                                          data["train_mean_token_accuracy"])}
    job.checkpoints.append({"object": "fine_tuning.job.checkpoint", "id": new_id("ftckpt_"), "created_at": int(at),
                            "fine_tuned_model_checkpoint": name, "fine_tuning_job_id": job.id,
                            "metrics": metrics, "step_number": step})
    _event(job, at, f"Checkpoint created at step {step}")


def _succeed(state: SandboxState, job: JobRecord) -> None:
    at = _wall_time(job, 1.0)
    rows = [RESULT_COLUMNS] + [
        f"{m['step']},{m['train_loss']},{m['train_mean_token_accuracy']},{m.get('valid_loss', '')},"
        f"{m.get('valid_mean_token_accuracy', '')}" for m in job.metrics]
    content = base64.b64encode(("\n".join(rows) + "\n").encode())  # the API serves result files base64-encoded
    result = FileRecord(new_id("file-"), "step_metrics.csv", "fine-tune-results", len(content), int(at))
    state.add_file(result, content)
    training = state.files[job.training_file].facts
    job.trained_tokens = training.total_tokens * job.hyperparameters["n_epochs"]
    job.fine_tuned_model = _model_name(job)
    job.result_files, job.status, job.finished_at = [result.id], "succeeded", int(at)
    state.models[job.fine_tuned_model] = ModelRecord(job.fine_tuned_model, int(at), ORGANIZATION, job.id)
    _event(job, at, f"New fine-tuned model created: {job.fine_tuned_model}")
    _event(job, at, "The job has successfully completed")


def advance(state: SandboxState, job: JobRecord, now: float | None = None) -> None:
    """Bring ``job`` up to date with the clock (call with the state's lock held)."""
    if job.status in TERMINAL:
        return
    fraction = _effective_elapsed(job, time.time() if now is None else now) / job.duration
    if job.status == "validating_files" and fraction >= VALIDATED_AT:
        _finish_validation(state, job)
    if job.status == "queued" and fraction >= STARTED_AT:
        job.status = "running"
        _event(job, _wall_time(job, STARTED_AT), "Fine-tuning job started")
    if job.status in ("running", "paused") and fraction > STARTED_AT:
        progress = min(1.0, (fraction - STARTED_AT) / (1 - STARTED_AT))
        _run_steps(job, math.floor(progress * job.total_steps))
        if progress >= 1.0:
            _succeed(state, job)


def control(job: JobRecord, action: str, now: float | None = None) -> str | None:
    """Cancel, pause or resume; returns why it is not possible, or None when done."""
    now = time.time() if now is None else now
    if action == "cancel":
        if job.status in TERMINAL:
            return f"Job has already {job.status}: cannot cancel."
        job.status, job.finished_at, job.paused_at = "cancelled", int(now), None
        _event(job, now, "Fine-tuning job cancelled")
    elif action == "pause":
        if job.status != "running":
            return f"Only running jobs can be paused; this job is {job.status}."
        job.status, job.paused_at = "paused", now
        _event(job, now, "Fine-tuning job paused")
    elif action == "resume":
        if job.status != "paused":
            return f"Only paused jobs can be resumed; this job is {job.status}."
        job.paused_total += now - (job.paused_at or now)
        job.status, job.paused_at = "running", None
        _event(job, now, "Fine-tuning job resumed")
    return None


