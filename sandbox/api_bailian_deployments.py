"""Bailian's deployments under /api/v1/deployments: a fine-tuned model made callable under a name of its
own, pending for a moment, then running (and billed, at the real service) until it is deleted."""

from __future__ import annotations

import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.bailian_shapes import ACCOUNT, answer, clock, page
from sandbox.context import Sandbox, sandbox_of
from sandbox.errors import ApiError
from sandbox.inputs import json_object
from sandbox.state import DeploymentRecord

DEPLOY_FRACTION = 0.2  # a deployment runs after this share of a job's duration


def deployment_status(sandbox: Sandbox, deployment: DeploymentRecord) -> str:
    ready = deployment.created_at + sandbox.job_seconds * DEPLOY_FRACTION
    return "RUNNING" if sandbox.dialect != "bailian" or time.time() >= ready else "PENDING"


def _deployment_json(sandbox: Sandbox, deployment: DeploymentRecord, status: str | None = None) -> dict[str, Any]:
    status = status or deployment_status(sandbox, deployment)
    own = sandbox.state.models.get(deployment.model)
    job = sandbox.state.jobs.get(own.job_id or "") if own else None
    return {"deployed_model": deployment.name, "gmt_create": clock(deployment.created_at),
            "gmt_modified": clock(deployment.created_at), "status": status, "model_name": deployment.model,
            "base_model": job.base if job else "", "base_capacity": 1, "capacity": 1,
            "ready_capacity": 1 if status == "RUNNING" else 0, "workspace_id": "ws-sandbox",
            "charge_type": "post_paid", "plan": deployment.plan, "creator": ACCOUNT, "modifier": ACCOUNT}


async def create_deployment(request: Request) -> JSONResponse:
    sandbox = sandbox_of(request)
    body = await json_object(request)
    model = body.get("model_name")
    if not isinstance(model, str) or model not in sandbox.state.models:
        raise ApiError(404, f"Model: {model} not found!")
    suffix = body.get("suffix")
    with sandbox.state.lock:
        if not suffix and any(d.model == model for d in sandbox.state.deployments.values()):
            raise ApiError(409, f"Deployment of {model} already exists, please specify a suffix.")
        name = f"{model[:40]}-{suffix or secrets.token_hex(4)}"
        deployment = DeploymentRecord(name, model, time.time(), str(body.get("plan") or "lora"))
        sandbox.state.deployments[name] = deployment
        sandbox.state.save()
    return answer("output", _deployment_json(sandbox, deployment))


def _deployment(request: Request) -> DeploymentRecord:
    found = sandbox_of(request).state.deployments.get(request.path_params["name"])
    if found is None:
        raise ApiError(404, f"Model: {request.path_params['name']} not found!")
    return found


async def list_deployments(request: Request) -> JSONResponse:
    sandbox = sandbox_of(request)
    items = [_deployment_json(sandbox, d) for d in sandbox.state.deployments.values()]
    return answer("output", page(request, items, "deployments", 50))


async def get_deployment(request: Request) -> JSONResponse:
    return answer("output", _deployment_json(sandbox_of(request), _deployment(request)))


async def delete_deployment(request: Request) -> JSONResponse:
    sandbox, deployment = sandbox_of(request), _deployment(request)
    with sandbox.state.lock:
        sandbox.state.deployments.pop(deployment.name, None)
        sandbox.state.save()
    return answer("output", _deployment_json(sandbox, deployment, "DELETING"))


ROUTES = [
    Route("/deployments", create_deployment, methods=["POST"]),
    Route("/deployments", list_deployments, methods=["GET"]),
    Route("/deployments/{name}", get_deployment, methods=["GET"]),
    Route("/deployments/{name}", delete_deployment, methods=["DELETE"]),
]
