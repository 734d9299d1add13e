"""Fireworks AI under /v1/accounts/{account} (docs.fireworks.ai API reference; the official `fireworks-ai` SDK's
calls): datasets (created, then their file uploaded in one request with ``:upload``), supervised fine-tuning jobs
named by the client, the account's models, and deployments (a fine-tuned LoRA answers only on a dedicated deployment,
billed while it exists, here a "live merge" deployment whose base model is the LoRA itself). Chat is the
OpenAI-compatible /inference/v1/chat/completions."""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from sandbox.api_jobs import current_job, current_jobs, new_job
from sandbox.catalogue import base_model, offered
from sandbox.context import Sandbox, sandbox_of
from sandbox.dialect_tools import chat_as, rename_job, scratch
from sandbox.errors import ApiError
from sandbox.fireworks_shapes import (
    FireworksError,
    dataset_json,
    deployment_json,
    deployment_state,
    job_json,
    model_json,
    name,
    page,
    short,
)
from sandbox.inputs import FORM_OVERHEAD, json_object, limited, optional_object, refuse_if_declared_over
from sandbox.lifecycle import control
from sandbox.state import DeploymentRecord, FileRecord, JobRecord
from sandbox.validation import analyse_file

RESOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")  # what Fireworks takes as a dataset, job or model id
UPLOAD_BYTES = 150 * 1024**2  # ":upload handles files up to 150 MB" (the SDK's datasets.upload docstring)
PENDING = "fireworks_datasets"  # dataset id -> what it was created with, until its file comes


def _id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not RESOURCE_ID.match(value):
        raise FireworksError(400, f"Invalid {what} id {value!r}: use up to 63 lower-case letters, digits or '-'.")
    return value


def _account(request: Request) -> str:
    return request.path_params["account_id"]


# -- datasets -----------------------------------------------------------------------------------------
async def create_dataset(request: Request) -> JSONResponse:
    sandbox, body = sandbox_of(request), await json_object(request)
    dataset_id = _id(body.get("datasetId"), "dataset")
    dataset = optional_object(body, "dataset")
    if dataset_id in sandbox.state.files or dataset_id in scratch(request, PENDING):
        raise FireworksError(409, f"Dataset {dataset_id} already exists.")
    pending = {"displayName": str(dataset.get("displayName") or dataset_id)[:200], "created": time.time(),
               "exampleCount": str(dataset.get("exampleCount") or "0")[:20]}
    scratch(request, PENDING)[dataset_id] = pending
    return JSONResponse(dataset_json(_account(request), dataset_id, None, pending))


async def upload_dataset(request: Request) -> JSONResponse:
    dataset_id = request.path_params["dataset_id"]
    pending = scratch(request, PENDING).get(dataset_id)
    if pending is None:
        raise FireworksError(404 if dataset_id not in sandbox_of(request).state.files else 412,
                             f"Dataset {dataset_id} is not waiting for an upload.")
    error = FireworksError(400, "The file is larger than 150 MB; use the upload endpoint instead.")
    await refuse_if_declared_over(request, UPLOAD_BYTES + FORM_OVERHEAD, error)
    async with limited(request, UPLOAD_BYTES + FORM_OVERHEAD, error).form(max_files=1, max_fields=4) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise FireworksError(400, "Missing the file to upload.")
        content, filename = await upload.read(), upload.filename or "dataset.jsonl"
    try:
        facts = analyse_file(content)
    except ApiError as exc:
        raise FireworksError(400, exc.message) from exc
    record = FileRecord(dataset_id, pending["displayName"], "fine-tune", len(content), int(pending["created"]), facts)
    sandbox_of(request).state.add_file(record, content)
    scratch(request, PENDING).pop(dataset_id, None)
    return JSONResponse({"id": dataset_id, "object": "file", "bytes": len(content), "created_at": record.created_at,
                         "filename": filename, "purpose": "fine-tune"})


def _dataset(request: Request) -> tuple[str, FileRecord | None, dict[str, Any] | None]:
    dataset_id = request.path_params["dataset_id"]
    record, pending = sandbox_of(request).state.files.get(dataset_id), scratch(request, PENDING).get(dataset_id)
    if record is None and pending is None:
        raise FireworksError(404, f"Dataset {name(_account(request), 'datasets', dataset_id)} not found.")
    return dataset_id, record, pending


