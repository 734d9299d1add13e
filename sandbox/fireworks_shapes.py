"""Fireworks AI's answers as the official `fireworks-ai` SDK (1.x, generated from Fireworks' OpenAPI document) reads
them: resources named ``accounts/{account}/{collection}/{id}``, camelCase fields, ISO times, ``JOB_STATE_*`` states,
pages with ``nextPageToken``, and errors in the gRPC gateway's envelope ``{"code", "message", "details"}``."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from sandbox.context import Sandbox
from sandbox.dialect_tools import iso
from sandbox.errors import ApiError
from sandbox.inputs import query_number
from sandbox.state import DeploymentRecord, FileRecord, JobRecord

STATES = {"validating_files": "JOB_STATE_VALIDATING", "queued": "JOB_STATE_PENDING", "running": "JOB_STATE_RUNNING",
          "paused": "JOB_STATE_PAUSED", "succeeded": "JOB_STATE_COMPLETED", "failed": "JOB_STATE_FAILED",
          "cancelled": "JOB_STATE_CANCELLED"}
GRPC_CODES = {400: (3, "INVALID_ARGUMENT"), 401: (16, "UNAUTHENTICATED"), 403: (7, "PERMISSION_DENIED"),
              404: (5, "NOT_FOUND"), 409: (6, "ALREADY_EXISTS"), 412: (9, "FAILED_PRECONDITION")}
DEPLOY_FRACTION = 0.2  # a deployment is READY after this share of a job's duration


class FireworksError(ApiError):
    """An error in the control plane's envelope, whichever dialect's handler answers it."""

    def response(self, dialect: str = "fireworks") -> JSONResponse:
        code, _ = GRPC_CODES.get(self.status, (13, "INTERNAL"))
        return JSONResponse({"code": code, "message": self.message, "details": []}, status_code=self.status)


def name(account: str, collection: str, item: str) -> str:
    return f"accounts/{account}/{collection}/{item}"


def short(value: str) -> str:
    """The last part of a resource name ("accounts/a/models/m" → "m"); a bare id as it is."""
    return value.rsplit("/", 1)[-1]


def page(request: Request, items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """One page: ``pageSize`` items (50 by default, 200 at most) from the offset ``pageToken`` names."""
    size = query_number(request, "pageSize", 50, 1, 10_000)
    size = min(size, 200)
    token = request.query_params.get("pageToken") or "0"
    start = int(token) if token.isdigit() else 0
    found = items[start:start + size]
    more = start + size < len(items)
    return {key: found, "nextPageToken": str(start + size) if more else "", "totalSize": len(items)}


def ok_status(message: str = "") -> dict[str, str]:
    return {"code": "OK", "message": message}


def dataset_json(account: str, dataset_id: str, record: FileRecord | None, pending: dict[str, Any] | None) -> dict:
    """A dataset: READY once its file is uploaded, UPLOADING until then."""
    data: dict[str, Any] = {"name": name(account, "datasets", dataset_id), "userUploaded": {}, "format": "CHAT",
                            "status": ok_status(), "createdBy": "sandbox@example.com"}
    if record is not None:
        facts = record.facts
        return data | {"displayName": record.filename, "createTime": iso(record.created_at),
                       "updateTime": iso(record.created_at), "state": "READY",
                       "exampleCount": str(facts.n_examples if facts else 0),
                       "estimatedTokenCount": str(facts.total_tokens if facts else 0)}
    pending = pending or {}
    return data | {"displayName": pending.get("displayName", dataset_id), "createTime": iso(pending.get("created")),
                   "updateTime": iso(pending.get("created")), "state": "UPLOADING",
                   "exampleCount": str(pending.get("exampleCount") or 0)}


def job_json(account: str, job: JobRecord) -> dict[str, Any]:
    steps = job.metrics[-1]["step"] if job.metrics else 0
    percent = 100 if job.status == "succeeded" else int(100 * steps / max(job.total_steps, 1))
    error = job.error or {}
    data: dict[str, Any] = {
        "name": name(account, "supervisedFineTuningJobs", job.id), "displayName": job.request_id or job.id,
        "createTime": iso(job.created_at), "updateTime": iso(job.finished_at or job.created_at),
        "createdBy": "sandbox@example.com", "state": STATES.get(job.status, "JOB_STATE_UNSPECIFIED"),
        "status": {"code": "INVALID_ARGUMENT", "message": error.get("message", "")} if error else ok_status(),
        "dataset": name(account, "datasets", job.training_file), "baseModel": job.base,
        "outputModel": job.model_name, "epochs": job.hyperparameters["n_epochs"],
        "learningRate": job.hyperparameters["learning_rate_multiplier"] * 1e-4,
        "loraRank": 8, "batchSize": job.hyperparameters["batch_size"] * 1024, "maxContextLength": 8192,
        "jobProgress": {"percent": percent, "epoch": steps // max(job.steps_per_epoch, 1)},
        "estimatedCost": {"currencyCode": "USD", "units": "0", "nanos": 0}, "region": "US_VIRGINIA_1"}
    if job.validation_file:
        data["evaluationDataset"] = name(account, "datasets", job.validation_file)
    if job.finished_at:
        data["completedTime"] = iso(job.finished_at)
    return data


def model_json(sandbox: Sandbox, model_name: str) -> dict[str, Any]:
    """A fine-tuned model of this account: a LoRA addon of its job's base model."""
    record = sandbox.state.models[model_name]
    job = sandbox.state.jobs.get(record.job_id or "")
    account = model_name.split("/")[1]
    refs = [{"name": name(account, "deployedModels", d.name), "deployment": name(account, "deployments", d.name),
             "state": "DEPLOYED", "default": True}
            for d in sandbox.state.deployments.values() if d.model == model_name]
    data = {"name": model_name, "displayName": short(model_name), "createTime": iso(record.created),
            "updateTime": iso(record.created), "state": "READY", "status": ok_status(), "kind": "HF_PEFT_ADDON",
            "public": False, "contextLength": 8192, "supportsLora": False, "tunable": True,
            "peftDetails": {"baseModel": job.base if job else "", "r": 8,
                            "targetModules": ["q_proj", "k_proj", "v_proj", "o_proj"]},
            "deployedModelRefs": refs}
    if job is not None:
        data["fineTuningJob"] = name(account, "supervisedFineTuningJobs", job.id)
    return data


def deployment_state(sandbox: Sandbox, deployment: DeploymentRecord) -> str:
    ready = deployment.created_at + sandbox.job_seconds * DEPLOY_FRACTION
    return "READY" if time.time() >= ready else "CREATING"


def deployment_json(sandbox: Sandbox, account: str, deployment: DeploymentRecord, state: str | None = None) -> dict:
    state = state or deployment_state(sandbox, deployment)
    return {"name": name(account, "deployments", deployment.name), "displayName": deployment.name,
            "baseModel": deployment.model, "state": state, "status": ok_status(),
            "createTime": iso(deployment.created_at), "updateTime": iso(deployment.created_at),
            "minReplicaCount": 0, "maxReplicaCount": 1, "replicaCount": 1 if state == "READY" else 0,
            "desiredReplicaCount": 1, "acceleratorType": "NVIDIA_H100_80GB", "acceleratorCount": 1,
            "precision": "BF16", "enableAddons": False, "createdBy": "sandbox@example.com"}
