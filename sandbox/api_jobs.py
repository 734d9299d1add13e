"""/v1/fine_tuning/jobs: create, list, get, events, checkpoints, cancel, pause, resume."""

from __future__ import annotations

import math
import random
import re
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.catalogue import base_model, fine_tuned_name, new_job_id, offered
from sandbox.context import Sandbox, sandbox_of
from sandbox.errors import ApiError, bad_request, not_found
from sandbox.faults import CLOSED_CODE, CLOSED_MESSAGE
from sandbox.inputs import json_object, optional_object, required_text
from sandbox.lifecycle import advance, control, resolve_hyperparameters, start_job
from sandbox.shapes import checkpoint_json, event_json, job_json, list_json, page
from sandbox.state import JobRecord

SUFFIX = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
LIMITS = {"n_epochs": (1, 50, int), "batch_size": (1, 256, int), "learning_rate_multiplier": (0, None, float),
          "beta": (0, 2, float)}


def _valid_number(key: str, value: Any) -> bool:
    low, high, kind = LIMITS[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if kind is int and not float(value).is_integer():
        return False
    above_low = value > low if kind is float else value >= low  # rates and beta must be above 0
    return above_low and (high is None or value <= high)


def _check_hyperparameters(values: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    for key, value in values.items():
        if key not in allowed:
            raise bad_request(f"Unknown hyperparameter: '{key}'.", f"hyperparameters.{key}")
        if value != "auto" and not _valid_number(key, value):
            raise bad_request(f"Invalid value for '{key}': {value!r}.", f"hyperparameters.{key}")
    return values


def _method(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    method = optional_object(body, "method") or {"type": "supervised"}
    kind = method.get("type", "supervised")
    if kind not in ("supervised", "dpo"):
        raise bad_request(f"The Sandbox does not simulate '{kind}' fine-tuning; use supervised or dpo.",
                          "method.type")
    requested = (optional_object(optional_object(method, kind), "hyperparameters")
                 or optional_object(body, "hyperparameters"))
    allowed = ("n_epochs", "batch_size", "learning_rate_multiplier") + (("beta",) if kind == "dpo" else ())
    return kind, _check_hyperparameters(dict(requested), allowed)


def _check_metadata(metadata: Any) -> dict[str, str] | None:
    if metadata is None:
        return None
    if not isinstance(metadata, dict) or len(metadata) > 16 or not all(
            isinstance(k, str) and isinstance(v, str) and len(k) <= 64 and len(v) <= 512 for k, v in metadata.items()):
        raise bad_request("metadata must be at most 16 string pairs (keys up to 64, values up to 512 characters).",
                          "metadata")
    return metadata


def _training_file(sandbox: Sandbox, file_id: Any, param: str) -> Any:
    record = sandbox.state.files.get(file_id) if isinstance(file_id, str) else None
    if record is None or record.purpose != "fine-tune":
        raise bad_request(f"Invalid file '{file_id}': it does not exist or its purpose is not fine-tune.", param,
                          "invalid_file")
    return record


def _model(sandbox: Sandbox, model_id: Any) -> Any:
    """The base model to train: named, or behind one of this account's fine-tuned models."""
    own = sandbox.state.models.get(model_id) if isinstance(model_id, str) else None
    job = sandbox.state.jobs.get(own.job_id or "") if own is not None else None
    if job is not None:
        return base_model(job.base)
    model = base_model(model_id) if isinstance(model_id, str) else None
    if model is None or not offered(model, sandbox.dialect) or model_id.startswith("ft:"):
        raise bad_request(f"Model {model_id} is not available for fine-tuning or does not exist.", "model",
                          "model_not_available")
    return model


async def create_job(request: Request) -> JSONResponse:
    sandbox = sandbox_of(request)
    body = await json_object(request)
    if sandbox.faults.fine_tuning_closed:
        raise ApiError(403, CLOSED_MESSAGE, CLOSED_CODE, None, "permission_error")
    for key in ("model", "training_file"):
        required_text(body, key)
    model = _model(sandbox, body["model"])
    training = _training_file(sandbox, body["training_file"], "training_file")
    if body.get("validation_file"):
        _training_file(sandbox, body["validation_file"], "validation_file")
    suffix = body.get("suffix")
    if suffix is not None and not (isinstance(suffix, str) and SUFFIX.match(suffix)):
        raise bad_request("suffix must be 1 to 64 characters: letters, digits, '-' or '_'.", "suffix")
    method, requested = _method(body)
    if method == "dpo" and not model.chat:
        raise bad_request(f"DPO is not available for {model.id}.", "method.type")
    training_type = _training_type(sandbox.dialect, body)
    if not isinstance(body.get("request_id"), str | None):
        raise bad_request("'request_id' must be a string.", "request_id")
    seed = body.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= 2**31 - 1):
        raise bad_request("seed must be an integer between 0 and 2147483647.", "seed")
    job = new_job(sandbox, body["model"], model, training, requested, method,
                  validation_file=body.get("validation_file"), suffix=suffix, seed=seed,
                  metadata=_check_metadata(body.get("metadata")), request_id=body.get("request_id"),
                  training_type=training_type)
    return JSONResponse(job_json(job))


def _training_type(dialect: str, body: dict[str, Any]) -> str:
    """Azure's trainingType: required, one of its deployment types."""
    if dialect != "azure":
        return ""
    value = body.get("trainingType")
    if not isinstance(value, str) or value.lower() not in ("standard", "globalstandard", "developer", "developertier"):
        raise bad_request("The specified base model does not support fine-tuning with this trainingType "
                          f"({value!r}); use Standard, GlobalStandard or Developer.", "trainingType")
    return value


def new_job(sandbox: Sandbox, requested_model: str, model: Any, training: Any, hyperparameters: dict[str, Any],
            method: str = "supervised", **fields: Any) -> JobRecord:
    """A job record, started and stored (every dialect's create ends here). ``fields``: more JobRecord fields."""
    facts = training.facts
    hyper = resolve_hyperparameters(hyperparameters, facts.n_examples, method)
    steps_per_epoch = math.ceil(facts.n_examples / hyper["batch_size"])
    job_id = new_job_id(sandbox.dialect)
    if fields.get("seed") is None:
        fields["seed"] = random.randint(0, 2**31 - 1)
    job = JobRecord(
        id=job_id, created_at=time.time(), model=requested_model, base=model.id, training_file=training.id,
        validation_file=fields.pop("validation_file", None), suffix=fields.pop("suffix", None),
        seed=fields.pop("seed"), metadata=fields.pop("metadata", None), method=method, hyperparameters=hyper,
        total_steps=steps_per_epoch * hyper["n_epochs"], steps_per_epoch=steps_per_epoch,
        duration=sandbox.job_seconds, dialect=sandbox.dialect, **fields)
    job.model_name = fine_tuned_name(model.id, job.suffix, job.id, sandbox.dialect)
    start_job(job)
    with sandbox.state.lock:
        sandbox.state.jobs[job.id] = job
        sandbox.state.save()
    return job


def current_job(sandbox: Sandbox, job_id: str) -> JobRecord | None:
    """The job, brought up to date with the clock (saved only when it moved on)."""
    with sandbox.state.lock:
        job = sandbox.state.jobs.get(job_id)
        if job is not None and _advance(sandbox, job):
            sandbox.state.save()
    return job


def current_jobs(sandbox: Sandbox) -> list[JobRecord]:
    """Every job, newest first, brought up to date (saved once for all of them)."""
    with sandbox.state.lock:
        jobs = sorted(sandbox.state.jobs.values(), key=lambda j: j.created_at, reverse=True)
        if [_advance(sandbox, job) for job in jobs].count(True):
            sandbox.state.save()
    return jobs


def _job(request: Request) -> JobRecord:
    """The job named in the path, brought up to date with the clock."""
    job_id = request.path_params["job_id"]
    job = current_job(sandbox_of(request), job_id)
    if job is None:
        raise not_found("fine-tuning job", job_id, "fine_tuning_job_id")
    return job


def _advance(sandbox: Sandbox, job: JobRecord) -> bool:
    """Move the job on; True when something changed (and the state needs saving)."""
    seen = len(job.events)
    advance(sandbox.state, job)
    return len(job.events) != seen


def _limit(request: Request, default: int) -> int:
    try:
        limit = int(request.query_params.get("limit", default))
    except ValueError as exc:
        raise bad_request("limit must be an integer.", "limit") from exc
    if not 1 <= limit <= 100:
        raise bad_request("limit must be between 1 and 100.", "limit")
    return limit


async def list_jobs(request: Request) -> JSONResponse:
    sandbox = sandbox_of(request)
    wanted = {key[9:-1]: value for key, value in request.query_params.items()
              if key.startswith("metadata[") and key.endswith("]")}
    jobs = current_jobs(sandbox)
    with sandbox.state.lock:
        data = [job_json(j) for j in jobs if all((j.metadata or {}).get(k) == v for k, v in wanted.items())]
    items, has_more = page(data, request.query_params.get("after"), _limit(request, 20))
    return JSONResponse(list_json(items, has_more))


async def get_job(request: Request) -> JSONResponse:
    return JSONResponse(job_json(_job(request)))


async def list_events(request: Request) -> JSONResponse:
    job = _job(request)
    events = [event_json(e, job.dialect) for e in reversed(job.events)]  # newest first, like the API
    items, has_more = page(events, request.query_params.get("after"), _limit(request, 20))
    return JSONResponse(list_json(items, has_more))


async def list_checkpoints(request: Request) -> JSONResponse:
    job = _job(request)
    checkpoints = [checkpoint_json(c) for c in reversed(job.checkpoints)]
    items, has_more = page(checkpoints, request.query_params.get("after"), _limit(request, 10))
    return JSONResponse(list_json(items, has_more, ids=True))


def _control(action: str) -> Any:
    async def handler(request: Request) -> JSONResponse:
        sandbox = sandbox_of(request)
        job = _job(request)
        with sandbox.state.lock:
            problem = control(job, action)
            if problem:
                raise bad_request(problem, "fine_tuning_job_id", "invalid_job_state")
            sandbox.state.save()
        return JSONResponse(job_json(job))

    return handler


async def delete_job(request: Request) -> JSONResponse:
    """Zhipu's DELETE /fine_tuning/jobs/{id} (its SDK's ``jobs.delete``): the job goes, the model it made
    stays. The SDK reads the answer as a job, so the deleted job is what comes back."""
    sandbox = sandbox_of(request)
    job = _job(request)
    with sandbox.state.lock:
        sandbox.state.jobs.pop(job.id, None)
        sandbox.state.save()
        return JSONResponse(job_json(job))


ZHIPU_ROUTES = [Route("/fine_tuning/jobs/{job_id}", delete_job, methods=["DELETE"])]
ROUTES = [
    Route("/fine_tuning/jobs", create_job, methods=["POST"]),
    Route("/fine_tuning/jobs", list_jobs, methods=["GET"]),
    Route("/fine_tuning/jobs/{job_id}", get_job, methods=["GET"]),
    Route("/fine_tuning/jobs/{job_id}/events", list_events, methods=["GET"]),
    Route("/fine_tuning/jobs/{job_id}/checkpoints", list_checkpoints, methods=["GET"]),
    *(Route(f"/fine_tuning/jobs/{{job_id}}/{action}", _control(action), methods=["POST"])
      for action in ("cancel", "pause", "resume")),
]