async def list_datasets(request: Request) -> JSONResponse:
    state, account = sandbox_of(request).state, _account(request)
    with state.lock:
        ready = sorted((f for f in state.files.values() if f.facts is not None), key=lambda f: f.created_at)
        items = [dataset_json(account, f.id, f, None) for f in ready]
    items += [dataset_json(account, key, None, value) for key, value in scratch(request, PENDING).items()]
    return JSONResponse(page(request, items, "datasets"))


async def get_dataset(request: Request) -> JSONResponse:
    dataset_id, record, pending = _dataset(request)
    return JSONResponse(dataset_json(_account(request), dataset_id, record, pending))


async def delete_dataset(request: Request) -> JSONResponse:
    dataset_id, record, _ = _dataset(request)
    scratch(request, PENDING).pop(dataset_id, None)
    if record is not None:
        sandbox_of(request).state.delete_file(dataset_id)
    return JSONResponse({})


async def download_endpoint(request: Request) -> JSONResponse:
    """Signed addresses of the dataset's files (here the Sandbox's own download path)."""
    dataset_id, record, _ = _dataset(request)
    if record is None:
        raise FireworksError(412, f"Dataset {dataset_id} has no file yet.")
    origin = str(request.base_url).rstrip("/")
    return JSONResponse({"filenameToSignedUrls": {record.filename: f"{origin}/_sandbox/fireworks/files/{dataset_id}"}})


async def dataset_file(request: Request) -> Response:
    record = sandbox_of(request).state.files.get(request.path_params["dataset_id"])
    if record is None:
        raise FireworksError(404, "No such file.")
    return Response(sandbox_of(request).state.contents.get(record.id, b""), media_type="application/jsonl")


# -- supervised fine-tuning jobs ----------------------------------------------------------------------
def _ready_dataset(sandbox: Sandbox, value: Any, field: str) -> FileRecord:
    record = sandbox.state.files.get(short(value)) if isinstance(value, str) else None
    if record is None or record.facts is None:
        raise FireworksError(400, f"{field}: dataset {value!r} does not exist or is not READY.")
    return record


def _base(sandbox: Sandbox, value: Any) -> Any:
    model = base_model(value) if isinstance(value, str) else None
    if model is None or not offered(model, sandbox.dialect):
        raise FireworksError(400, f"baseModel: {value!r} is not a model that can be fine-tuned.")
    return model


def _whole(body: dict[str, Any], key: str, low: int, high: int) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FireworksError(400, f"{key} must be a whole number from {low} to {high}.")
    return value


async def create_job(request: Request) -> JSONResponse:
    sandbox, body, account = sandbox_of(request), await json_object(request), _account(request)
    job_id = request.query_params.get("supervisedFineTuningJobId") or secrets.token_hex(10)
    _id(job_id, "supervised fine-tuning job")
    if job_id in sandbox.state.jobs:
        raise FireworksError(409, f"Supervised fine-tuning job {name(account, 'supervisedFineTuningJobs', job_id)} "
                                  "already exists.")
    training = _ready_dataset(sandbox, body.get("dataset"), "dataset")
    validation = _ready_dataset(sandbox, body["evaluationDataset"], "evaluationDataset") \
        if body.get("evaluationDataset") else None
    model = _base(sandbox, body.get("baseModel"))
    output = _id(body.get("outputModel") or job_id, "model") if not str(body.get("outputModel", "")).startswith(
        "accounts/") else _id(short(body["outputModel"]), "model")
    if name(account, "models", output) in sandbox.state.models:
        raise FireworksError(409, f"Model {name(account, 'models', output)} already exists.")
    rate = body.get("learningRate")
    if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 < rate <= 1):
        raise FireworksError(400, "learningRate must be above 0 and at most 1.")
    _whole(body, "loraRank", 1, 64)
    requested = {"n_epochs": _whole(body, "epochs", 1, 100)}
    if rate is not None:
        requested["learning_rate_multiplier"] = rate / 1e-4
    display = body.get("displayName")
    job = new_job(sandbox, model.id, model, training, {k: v for k, v in requested.items() if v is not None},
                  validation_file=validation.id if validation else None,
                  request_id=str(display)[:200] if isinstance(display, str) else None)
    job.model_name = name(account, "models", output)
    return JSONResponse(job_json(account, rename_job(sandbox, job, job_id)))


