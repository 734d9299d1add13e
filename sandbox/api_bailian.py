"""Alibaba Bailian's own REST shape under /api/v1: files (answers under ``data``) and fine-tunes with logs
(answers under ``output``); errors as {"request_id", "code", "message"}. Deployments: api_bailian_deployments."""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from sandbox import api_bailian_deployments as deployments
from sandbox.api_jobs import current_job, current_jobs, new_job
from sandbox.bailian_shapes import ACCOUNT, answer, clock, page
from sandbox.catalogue import base_model, offered
from sandbox.context import Sandbox, sandbox_of
from sandbox.errors import ApiError, bad_request
from sandbox.inputs import (
    FORM_OVERHEAD,
    MAX_FILE_BYTES,
    json_object,
    limited,
    optional_object,
    query_number,
    refuse_if_declared_over,
)
from sandbox.lifecycle import control
from sandbox.state import FileRecord, JobRecord
from sandbox.validation import analyse_file

STATUSES = {"validating_files": "PENDING", "queued": "PENDING", "running": "RUNNING", "paused": "RUNNING",
            "succeeded": "SUCCEEDED", "failed": "FAILED", "cancelled": "CANCELED"}
TRAINING_TYPES = ("sft", "efficient_sft", "dpo_full", "dpo_lora", "cpt")


# -- files --------------------------------------------------------------------------------------------
def _file_json(request: Request, record: FileRecord, content: bytes) -> dict[str, Any]:
    return {"file_id": record.id, "name": record.filename, "description": "", "size": record.bytes,
            "md5": hashlib.md5(content).hexdigest(), "gmt_create": clock(record.created_at),
            "url": f"{str(request.base_url).rstrip('/')}/_sandbox/files/{record.id}", "purpose": record.purpose}


async def upload_files(request: Request) -> JSONResponse:
    error = bad_request("The files are larger than 512 MB in all.")
    await refuse_if_declared_over(request, MAX_FILE_BYTES + FORM_OVERHEAD, error)
    form = await limited(request, MAX_FILE_BYTES + FORM_OVERHEAD, error).form(max_files=20)
    uploaded, failed = [], []
    for upload in form.getlist("files"):
        if isinstance(upload, str):
            continue
        content = await upload.read()
        try:
            facts = analyse_file(content)
        except ApiError as error:
            failed.append({"name": upload.filename, "code": "BadRequest.InvalidFormat", "message": error.message})
            continue
        record = FileRecord(str(uuid.uuid4()), upload.filename or "train.jsonl", "fine-tune", len(content),
                            int(time.time()), facts)
        sandbox_of(request).state.add_file(record, content)
        uploaded.append({"file_id": record.id, "name": record.filename})
    if not uploaded and not failed:
        raise bad_request("Missing files.")
    return answer("data", {"uploaded_files": uploaded, "failed_uploads": failed})


def _file(request: Request) -> FileRecord:
    record = sandbox_of(request).state.files.get(request.path_params["file_id"])
    if record is None:  # a 400, not a 404: the DashScope SDK (2.x files.py) keys on this message
        raise bad_request("File not found.")
    return record


async def list_files(request: Request) -> JSONResponse:
    state = sandbox_of(request).state
    files = [_file_json(request, f, state.contents.get(f.id, b"")) for f in state.files.values()]
    return answer("data", page(request, files, "files"))


async def get_file(request: Request) -> JSONResponse:
    record = _file(request)
    return answer("data", _file_json(request, record, sandbox_of(request).state.contents.get(record.id, b"")))


async def delete_file(request: Request) -> JSONResponse:
    sandbox_of(request).state.delete_file(_file(request).id)
    return JSONResponse({"request_id": uuid.uuid4().hex})


async def download(request: Request) -> Response:
    """The file's download address (a signed storage URL at the real service)."""
    return Response(sandbox_of(request).state.contents.get(_file(request).id, b""),
                    media_type="application/octet-stream")


