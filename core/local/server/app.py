"""The local server's ASGI application: the OpenAI-shaped routes under /v1, the key check and the error envelope."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from core.i18n import LANGUAGE_VARIABLE, language_of_header, set_language
from core.local.server import api_chat, api_exports, api_files, api_jobs, api_local, api_models
from core.local.server.answerers import Answerers
from core.local.server.context import Local, local_of
from core.local.server.errors import ApiError, error_response
from core.local.server.record import INFO_PATH
from core.local.server.runner import Runner
from core.local.server.state import LocalState

log = logging.getLogger(__name__)


class KeyMiddleware:
    """The API needs "Authorization: Bearer <any non-empty key>", as the SDK always sends: the server is for this
    computer's user, and the key only keeps a stray browser page from driving it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] != INFO_PATH:
            _use_language(dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1"))
            auth = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
            if not (auth.lower().startswith("bearer ") and auth[7:].strip()):
                response = error_response(401, "You didn't provide an API key. You need to provide your API key in "
                                               "an Authorization header using Bearer auth.", "invalid_api_key")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _use_language(header: str) -> None:
    """The app says which language its user reads: the server's messages, and those of the workers it starts from
    now on, follow it (one user per server, so one language at a time)."""
    if header:
        os.environ[LANGUAGE_VARIABLE] = set_language(language_of_header(header))


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code in (404, 405):
        return error_response(exc.status_code, f"Invalid URL ({request.method} {request.url.path[:300]})")
    return error_response(exc.status_code, str(exc.detail)[:500])


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("local server error on %s %s", request.method, request.url.path)
    return error_response(500, "The local server had an internal error.", None, None, "server_error")


async def _info(request: Request) -> JSONResponse:
    return JSONResponse({"finetune_studio_local": True, "pid": os.getpid(),
                         "state_dir": str(local_of(request).state_dir)})


def build_local_app(state_dir: Path, models_dir: Path) -> Starlette:
    """The app over ``state_dir``; its runner is not started (LocalServer starts and stops it with the server)."""
    state = LocalState(state_dir)
    local = Local(state, models_dir, Runner(state), Answerers())
    api = [*api_models.ROUTES, *api_files.ROUTES, *api_jobs.ROUTES, *api_chat.ROUTES, *api_local.ROUTES,
           *api_exports.ROUTES]
    handlers = {ApiError: _api_error, HTTPException: _http_error, Exception: _unexpected}
    app = Starlette(routes=[Mount("/v1", routes=api), Route(INFO_PATH, _info, methods=["GET"])],
                    exception_handlers=handlers, middleware=[Middleware(KeyMiddleware)])
    app.state.local = local
    return app
