"""The Sandbox's ASGI application: routes, API-key check, error envelope, fault knobs."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox import api_bailian, api_chat, api_files, api_fireworks, api_jobs, api_models, api_together
from sandbox.catalogue import DIALECTS, PREFIXES, SANDBOX_NOTICE
from sandbox.context import Sandbox, sandbox_of
from sandbox.errors import ApiError, bad_request, error_response
from sandbox.faults import Faults, fault_response
from sandbox.inputs import json_object
from sandbox.state import DeploymentRecord, SandboxState

log = logging.getLogger(__name__)


class SandboxMiddleware:
    """The API needs "Authorization: Bearer <any non-empty key>" (or Azure's "api-key: <key>"); then the
    status and delay faults apply. Every answer carries a header saying it comes from the Sandbox."""

    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app, self.sandbox = app, sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_marked(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-sandbox", b"no real model, nothing billed"))
                if self.sandbox.faults.answer_delay and scope["path"].startswith(self.sandbox.faults.path):
                    await asyncio.sleep(self.sandbox.faults.answer_delay)
            await send(message)

        if not scope["path"].startswith("/_sandbox/"):
            headers = dict(scope["headers"])
            auth = headers.get(b"authorization", b"").decode("latin-1")
            key = auth[7:].strip() if auth.lower().startswith("bearer ") else headers.get(b"api-key", b"").strip()
            if not key:
                response = error_response(401, "You didn't provide an API key. You need to provide your API key "
                                               "in an Authorization header using Bearer auth.", None, None,
                                          dialect=self.sandbox.dialect)
                await response(scope, receive, send_marked)
                return
            faults = self.sandbox.faults
            if faults.first_byte_delay:
                await asyncio.sleep(faults.first_byte_delay)
            if scope["path"].startswith(faults.path) and (
                    response := fault_response(faults, self.sandbox.dialect)) is not None:
                await response(scope, receive, send_marked)
                return
        await self.app(scope, receive, send_marked)


def _dialect(request: Request) -> str:
    """Whose error envelope to use: Bailian's OpenAI-compatible chat answers errors the OpenAI way."""
    dialect = sandbox_of(request).dialect
    return "openai" if request.url.path.startswith("/compatible-mode/") else dialect


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response(_dialect(request))


async def _bad_json(request: Request, exc: Exception) -> Response:
    return bad_request("We could not parse the JSON body of your request.").response(_dialect(request))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("sandbox error on %s %s", request.method, request.url.path)
    return error_response(500, "The Sandbox had an internal error.", None, None, "server_error",
                          dialect=_dialect(request))


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_response(404, f"Invalid URL ({request.method} {request.url.path})", None, None,
                          dialect=_dialect(request))


def _admin_routes(sandbox: Sandbox) -> list[Route]:
    async def get_faults(request: Request) -> JSONResponse:
        return JSONResponse(sandbox.faults.to_dict())

    async def put_faults(request: Request) -> JSONResponse:
        try:  # checked whole before it replaces the faults in use: a bad value never breaks later requests
            sandbox.faults = Faults.from_dict(await json_object(request))
        except (ValueError, TypeError) as exc:
            raise bad_request(str(exc)) from exc
        return JSONResponse(sandbox.faults.to_dict())

    async def reset_faults(request: Request) -> JSONResponse:
        sandbox.faults = Faults()
        return JSONResponse(sandbox.faults.to_dict())

    async def info(request: Request) -> JSONResponse:
        return JSONResponse({"sandbox": True, "notice": SANDBOX_NOTICE, "job_seconds": sandbox.job_seconds,
                             "dialect": sandbox.dialect})

    async def deploy(request: Request) -> JSONResponse:
        """What the Azure portal does: make a deployment called NAME of a (fine-tuned) model."""
        name, body = request.path_params["name"], await json_object(request)
        model = body.get("model", "")
        if not isinstance(model, str):
            raise bad_request("'model' must be a string.", "model")
        with sandbox.state.lock:
            sandbox.state.deployments[name] = DeploymentRecord(name, model, time.time())
            sandbox.state.save()
        return JSONResponse({"name": name, "model": body.get("model")})

    return [Route("/_sandbox/faults", get_faults, methods=["GET"]),
            Route("/_sandbox/faults", put_faults, methods=["PUT"]),
            Route("/_sandbox/faults", reset_faults, methods=["DELETE"]),
            Route("/_sandbox/info", info, methods=["GET"]),
            Route("/_sandbox/deployments/{name}", deploy, methods=["PUT"])]


# What each dialect leaves out of the OpenAI routes: (path, method).
LEFT_OUT = {
    "openai": set(),
    "azure": {("/models/{model_id:path}", "DELETE"), ("/completions", "POST")},
    "zhipu": {("/models/{model_id:path}", "DELETE"), ("/completions", "POST"), ("/uploads", "POST"),
              ("/uploads/{upload_id}/parts", "POST"), ("/uploads/{upload_id}/complete", "POST"),
              ("/uploads/{upload_id}/cancel", "POST"), ("/fine_tuning/jobs/{job_id}/checkpoints", "GET"),
              ("/fine_tuning/jobs/{job_id}/pause", "POST"), ("/fine_tuning/jobs/{job_id}/resume", "POST")},
}


def _api_routes(dialect: str) -> list[BaseRoute]:
    """The provider's paths under its own prefix (see catalogue.PREFIXES)."""
    if dialect == "bailian":
        return [Mount(PREFIXES["bailian"], routes=api_bailian.ROUTES),
                Mount("/compatible-mode/v1", routes=api_chat.ROUTES), *api_bailian.DOWNLOAD_ROUTES]
    if dialect == "together":
        return [Mount(PREFIXES["together"], routes=api_together.ROUTES), *api_together.UPLOAD_ROUTES]
    if dialect == "fireworks":
        return api_fireworks.ROUTES
    openai_routes = [*api_models.ROUTES, *api_files.ROUTES, *api_jobs.ROUTES, *api_chat.ROUTES]
    kept = [r for r in openai_routes if not any((r.path, m) in LEFT_OUT[dialect] for m in r.methods or ())]
    if dialect == "zhipu":
        kept += api_models.ZHIPU_ROUTES
    return [Mount(PREFIXES[dialect], routes=kept)]


def build_app(state: SandboxState | None = None, faults: Faults | None = None, job_seconds: float = 60.0,
              dialect: str = "openai") -> Starlette:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; use one of {', '.join(DIALECTS)}")
    sandbox = Sandbox(state or SandboxState(), faults or Faults(), job_seconds, dialect)
    routes = [*_api_routes(dialect), *_admin_routes(sandbox)]
    handlers = {ApiError: _api_error, json.JSONDecodeError: _bad_json, 404: _not_found, 405: _not_found,
                Exception: _unexpected}
    app = Starlette(routes=routes, exception_handlers=handlers,
                    middleware=[Middleware(SandboxMiddleware, sandbox=sandbox)])
    app.state.sandbox = sandbox
    return app