# -- fine-tunes ---------------------------------------------------------------------------------------
def job_json(job: JobRecord) -> dict[str, Any]:
    hyper = job.hyperparameters
    data = {"job_id": job.id, "job_name": job.request_id or job.id,
            "status": STATUSES.get(job.status, job.status.upper()), "model": job.model, "base_model": job.base,
            "training_file_ids": [job.training_file],
            "validation_file_ids": [job.validation_file] if job.validation_file else [],
            "hyper_parameters": {"n_epochs": hyper["n_epochs"], "batch_size": hyper["batch_size"],
                                 "learning_rate": hyper["learning_rate_multiplier"] * 1e-5, "max_length": 2048},
            "training_type": job.training_type, "create_time": clock(job.created_at),
            "workspace_id": "ws-sandbox", "user_identity": ACCOUNT, "modifier": ACCOUNT, "creator": ACCOUNT,
            "group": "llm",
            # The name the model will have: the DashScope SDK's FineTuneOutput requires it in every answer
            # (its docs say it appears once the job succeeded; reading it earlier fails in the SDK).
            "finetuned_output": job.fine_tuned_model or job.model_name}
    if job.status == "succeeded":
        data["usage"] = job.trained_tokens
    if job.finished_at:
        data["end_time"] = clock(job.finished_at)
    if job.error:
        data |= {"code": job.error.get("code"), "message": job.error.get("message")}
    return data


async def create_job(request: Request) -> JSONResponse:
    sandbox = sandbox_of(request)
    body = await json_object(request)
    files = body.get("training_file_ids")
    if not body.get("model") or not isinstance(files, list) or not files:
        raise bad_request("Missing training files" if body.get("model") else "Missing model")
    if not isinstance(body["model"], str):
        raise bad_request("model must be a string.")
    model = _base(sandbox, body["model"])
    training = _training(sandbox, files[0])
    validation = body.get("validation_file_ids") or []
    if not isinstance(validation, list):
        raise bad_request("validation_file_ids must be a list.")
    if validation:
        _training(sandbox, validation[0])
    # model_name: the produced model's display name, "not its id, which the system makes" (the docs; the
    # DashScope 2.x SDK sends it as ``finetuned_model``). Accepted, not kept: the Sandbox shows no names.
    for key in ("finetuned_output_suffix", "job_name", "model_name"):
        if not isinstance(body.get(key), str | None):
            raise bad_request(f"{key} must be a string.")
    if "finetuned_output" in body:  # what dashscope 1.x sent; its 2.x says the service now rejects it
        raise bad_request("finetuned_output is not a request parameter; use finetuned_output_suffix or model_name.")
    training_type = body.get("training_type") or "sft"
    if training_type not in TRAINING_TYPES:
        raise bad_request(f"training_type must be one of {', '.join(TRAINING_TYPES)}.")
    hyper = optional_object(body, "hyper_parameters")
    requested = {k: hyper[k] for k in ("n_epochs", "batch_size") if isinstance(hyper.get(k), int)}
    job = new_job(sandbox, body["model"], model, training, requested,
                  "dpo" if training_type.startswith("dpo") else "supervised",
                  validation_file=validation[0] if validation else None,
                  suffix=body.get("finetuned_output_suffix"), training_type=training_type,
                  request_id=body.get("job_name"))
    return answer("output", job_json(job))


def _base(sandbox: Sandbox, model_id: str) -> Any:
    own = sandbox.state.models.get(model_id)
    job = sandbox.state.jobs.get(own.job_id or "") if own else None
    model = base_model(job.base if job else model_id)
    if model is None or not offered(model, sandbox.dialect):
        raise bad_request(f"Model {model_id} is not supported for fine-tuning.")
    return model


def _training(sandbox: Sandbox, file_id: Any) -> FileRecord:
    record = sandbox.state.files.get(file_id) if isinstance(file_id, str) else None
    if record is None or record.facts is None:
        raise bad_request(f"File {file_id} not found.")
    return record


def _job(request: Request) -> JobRecord:
    job = current_job(sandbox_of(request), request.path_params["job_id"])
    if job is None:
        raise ApiError(404, "Not Found!")
    return job


async def list_jobs(request: Request) -> JSONResponse:
    sandbox = sandbox_of(request)
    jobs = current_jobs(sandbox)
    with sandbox.state.lock:
        return answer("output", page(request, [job_json(j) for j in jobs], "jobs"))


async def get_job(request: Request) -> JSONResponse:
    return answer("output", job_json(_job(request)))


async def cancel_job(request: Request) -> JSONResponse:
    job = _job(request)
    state = sandbox_of(request).state
    with state.lock:
        if control(job, "cancel"):
            raise ApiError(400, f"The fine-tune job can not be canceled because it is {job.status}.")
        state.save()
    return answer("output", {"status": "success"})


