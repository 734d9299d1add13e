"""The Sandbox's ASGI application: routes, API-key check, error envelope, fault knobs."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox import api_chat, api_files, api_jobs, api_models
from sandbox.catalogue import SANDBOX_NOTICE
from sandbox.context import Sandbox
from sandbox.errors import ApiError, bad_request, error_response
from sandbox.faults import Faults, fault_response
from sandbox.state import SandboxState

log = logging.getLogger(__name__)


class SandboxMiddleware:
    """/v1 needs "Authorization: Bearer <any non-empty key>"; then the status and delay faults apply.
    Every answer carries a header saying it comes from the Sandbox."""

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

        if scope["path"].startswith("/v1/"):
            headers = dict(scope["headers"])
            auth = headers.get(b"authorization", b"").decode("latin-1")
            key = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
            if not key:
                response = error_response(401, "You didn't provide an API key. You need to provide your API key "
                                               "in an Authorization header using Bearer auth.", None, None)
                await response(scope, receive, send_marked)
                return
            faults = self.sandbox.faults
            if faults.first_byte_delay:
                await asyncio.sleep(faults.first_byte_delay)
            if scope["path"].startswith(faults.path) and (response := fault_response(faults)) is not None:
                await response(scope, receive, send_marked)
                return
        await self.app(scope, receive, send_marked)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _bad_json(request: Request, exc: Exception) -> Response:
    return bad_request("We could not parse the JSON body of your request.").response()


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("sandbox error on %s %s", request.method, request.url.path)
    return error_response(500, "The Sandbox had an internal error.", None, None, "server_error")


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_response(404, f"Invalid URL ({request.method} {request.url.path})", None, None)


def _admin_routes(sandbox: Sandbox) -> list[Route]:
    async def get_faults(request: Request) -> JSONResponse:
        return JSONResponse(sandbox.faults.to_dict())

    async def put_faults(request: Request) -> JSONResponse:
        try:
            sandbox.faults = Faults.from_dict(await request.json())
        except (ValueError, TypeError) as exc:
            raise bad_request(str(exc)) from exc
        return JSONResponse(sandbox.faults.to_dict())

    async def reset_faults(request: Request) -> JSONResponse:
        sandbox.faults = Faults()
        return JSONResponse(sandbox.faults.to_dict())

    async def info(request: Request) -> JSONResponse:
        return JSONResponse({"sandbox": True, "notice": SANDBOX_NOTICE, "job_seconds": sandbox.job_seconds})

    return [Route("/_sandbox/faults", get_faults, methods=["GET"]),
            Route("/_sandbox/faults", put_faults, methods=["PUT"]),
            Route("/_sandbox/faults", reset_faults, methods=["DELETE"]),
            Route("/_sandbox/info", info, methods=["GET"])]


def build_app(state: SandboxState | None = None, faults: Faults | None = None,
              job_seconds: float = 60.0) -> Starlette:
    sandbox = Sandbox(state or SandboxState(), faults or Faults(), job_seconds)
    routes = [*api_models.ROUTES, *api_files.ROUTES, *api_jobs.ROUTES, *api_chat.ROUTES, *_admin_routes(sandbox)]
    handlers = {ApiError: _api_error, json.JSONDecodeError: _bad_json, 404: _not_found, 405: _not_found,
                Exception: _unexpected}
    app = Starlette(routes=routes, exception_handlers=handlers,
                    middleware=[Middleware(SandboxMiddleware, sandbox=sandbox)])
    app.state.sandbox = sandbox
    return app
