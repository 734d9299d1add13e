"""/v1/models: base models plus the fine-tuned ones; only fine-tuned models can be deleted."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox import api_jobs
from sandbox.catalogue import BASE_MODELS, MODEL_CREATED, base_model, offered
from sandbox.context import sandbox_of
from sandbox.errors import ApiError
from sandbox.shapes import list_json, model_json
from sandbox.state import ModelRecord


def _all_models(request: Request) -> list[ModelRecord]:
    sandbox = sandbox_of(request)
    base = [ModelRecord(m.id, MODEL_CREATED, "system") for m in BASE_MODELS if offered(m, sandbox.dialect)]
    with sandbox.state.lock:
        return base + sorted(sandbox.state.models.values(), key=lambda m: m.created)


def _missing(model_id: str) -> ApiError:
    return ApiError(404, f"The model '{model_id}' does not exist or you do not have access to it.",
                    code="model_not_found", param="model")


async def list_models(request: Request) -> JSONResponse:
    return JSONResponse(list_json([model_json(m) for m in _all_models(request)]))


async def get_model(request: Request) -> JSONResponse:
    model_id = request.path_params["model_id"]
    record = next((m for m in _all_models(request) if m.id == model_id), None)
    if record is None:
        raise _missing(model_id)
    return JSONResponse(model_json(record))


async def delete_model(request: Request) -> JSONResponse:
    model_id = request.path_params["model_id"]
    state = sandbox_of(request).state
    with state.lock:
        if model_id in state.models:
            del state.models[model_id]
            state.save()
            return JSONResponse({"id": model_id, "object": "model", "deleted": True})
    if base_model(model_id) is not None and not model_id.startswith("ft:"):
        raise ApiError(403, "You have insufficient permissions for this operation: only fine-tuned models "
                       "can be deleted.", code="insufficient_permissions", param="model")
    raise _missing(model_id)


async def delete_fine_tuned(request: Request) -> JSONResponse:
    """Zhipu: DELETE /fine_tuning/fine_tuned_models/{id} answers with a delete status, not a model."""
    model_id = request.path_params["model_id"]
    state = sandbox_of(request).state
    with state.lock:
        if model_id not in state.models:
            raise ApiError(400, "模型不存在，请检查模型代码。", code="1211", param="model")
        del state.models[model_id]
        state.save()
    return JSONResponse({"request_id": model_id, "model_name": model_id, "delete_status": "deleted"})


# Zhipu's own paths (mounted with its dialect only): its fine-tuned models' and its jobs' deletion.
ZHIPU_ROUTES = [Route("/fine_tuning/fine_tuned_models/{model_id:path}", delete_fine_tuned, methods=["DELETE"]),
                *api_jobs.ZHIPU_ROUTES]
ROUTES = [
    Route("/models", list_models, methods=["GET"]),
    Route("/models/{model_id:path}", get_model, methods=["GET"]),
    Route("/models/{model_id:path}", delete_model, methods=["DELETE"]),
]