async def delete_job(request: Request) -> JSONResponse:
    job = _job(request)
    state = sandbox_of(request).state
    with state.lock:
        if job.status in ("validating_files", "queued", "running", "paused"):  # "无法删除正在训练中的调优任务"
            raise ApiError(400, "The fine-tuning job cannot be deleted while it is running; cancel it first.",
                           "UnsupportedOperation")
        state.jobs.pop(job.id, None)
        state.save()
    return answer("output", {"status": "success"})


def log_lines(job: JobRecord) -> list[str]:
    """The job's log, in the style of the service's training logs."""
    lines = []
    for event in job.events:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S,000", time.localtime(event["created_at"]))
        level = "ERROR" if event["level"] == "error" else "INFO"
        data = event.get("data") or {}
        if event.get("type") == "metrics":
            epoch = round(data["step"] / job.steps_per_epoch, 2)
            lines.append(f"{stamp} - INFO - {{'loss': {data['train_loss']}, 'learning_rate': 1e-05, 'epoch': {epoch}}}")
            if "valid_loss" in data:
                lines.append(f"{stamp} - INFO - {{'eval_loss': {data['valid_loss']}, 'epoch': {epoch}}}")
        else:
            lines.append(f"{stamp} - {level} - {event['message']}")
    if job.status == "succeeded" and job.metrics:
        average = sum(m["train_loss"] for m in job.metrics) / len(job.metrics)
        lines.append(f"{{'train_runtime': {job.duration:.1f}, 'train_loss': {average}, "
                     f"'epoch': {job.hyperparameters['n_epochs']}.0}}")
        lines.append(f"training usage {job.trained_tokens}")
        lines.append("##FT_COMPLETE##")
    return lines


async def job_logs(request: Request) -> JSONResponse:
    lines = log_lines(_job(request))
    offset = query_number(request, "offset", 0, 0, 10**9)
    count = query_number(request, "line", 100, 1, 1000)
    return answer("output", {"total": len(lines), "logs": lines[offset: offset + count]})


async def stream_events(request: Request) -> StreamingResponse:
    """GET /fine-tunes/{id}/stream: the log lines as server-sent events (``data:<line>``, the framing both
    DashScope SDKs read), following the job until it ends. What a real frame holds is not documented."""
    sandbox, job_id = sandbox_of(request), _job(request).id
    interval = min(0.2, max(sandbox.job_seconds / 50, 0.02))
    deadline = time.monotonic() + max(60.0, sandbox.job_seconds * 3)  # a stream never outlives a stuck job

    async def frames() -> AsyncIterator[str]:
        sent = 0
        while True:
            job = current_job(sandbox, job_id)
            with sandbox.state.lock:
                lines = log_lines(job) if job else []
                ended = job is None or job.status in ("succeeded", "failed", "cancelled")
            for number, line in enumerate(lines[sent:], start=sent + 1):
                yield f"id:{number}\nevent:result\ndata:{line}\n\n"
            sent = max(sent, len(lines))
            if ended or time.monotonic() > deadline:
                return
            await asyncio.sleep(interval)

    return StreamingResponse(frames(), media_type="text/event-stream")


ROUTES = [
    Route("/files", upload_files, methods=["POST"]),
    Route("/files", list_files, methods=["GET"]),
    Route("/files/{file_id}", get_file, methods=["GET"]),
    Route("/files/{file_id}", delete_file, methods=["DELETE"]),
    Route("/fine-tunes", create_job, methods=["POST"]),
    Route("/fine-tunes", list_jobs, methods=["GET"]),
    Route("/fine-tunes/{job_id}", get_job, methods=["GET"]),
    Route("/fine-tunes/{job_id}", delete_job, methods=["DELETE"]),
    Route("/fine-tunes/{job_id}/cancel", cancel_job, methods=["POST"]),
    Route("/fine-tunes/{job_id}/logs", job_logs, methods=["GET"]),
    Route("/fine-tunes/{job_id}/stream", stream_events, methods=["GET"]),
    *deployments.ROUTES,
]
DOWNLOAD_ROUTES = [Route("/_sandbox/files/{file_id}", download, methods=["GET"])]
