"""/v1/models: the catalogue models downloaded to this computer and the fine-tuned models; deleting a fine-tuned
model removes its adapter and checkpoints from the disk."""

from __future__ import annotations

import shutil

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.local import catalogue
from core.local.job_files import ADAPTER_DIR, CHECKPOINTS_DIR
from core.local.server.context import Local, local_of
from core.local.server.errors import ApiError, missing_model
from core.local.server.progress import ADAPTER_FILES
from core.local.server.shapes import ORGANIZATION, list_json, model_json


def _all_models(local: Local) -> list[dict]:
    base = []
    for entry in catalogue.catalogue():
        folder = catalogue.installed_folder(local.models_dir, entry.id)
        if folder is not None:
            created = int((folder / catalogue.COMPLETE_MARKER).stat().st_mtime)
            base.append(model_json(entry.id, created, "system"))
    with local.state.lock:
        tuned = sorted(local.state.models.values(), key=lambda m: (m.created, m.id))
        return base + [model_json(m.id, m.created, ORGANIZATION) for m in tuned]


async def list_models(request: Request) -> JSONResponse:
    return JSONResponse(list_json(_all_models(local_of(request))))


async def get_model(request: Request) -> JSONResponse:
    model_id = request.path_params["model_id"]
    found = next((m for m in _all_models(local_of(request)) if m["id"] == model_id), None)
    if found is None:
        raise missing_model(model_id)
    return JSONResponse(found)


def _remove_files(local: Local, job_id: str) -> None:
    """The fine-tuned model's adapter, its checkpoints and the adapter's copies among the result files."""
    state = local.state
    folder = state.job_folder(job_id)
    local.answerers.forget(str(folder))
    for name in (ADAPTER_DIR, CHECKPOINTS_DIR):
        shutil.rmtree(folder / name, ignore_errors=True)
    job = state.jobs.get(job_id)
    if job is None:
        return
    adapter_files = [f for f in job.result_files if f in state.files and state.files[f].filename in ADAPTER_FILES]
    for file_id in adapter_files:
        state.delete_file(file_id)
    job.result_files = [f for f in job.result_files if f not in adapter_files]


async def delete_model(request: Request) -> JSONResponse:
    model_id = request.path_params["model_id"]
    local = local_of(request)
    with local.state.lock:
        record = local.state.models.pop(model_id, None)
        if record is not None:
            _remove_files(local, record.job_id)
            local.state.save()
            return JSONResponse({"id": model_id, "object": "model", "deleted": True})
    if catalogue.find(model_id) is not None:
        raise ApiError(403, "Only fine-tuned models can be deleted here; remove a downloaded model from the list of "
                       "models to download.", code="insufficient_permissions", param="model")
    raise missing_model(model_id)


ROUTES = [
    Route("/models", list_models, methods=["GET"]),
    Route("/models/{model_id:path}", get_model, methods=["GET"]),
    Route("/models/{model_id:path}", delete_model, methods=["DELETE"]),
]
