"""/v1/models: base models plus the fine-tuned ones; only fine-tuned models can be deleted."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.catalogue import BASE_MODELS, MODEL_CREATED, base_model
from sandbox.context import sandbox_of
from sandbox.errors import ApiError
from sandbox.shapes import list_json, model_json
from sandbox.state import ModelRecord

BASE_RECORDS = [ModelRecord(m.id, MODEL_CREATED, "system") for m in BASE_MODELS]


def _all_models(request: Request) -> list[ModelRecord]:
    state = sandbox_of(request).state
    with state.lock:
        return BASE_RECORDS + sorted(state.models.values(), key=lambda m: m.created)


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


ROUTES = [
    Route("/v1/models", list_models, methods=["GET"]),
    Route("/v1/models/{model_id:path}", get_model, methods=["GET"]),
    Route("/v1/models/{model_id:path}", delete_model, methods=["DELETE"]),
]