def _job(request: Request) -> JobRecord:
    job = current_job(sandbox_of(request), request.path_params["job_id"])
    if job is None or job.dialect != "fireworks":
        job_name = name(_account(request), "supervisedFineTuningJobs", request.path_params["job_id"])
        raise FireworksError(404, f"Supervised fine-tuning job {job_name} not found.")
    return job


async def list_jobs(request: Request) -> JSONResponse:
    sandbox, account = sandbox_of(request), _account(request)
    jobs = current_jobs(sandbox)
    with sandbox.state.lock:
        items = [job_json(account, j) for j in jobs]
    return JSONResponse(page(request, items, "supervisedFineTuningJobs"))


async def get_job(request: Request) -> JSONResponse:
    job = _job(request)
    with sandbox_of(request).state.lock:
        return JSONResponse(job_json(_account(request), job))


async def cancel_job(request: Request) -> JSONResponse:
    job, state = _job(request), sandbox_of(request).state
    with state.lock:
        if control(job, "cancel"):
            raise FireworksError(412, f"The job is already {job.status}; it cannot be cancelled.")
        state.save()
    return JSONResponse({})


async def delete_job(request: Request) -> JSONResponse:
    """The job goes; the model it made stays (it is deleted on its own)."""
    job, state = _job(request), sandbox_of(request).state
    with state.lock:
        state.jobs.pop(job.id, None)
        state.save()
    return JSONResponse({})


# -- models and deployments ---------------------------------------------------------------------------
def _own_model(request: Request) -> str:
    model_name = name(_account(request), "models", request.path_params["model_id"])
    if model_name not in sandbox_of(request).state.models:
        raise FireworksError(404, f"Model {model_name} not found.")
    return model_name


async def list_models(request: Request) -> JSONResponse:
    sandbox, prefix = sandbox_of(request), f"accounts/{_account(request)}/models/"
    with sandbox.state.lock:
        names = sorted((m for m in sandbox.state.models if m.startswith(prefix)),
                       key=lambda m: sandbox.state.models[m].created)
        items = [model_json(sandbox, m) for m in names]
    return JSONResponse(page(request, items, "models"))


async def get_model(request: Request) -> JSONResponse:
    model_name = _own_model(request)
    with sandbox_of(request).state.lock:
        return JSONResponse(model_json(sandbox_of(request), model_name))


async def delete_model(request: Request) -> JSONResponse:
    model_name, state = _own_model(request), sandbox_of(request).state
    with state.lock:
        if any(d.model == model_name for d in state.deployments.values()):
            raise FireworksError(412, f"Model {model_name} is deployed; delete its deployment first.")
        state.models.pop(model_name, None)
        state.save()
    return JSONResponse({})


async def create_deployment(request: Request) -> JSONResponse:
    sandbox, body, account = sandbox_of(request), await json_object(request), _account(request)
    model = body.get("baseModel")
    if not isinstance(model, str) or model not in sandbox.state.models and _base_or_none(sandbox, model) is None:
        raise FireworksError(404, f"Model {model!r} not found.")
    deployment_id = _id(request.query_params.get("deploymentId") or secrets.token_hex(4), "deployment")
    with sandbox.state.lock:
        if deployment_id in sandbox.state.deployments:
            raise FireworksError(409, f"Deployment {name(account, 'deployments', deployment_id)} already exists.")
        deployment = DeploymentRecord(deployment_id, model, time.time(), "live-merge")
        sandbox.state.deployments[deployment_id] = deployment
        sandbox.state.save()
    return JSONResponse(deployment_json(sandbox, account, deployment))


def _base_or_none(sandbox: Sandbox, model: str) -> Any:
    found = base_model(model)
    return found if found is not None and offered(found, sandbox.dialect) else None


def _deployment(request: Request) -> DeploymentRecord:
    found = sandbox_of(request).state.deployments.get(request.path_params["deployment_id"])
    if found is None:
        deployment = name(_account(request), "deployments", request.path_params["deployment_id"])
        raise FireworksError(404, f"Deployment {deployment} not found.")
    return found


