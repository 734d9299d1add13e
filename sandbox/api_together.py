"""Together AI under /v1 (docs.together.ai API reference; the official `together` SDK's calls): files sent in one
request (POST /files/upload) or the SDK's way (POST /files answers 302 to a signed address, the bytes are PUT there,
POST /files/{id}/preprocess makes the file), fine-tunes with events, checkpoints, metrics, cancel, delete and
download, the model limits and price estimate the SDK asks for before creating a job, and the OpenAI-compatible chat
(a LoRA fine-tune answers at once: Together's serverless LoRA inference)."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox import api_chat
from sandbox.api_jobs import current_job, current_jobs, new_job
from sandbox.catalogue import base_model, offered
from sandbox.context import Sandbox, sandbox_of
from sandbox.dialect_tools import rename_job, scratch
from sandbox.errors import ApiError, bad_request
from sandbox.inputs import FORM_OVERHEAD, MAX_FILE_BYTES, json_object, limited, refuse_if_declared_over
from sandbox.lifecycle import control
from sandbox.state import FileRecord, JobRecord
from sandbox.together_shapes import (
    checkpoints_json,
    events_json,
    file_json,
    job_json,
    limits_json,
    metrics_json,
    output_name,
)
from sandbox.validation import analyse_file

PURPOSES = ("fine-tune", "eval", "eval-sample", "eval-output", "eval-summary", "batch-generated", "batch-api")
SUFFIX = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")  # "up to 40 characters" (the SDK's create docstring)
UPLOADS = "together_uploads"  # file id -> (name, purpose) of signed uploads not yet preprocessed
TOO_LARGE = bad_request("The file is larger than the Sandbox keeps (512 MB).", "file", "file_too_large")


# -- files --------------------------------------------------------------------------------------------
def _store(request: Request, file_id: str, name: str, purpose: str, content: bytes) -> FileRecord:
    facts = analyse_file(content) if purpose == "fine-tune" else None
    record = FileRecord(file_id, name or "train.jsonl", purpose, len(content), int(time.time()), facts)
    sandbox_of(request).state.add_file(record, content)
    return record


def _purpose(value: Any) -> str:
    if value not in PURPOSES:
        raise bad_request(f"Invalid purpose '{value}'.", "purpose")
    return str(value)


async def upload_file(request: Request) -> JSONResponse:
    """POST /files/upload: multipart purpose, file_name, file (and file_type)."""
    await refuse_if_declared_over(request, MAX_FILE_BYTES + FORM_OVERHEAD, TOO_LARGE)
    async with limited(request, MAX_FILE_BYTES + FORM_OVERHEAD, TOO_LARGE).form(max_files=1, max_fields=8) as form:
        upload, purpose = form.get("file"), _purpose(form.get("purpose"))
        if not isinstance(upload, UploadFile):
            raise bad_request("Missing required parameter: 'file'.", "file")
        name = str(form.get("file_name") or upload.filename or "")
        content = await upload.read()
    return JSONResponse(file_json(_store(request, f"file-{uuid.uuid4()}", name, purpose, content)))


async def start_upload(request: Request) -> Response:
    """POST /files: the SDK's first step; 302 to where the bytes go, with the new file's id in a header."""
    async with limited(request, FORM_OVERHEAD, TOO_LARGE).form(max_files=0, max_fields=8) as form:
        purpose, name = _purpose(form.get("purpose")), str(form.get("file_name") or "")
    if not name:
        raise bad_request("Missing required parameter: 'file_name'.", "file_name")
    file_id = f"file-{uuid.uuid4()}"
    scratch(request, UPLOADS)[file_id] = (name, purpose)
    origin = str(request.base_url).rstrip("/")
    return Response(status_code=302, headers={"Location": f"{origin}/_sandbox/together/uploads/{file_id}",
                                              "X-Together-File-Id": file_id})


async def receive_upload(request: Request) -> Response:
    """PUT to the signed address: the bytes, kept until the SDK asks for the file to be preprocessed."""
    file_id = request.path_params["file_id"]
    if file_id not in scratch(request, UPLOADS):
        raise ApiError(404, "Upload not found.")
    await refuse_if_declared_over(request, MAX_FILE_BYTES, TOO_LARGE)
    scratch(request, "together_bytes")[file_id] = await limited(request, MAX_FILE_BYTES, TOO_LARGE).body()
    return Response(status_code=200)


async def preprocess(request: Request) -> JSONResponse:
    file_id = request.path_params["file_id"]
    pending, received = scratch(request, UPLOADS), scratch(request, "together_bytes")
    if file_id not in pending or file_id not in received:
        raise ApiError(404, f"File {file_id} was not uploaded.")
    name, purpose = pending.pop(file_id)
    return JSONResponse(file_json(_store(request, file_id, name, purpose, received.pop(file_id))))


def _file(request: Request) -> FileRecord:
    record = sandbox_of(request).state.files.get(request.path_params["file_id"])
    if record is None:
        raise ApiError(404, f"File {request.path_params['file_id']} not found.", "file_not_found")
    return record


async def list_files(request: Request) -> JSONResponse:
    state = sandbox_of(request).state
    with state.lock:
        records = sorted(state.files.values(), key=lambda f: f.created_at, reverse=True)
    return JSONResponse({"object": "list", "data": [file_json(f) for f in records]})


async def get_file(request: Request) -> JSONResponse:
    return JSONResponse(file_json(_file(request)))


async def file_content(request: Request) -> Response:
    return Response(sandbox_of(request).state.contents.get(_file(request).id, b""),
                    media_type="application/octet-stream")


async def delete_file(request: Request) -> JSONResponse:
    record = _file(request)
    sandbox_of(request).state.delete_file(record.id)
    return JSONResponse({"id": record.id, "deleted": True})


# -- fine-tunes ---------------------------------------------------------------------------------------
def _model(sandbox: Sandbox, model_id: Any) -> Any:
    model = base_model(model_id) if isinstance(model_id, str) else None
    if model is None or not offered(model, sandbox.dialect):
        raise bad_request(f"Model {model_id} is not supported for fine-tuning.", "model", "model_not_available")
    return model


def _training(sandbox: Sandbox, file_id: Any, param: str) -> FileRecord:
    record = sandbox.state.files.get(file_id) if isinstance(file_id, str) else None
    if record is None or record.facts is None:
        raise bad_request(f"File {file_id} not found or not a fine-tune file.", param, "invalid_file")
    return record


async def model_limits(request: Request) -> JSONResponse:
    model = _model(sandbox_of(request), request.query_params.get("model_name"))
    return JSONResponse(limits_json(model.id, model.context_tokens))


async def estimate_price(request: Request) -> JSONResponse:
    """Nothing is billed here: the estimate is 0 dollars, with the tokens a job would train."""
    sandbox, body = sandbox_of(request), await json_object(request)
    training = _training(sandbox, body.get("training_file"), "training_file")
    epochs = body.get("n_epochs") if isinstance(body.get("n_epochs"), int) else 1
    return JSONResponse({"estimation_available": True, "allowed_to_proceed": True, "estimated_total_price": 0.0,
                         "estimated_train_token_count": training.facts.total_tokens * epochs,
                         "estimated_eval_token_count": 0.0, "user_limit": 0.0})


def _number(body: dict[str, Any], key: str, low: float, high: float, whole: bool = False) -> Any:
    value = body.get(key)
    if value is None or (key == "batch_size" and value == "max"):
        return None
    kind_ok = isinstance(value, int) if whole else isinstance(value, int | float)
    if isinstance(value, bool) or not kind_ok or not low <= value <= high:
        raise bad_request(f"Invalid value for '{key}': {value!r}.", key)
    return value


def _method_and_type(body: dict[str, Any]) -> tuple[str, str]:
    method = body.get("training_method") or {"method": "sft"}
    kind = body.get("training_type") or {"type": "Lora", "lora_r": 8, "lora_alpha": 16}
    if not isinstance(method, dict) or method.get("method") not in ("sft", "dpo"):
        raise bad_request("training_method.method must be 'sft' or 'dpo'.", "training_method")
    if not isinstance(kind, dict) or kind.get("type") not in ("Lora", "Full"):
        raise bad_request("training_type.type must be 'Lora' or 'Full'.", "training_type")
    if kind["type"] == "Lora" and not all(isinstance(kind.get(k), int) for k in ("lora_r", "lora_alpha")):
        raise bad_request("A LoRA training_type needs lora_r and lora_alpha.", "training_type")
    return ("dpo" if method["method"] == "dpo" else "supervised"), json.dumps(kind)


async def create_job(request: Request) -> JSONResponse:
    sandbox, body = sandbox_of(request), await json_object(request)
    model = _model(sandbox, body.get("model"))
    training = _training(sandbox, body.get("training_file"), "training_file")
    validation = body.get("validation_file") or None
    if validation is not None:
        _training(sandbox, validation, "validation_file")
    suffix = body.get("suffix")
    if suffix is not None and not (isinstance(suffix, str) and SUFFIX.match(suffix)):
        raise bad_request("suffix must be at most 40 letters, digits, '-', '_' or '.'.", "suffix")
    method, training_type = _method_and_type(body)
    requested = {"n_epochs": _number(body, "n_epochs", 1, 20, whole=True),
                 "batch_size": _number(body, "batch_size", 1, 256, whole=True)}
    rate = _number(body, "learning_rate", 1e-8, 1.0)
    if rate is not None:
        requested["learning_rate_multiplier"] = rate / 1e-5
    if method == "dpo":
        requested["beta"] = (body.get("training_method") or {}).get("dpo_beta")
    seed = _number(body, "random_seed", 0, 2**31 - 1, whole=True)
    job = new_job(sandbox, model.id, model, training, {k: v for k, v in requested.items() if v is not None}, method,
                  validation_file=validation, suffix=suffix, seed=seed, training_type=training_type)
    job_id = f"ft-{uuid.uuid4()}"
    job.model_name = output_name(model.id, suffix, job_id)
    return JSONResponse(job_json(rename_job(sandbox, job, job_id), truncated=True))


def _job(request: Request) -> JobRecord:
    job = current_job(sandbox_of(request), request.path_params["job_id"])
    if job is None:
        raise ApiError(404, f"Fine-tune job {request.path_params['job_id']} not found.", "not_found")
    return job


async def list_jobs(request: Request) -> JSONResponse:
    sandbox = sandbox_of(request)
    jobs = current_jobs(sandbox)
    with sandbox.state.lock:
        return JSONResponse({"data": [job_json(j, truncated=True) for j in jobs]})


async def get_job(request: Request) -> JSONResponse:
    job = _job(request)
    with sandbox_of(request).state.lock:
        return JSONResponse(job_json(job))


async def list_events(request: Request) -> JSONResponse:
    job = _job(request)
    with sandbox_of(request).state.lock:
        return JSONResponse({"data": events_json(job)})


async def list_checkpoints(request: Request) -> JSONResponse:
    job = _job(request)
    with sandbox_of(request).state.lock:
        return JSONResponse({"data": checkpoints_json(job)})


async def list_metrics(request: Request) -> JSONResponse:
    job = _job(request)
    with sandbox_of(request).state.lock:
        return JSONResponse({"metrics": metrics_json(job)})


async def cancel_job(request: Request) -> JSONResponse:
    job, state = _job(request), sandbox_of(request).state
    with state.lock:
        if control(job, "cancel"):
            raise bad_request(f"Fine-tune job {job.id} can not be cancelled: it is already {job.status}.")
        state.save()
        return JSONResponse(job_json(job, truncated=True))


async def delete_job(request: Request) -> JSONResponse:
    """The job goes, and with it its fine-tuned model."""
    job, state = _job(request), sandbox_of(request).state
    with state.lock:
        state.jobs.pop(job.id, None)
        state.models.pop(job.model_name, None)
        state.save()
    return JSONResponse({"message": f"Fine-tune job {job.id} deleted."})


async def download(request: Request) -> Response:
    """GET /finetune/download?ft_id=: the model's weights (a few bytes standing for them here)."""
    job = current_job(sandbox_of(request), request.query_params.get("ft_id", ""))
    if job is None or job.status != "succeeded":
        raise bad_request("The fine-tune job does not exist or has not completed.", "ft_id")
    checkpoint = request.query_params.get("checkpoint", "merged")
    content = f"Sandbox weights of {job.model_name} ({checkpoint}); no real model was trained.\n".encode()
    return Response(content, media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{job.id}.tar.zst"'})


ROUTES = [
    Route("/files/upload", upload_file, methods=["POST"]),
    Route("/files", start_upload, methods=["POST"]),
    Route("/files", list_files, methods=["GET"]),
    Route("/files/{file_id}/preprocess", preprocess, methods=["POST"]),
    Route("/files/{file_id}/content", file_content, methods=["GET"]),
    Route("/files/{file_id}", get_file, methods=["GET"]),
    Route("/files/{file_id}", delete_file, methods=["DELETE"]),
    Route("/fine-tunes/models/limits", model_limits, methods=["GET"]),
    Route("/fine-tunes/estimate-price", estimate_price, methods=["POST"]),
    Route("/fine-tunes", create_job, methods=["POST"]),
    Route("/fine-tunes", list_jobs, methods=["GET"]),
    Route("/fine-tunes/{job_id}", get_job, methods=["GET"]),
    Route("/fine-tunes/{job_id}", delete_job, methods=["DELETE"]),
    Route("/fine-tunes/{job_id}/cancel", cancel_job, methods=["POST"]),
    Route("/fine-tunes/{job_id}/events", list_events, methods=["GET"]),
    Route("/fine-tunes/{job_id}/checkpoints", list_checkpoints, methods=["GET"]),
    Route("/fine-tunes/{job_id}/metrics", list_metrics, methods=["GET"]),
    Route("/finetune/download", download, methods=["GET"]),
    *api_chat.ROUTES,
]
UPLOAD_ROUTES = [Route("/_sandbox/together/uploads/{file_id}", receive_upload, methods=["PUT"])]
