"""What the worker's events.jsonl lines do to a job: metrics, checkpoints, messages and the end (see
core.local.job_files for the lines). Events come from our own worker, yet are read as data: odd numbers are dropped,
paths must stay inside the job's folder. Call with the state's lock held."""

from __future__ import annotations

import base64
import json
import math
import shutil
from pathlib import Path
from typing import Any

from core.local.job_files import ADAPTER_DIR, CHECKPOINTS_DIR
from core.local.server.state import FileRecord, JobRecord, LocalState, ModelRecord, new_id, now

RESULT_COLUMNS = "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"
ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")
ERROR_CODES = ("out_of_memory", "disk_full", "no_gpu_driver", "bad_data", "engine_missing", "internal")
LEVELS = ("info", "warning", "error")


def new_lines(path: Path, offset: int) -> tuple[list[dict[str, Any]], int]:
    """The whole lines written to ``path`` after byte ``offset`` (a line still being written waits for the next
    call), as objects, and the offset after them. Lines that are not JSON objects are skipped."""
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            data = handle.read()
    except FileNotFoundError:
        return [], offset
    whole = data[: data.rfind(b"\n") + 1]
    events = []
    for line in whole.splitlines():
        try:
            event = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(event, dict):
            events.append(event)
    return events, offset + len(whole)


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _step(value: Any) -> int | None:
    found = _finite(value)
    return int(found) if found is not None and found >= 0 else None


def _at(event: dict[str, Any]) -> float | None:
    return _finite(event.get("at"))


def _started(state: LocalState, job: JobRecord, event: dict[str, Any]) -> None:
    job.total_steps = _step(event.get("total_steps")) or job.total_steps
    job.run_origin = None
    device = str(event.get("device", "cpu"))[:20]
    job.log(f"Training on {device}: {job.total_steps} steps.", at=_at(event))


def _rewind(job: JobRecord, step: int) -> None:
    """A worker that resumed from a checkpoint repeats the steps after it: drop what the stopped one reported."""
    job.metrics = [m for m in job.metrics if m["step"] < step]
    job.events = [e for e in job.events if e["type"] != "metrics" or e["data"].get("step", 0) < step]


def _metrics(state: LocalState, job: JobRecord, event: dict[str, Any]) -> None:
    step, loss = _step(event.get("step")), _finite(event.get("train_loss"))
    if not step or loss is None:
        return
    if job.metrics and step <= job.metrics[-1]["step"]:
        _rewind(job, step)
    job.total_steps = _step(event.get("total_steps")) or job.total_steps
    data: dict[str, Any] = {"step": step, "train_loss": loss, "total_steps": job.total_steps}
    for key in ("train_mean_token_accuracy", "valid_loss", "valid_mean_token_accuracy"):
        if (value := _finite(event.get(key))) is not None:
            data[key] = value
    job.metrics.append(data)
    valid = f", validation loss={data['valid_loss']:.2f}" if "valid_loss" in data else ""
    job.log(f"Step {step}/{job.total_steps}: training loss={loss:.2f}{valid}", data=data, kind="metrics",
            at=_at(event))
    _estimate_finish(job, step, _at(event) or now())


def _estimate_finish(job: JobRecord, step: int, at: float) -> None:
    if job.run_origin is None:
        job.run_origin = [at, step]
        return
    started, first = job.run_origin
    if step > first:
        job.estimated_finish = int(at + (job.total_steps - step) * (at - started) / (step - first))


def _checkpoint(state: LocalState, job: JobRecord, event: dict[str, Any]) -> None:
    step, path, folder = _step(event.get("step")), event.get("path"), state.job_folder(job.id)
    inside = isinstance(path, str) and (folder / path).resolve().parent == (folder / CHECKPOINTS_DIR).resolve()
    if not step or not inside:
        return
    train = _finite(event.get("train_loss"))
    valid = _finite(event.get("valid_loss"))
    metrics = {"step": step, "train_loss": train, "valid_loss": valid if valid is not None else train}
    job.checkpoints = [c for c in job.checkpoints if c["step_number"] != step] + [{
        "object": "fine_tuning.job.checkpoint", "id": new_id("ftckpt-"), "created_at": int(_at(event) or now()),
        "fine_tuned_model_checkpoint": f"{job.model_name}:ckpt-step-{step}", "fine_tuning_job_id": job.id,
        "metrics": {k: v for k, v in metrics.items() if v is not None}, "step_number": step, "path": path}]
    job.log(f"Checkpoint created at step {step}", at=_at(event))


def _message(state: LocalState, job: JobRecord, event: dict[str, Any]) -> None:
    level = event.get("level") if event.get("level") in LEVELS else "info"
    job.log(str(event.get("message", ""))[:2000], level=level, at=_at(event))


def _finished(state: LocalState, job: JobRecord, event: dict[str, Any]) -> None:
    job.pause_requested = False
    tokens = _step(event.get("trained_tokens"))
    job.trained_tokens = tokens if tokens is not None else job.trained_tokens
    status = event.get("status")
    if status == "paused":
        job.status = "paused"
        job.log("Fine-tuning job paused", at=_at(event))
    elif status == "succeeded":
        succeed(state, job)
    else:
        error = event.get("error") if isinstance(event.get("error"), dict) else {}
        code = error.get("code") if error.get("code") in ERROR_CODES else "internal"
        fail(job, code, str(error.get("message") or "The training stopped with an error.")[:2000])


def fail(job: JobRecord, code: str, message: str) -> None:
    job.status, job.finished_at = "failed", now()
    job.error = {"code": code, "message": message, "param": None}
    job.log(message, level="error")


def _result_file(state: LocalState, job: JobRecord, filename: str, content: bytes | Path) -> str:
    record = FileRecord(new_id("file-"), filename, "fine-tune-results", 0, now())
    target = state.file_path(record.id)
    if isinstance(content, Path):
        shutil.copyfile(content, target)
    else:
        target.write_bytes(content)
    record.bytes = target.stat().st_size
    state.files[record.id] = record
    return record.id


def _metrics_csv(job: JobRecord) -> bytes:
    rows = [RESULT_COLUMNS] + [
        f"{m['step']},{m['train_loss']},{m.get('train_mean_token_accuracy', '')},{m.get('valid_loss', '')},"
        f"{m.get('valid_mean_token_accuracy', '')}" for m in job.metrics]
    return base64.b64encode(("\n".join(rows) + "\n").encode())  # the API serves result files base64-encoded


def succeed(state: LocalState, job: JobRecord) -> None:
    """The job's model is ready: its step metrics and its adapter become result files, its name a model."""
    adapter = state.job_folder(job.id) / ADAPTER_DIR
    if not all((adapter / name).is_file() for name in ADAPTER_FILES):
        fail(job, "internal", "The training ended without saving the trained adapter.")
        return
    job.result_files = [_result_file(state, job, "step_metrics.csv", _metrics_csv(job))] + [
        _result_file(state, job, name, adapter / name) for name in ADAPTER_FILES]
    job.status, job.finished_at, job.fine_tuned_model = "succeeded", now(), job.model_name
    state.models[job.model_name] = ModelRecord(job.model_name, job.finished_at, job.id)
    job.log(f"New fine-tuned model created: {job.model_name}")
    job.log("The job has successfully completed")


HANDLERS = {"started": _started, "metrics": _metrics, "checkpoint": _checkpoint, "message": _message,
            "finished": _finished}


def apply(state: LocalState, job: JobRecord, event: dict[str, Any]) -> None:
    handler = HANDLERS.get(event.get("type"))  # type: ignore[arg-type]
    if handler is not None:
        handler(state, job, event)

