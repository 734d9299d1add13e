"""/v1/fine_tuning/jobs: create, list, get, events, checkpoints, cancel, pause, resume."""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.dataset.estimate import auto_epochs
from core.local.server.context import Local, local_of
from core.local.server.errors import bad_request, not_found, wrong_state
from core.local.server.inputs import json_object, optional_object, query_limit, required_text, whole_number
from core.local.server.model_dirs import trainable_folder
from core.local.server.runner import Runner
from core.local.server.shapes import checkpoint_json, event_json, fine_tuned_name, job_json, list_json, page
from core.local.server.state import FileRecord, JobRecord, new_id, now

SUFFIX = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Within reach of a computer of one's own: a batch of 4 short rows fits a small GPU or the CPU (a bigger one only
# needs more memory). The learning-rate multiplier follows the API's rule (0.05, 0.1 or 0.2 by batch size), which the
# engine scales into the rates LoRA recipes use (core.local.engine.train.BASE_LEARNING_RATE).
AUTO_BATCH_SIZE, AUTO_BETA = 4, 0.1
LIMITS: dict[str, tuple[float, float, type]] = {"n_epochs": (1, 50, int), "batch_size": (1, 256, int),
                                                "learning_rate_multiplier": (0.0001, 10.0, float),
                                                "beta": (0.0001, 2.0, float)}


def auto_learning_rate_multiplier(batch_size: int) -> float:
    return 0.05 if batch_size < 16 else 0.1 if batch_size < 64 else 0.2


def _training_file(local: Local, file_id: Any, param: str) -> FileRecord:
    record = local.state.files.get(file_id) if isinstance(file_id, str) else None
    if record is None or record.purpose != "fine-tune":
        raise bad_request(f"Invalid file '{str(file_id)[:100]}': it does not exist or its purpose is not fine-tune.",
                          param, "invalid_file")
    return record