async def list_deployments(request: Request) -> JSONResponse:
    sandbox = sandbox_of(request)
    with sandbox.state.lock:
        items = [deployment_json(sandbox, _account(request), d) for d in sandbox.state.deployments.values()]
    return JSONResponse(page(request, items, "deployments"))


async def get_deployment(request: Request) -> JSONResponse:
    return JSONResponse(deployment_json(sandbox_of(request), _account(request), _deployment(request)))


async def delete_deployment(request: Request) -> JSONResponse:
    sandbox, deployment = sandbox_of(request), _deployment(request)
    with sandbox.state.lock:
        sandbox.state.deployments.pop(deployment.name, None)
        sandbox.state.save()
    return JSONResponse({})


# -- accounts -----------------------------------------------------------------------------------------
SANDBOX_ACCOUNT = "sandbox"  # the account GET /v1/accounts names for any key


async def list_accounts(request: Request) -> JSONResponse:
    """The accounts this key reaches: one, so that a profile without an account id still finds its own."""
    account = {"name": f"accounts/{SANDBOX_ACCOUNT}", "displayName": "Sandbox", "email": "sandbox@example.com",
               "accountType": "ACCOUNT_TYPE_UNSPECIFIED", "state": "READY", "status": {"code": "OK", "message": ""}}
    return JSONResponse(page(request, [account], "accounts"))


# -- chat ---------------------------------------------------------------------------------------------
def _callable(sandbox: Sandbox, requested: str) -> str:
    """The model a chat request may use: a base model (serverless), or a fine-tuned one on a READY deployment
    (``MODEL`` or ``MODEL#accounts/A/deployments/D``)."""
    model, _, wanted = requested.partition("#")
    if model not in sandbox.state.models:
        return model
    ready = [d for d in sandbox.state.deployments.values() if d.model == model and
             (not wanted or short(wanted) == d.name) and deployment_state(sandbox, d) == "READY"]
    if not ready:
        raise ApiError(404, f"Model not found, inaccessible, and/or not deployed: {requested}", "NOT_FOUND",
                       "model")
    return model


async def chat(request: Request) -> Response:
    body = await json_object(request)
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise ApiError(400, "Missing required parameter: 'model'.", param="model")
    return await chat_as(request, body, _callable(sandbox_of(request), model))


ACCOUNT = "/v1/accounts/{account_id}"
ROUTES = [
    Route("/v1/accounts", list_accounts, methods=["GET"]),
    Mount(ACCOUNT, routes=[
        Route("/datasets/{dataset_id}:upload", upload_dataset, methods=["POST"]),
        Route("/datasets/{dataset_id}:getDownloadEndpoint", download_endpoint, methods=["GET"]),
        Route("/datasets", create_dataset, methods=["POST"]),
        Route("/datasets", list_datasets, methods=["GET"]),
        Route("/datasets/{dataset_id}", get_dataset, methods=["GET"]),
        Route("/datasets/{dataset_id}", delete_dataset, methods=["DELETE"]),
        Route("/supervisedFineTuningJobs/{job_id}:cancel", cancel_job, methods=["POST"]),
        Route("/supervisedFineTuningJobs", create_job, methods=["POST"]),
        Route("/supervisedFineTuningJobs", list_jobs, methods=["GET"]),
        Route("/supervisedFineTuningJobs/{job_id}", get_job, methods=["GET"]),
        Route("/supervisedFineTuningJobs/{job_id}", delete_job, methods=["DELETE"]),
        Route("/models", list_models, methods=["GET"]),
        Route("/models/{model_id}", get_model, methods=["GET"]),
        Route("/models/{model_id}", delete_model, methods=["DELETE"]),
        Route("/deployments", create_deployment, methods=["POST"]),
        Route("/deployments", list_deployments, methods=["GET"]),
        Route("/deployments/{deployment_id}", get_deployment, methods=["GET"]),
        Route("/deployments/{deployment_id}", delete_deployment, methods=["DELETE"]),
    ]),
    Mount("/inference/v1", routes=[Route("/chat/completions", chat, methods=["POST"])]),
    Route("/_sandbox/fireworks/files/{dataset_id}", dataset_file, methods=["GET"]),
]