def _hyperparameters(requested: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """The requested values, checked; "auto" (or absent) left out for the caller to fill in."""
    chosen: dict[str, Any] = {}
    for key, value in requested.items():
        if key not in allowed:
            raise bad_request(f"Unknown hyperparameter: '{key[:100]}'.", f"hyperparameters.{key[:100]}")
        if value in (None, "auto"):
            continue
        low, high, kind = LIMITS[key]
        valid = (not isinstance(value, bool) and isinstance(value, int | float) and low <= value <= high
                 and (kind is float or float(value).is_integer()))
        if not valid:
            raise bad_request(f"Invalid value for '{key}': {str(value)[:100]}.", f"hyperparameters.{key}")
        chosen[key] = kind(value)
    return chosen


def _method(body: dict[str, Any], examples: int) -> tuple[str, dict[str, Any]]:
    """(method, hyperparameters with every "auto" resolved the way the app estimates them)."""
    method = optional_object(body, "method") or {"type": "supervised"}
    kind = method.get("type", "supervised")
    if kind not in ("supervised", "dpo"):
        raise bad_request(f"This computer trains with 'supervised' or 'dpo', not '{str(kind)[:50]}'.", "method.type")
    requested = (optional_object(optional_object(method, kind), "hyperparameters")
                 or optional_object(body, "hyperparameters"))
    allowed = ("n_epochs", "batch_size", "learning_rate_multiplier") + (("beta",) if kind == "dpo" else ())
    chosen = _hyperparameters(requested, allowed)
    batch = chosen.get("batch_size", max(1, min(AUTO_BATCH_SIZE, examples)))
    resolved: dict[str, Any] = {"n_epochs": auto_epochs(examples), "batch_size": batch,
                                "learning_rate_multiplier": auto_learning_rate_multiplier(batch)}
    if kind == "dpo":
        resolved["beta"] = AUTO_BETA
    return kind, resolved | chosen


def _metadata(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) > 16 or not all(
            isinstance(k, str) and isinstance(v, str) and len(k) <= 64 and len(v) <= 512 for k, v in value.items()):
        raise bad_request("metadata must be at most 16 string pairs (keys up to 64, values up to 512 characters).",
                          "metadata")
    return value


def _suffix(value: Any) -> str | None:
    if value is not None and not (isinstance(value, str) and SUFFIX.match(value)):
        raise bad_request("suffix must be 1 to 64 characters: letters, digits, '-' or '_'.", "suffix")
    return value


async def create_job(request: Request) -> JSONResponse:
    local = local_of(request)
    body = await json_object(request)
    folder, base = trainable_folder(local, required_text(body, "model"))
    training = _training_file(local, required_text(body, "training_file"), "training_file")
    validation = body.get("validation_file") or None
    if validation is not None:
        _training_file(local, validation, "validation_file")
    method, hyper = _method(body, training.rows)
    seed = body.get("seed")
    seed = secrets.randbelow(2**31) if seed is None else whole_number(seed, "seed", 0, 2**31 - 1)
    job_id, suffix = new_id("ftjob-"), _suffix(body.get("suffix"))
    job = JobRecord(id=job_id, created_at=now(), model=body["model"], model_dir=str(folder),
                    model_name=fine_tuned_name(base, suffix, job_id), training_file=training.id,
                    validation_file=validation, suffix=suffix, seed=seed, metadata=_metadata(body.get("metadata")),
                    method=method, hyperparameters=hyper,
                    total_steps=math.ceil(max(training.rows, 1) / hyper["batch_size"]) * hyper["n_epochs"])
    job.log(f"Created fine-tuning job: {job.id}")
    job.log(f"Validating training file: {job.training_file}")
    with local.state.lock:
        local.state.jobs[job.id] = job
        local.state.save()
        answer = job_json(job)
    local.runner.wake()
    return JSONResponse(answer)


def _job(request: Request) -> JobRecord:
    job_id = request.path_params["job_id"]
    job = local_of(request).state.jobs.get(job_id)
    if job is None:
        raise not_found("fine-tuning job", job_id, "fine_tuning_job_id")
    return job


async def list_jobs(request: Request) -> JSONResponse:
    state = local_of(request).state
    wanted = {key[9:-1]: value for key, value in request.query_params.items()
              if key.startswith("metadata[") and key.endswith("]")}
    with state.lock:
        jobs = sorted(state.jobs.values(), key=lambda j: (j.created_at, j.id), reverse=True)
        data = [job_json(j) for j in jobs if all((j.metadata or {}).get(k) == v for k, v in wanted.items())]
    items, has_more = page(data, request.query_params.get("after"), query_limit(request, 20))
    return JSONResponse(list_json(items, has_more))


async def get_job(request: Request) -> JSONResponse:
    with local_of(request).state.lock:
        return JSONResponse(job_json(_job(request)))


async def list_events(request: Request) -> JSONResponse:
    job = _job(request)
    with local_of(request).state.lock:
        newest_first = job.events[::-1]  # like the API
    items, has_more = page(newest_first, request.query_params.get("after"), query_limit(request, 20))
    return JSONResponse(list_json([event_json(e) for e in items], has_more))


async def list_checkpoints(request: Request) -> JSONResponse:
    job = _job(request)
    with local_of(request).state.lock:
        newest_first = sorted(job.checkpoints, key=lambda c: -c["step_number"])
    items, has_more = page(newest_first, request.query_params.get("after"), query_limit(request, 10))
    return JSONResponse(list_json([checkpoint_json(c) for c in items], has_more, ids=True))


def _control(action: Callable[[Runner, JobRecord], str | None]) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def handler(request: Request) -> JSONResponse:
        job = _job(request)
        problem = action(local_of(request).runner, job)
        if problem:
            raise wrong_state(problem)
        with local_of(request).state.lock:
            return JSONResponse(job_json(job))

    return handler


ROUTES = [
    Route("/fine_tuning/jobs", create_job, methods=["POST"]),
    Route("/fine_tuning/jobs", list_jobs, methods=["GET"]),
    Route("/fine_tuning/jobs/{job_id}", get_job, methods=["GET"]),
    Route("/fine_tuning/jobs/{job_id}/events", list_events, methods=["GET"]),
    Route("/fine_tuning/jobs/{job_id}/checkpoints", list_checkpoints, methods=["GET"]),
    Route("/fine_tuning/jobs/{job_id}/cancel", _control(Runner.cancel), methods=["POST"]),
    Route("/fine_tuning/jobs/{job_id}/pause", _control(Runner.pause), methods=["POST"]),
    Route("/fine_tuning/jobs/{job_id}/resume", _control(Runner.resume), methods=["POST"]),
]
