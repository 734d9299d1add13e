"""The API's error envelope: {"error": {"message", "type", "param", "code"}}, or Bailian's
{"request_id", "code", "message"}."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import JSONResponse


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, param: str | None = None,
                 type_: str = "invalid_request_error", headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param, self.type = status, message, code, param, type_
        self.headers = headers or {}

    def response(self, dialect: str = "openai") -> JSONResponse:
        return error_response(self.status, self.message, self.code, self.param, self.type, self.headers, dialect)


BAILIAN_CODES = {400: "InvalidParameter", 401: "InvalidApiKey", 403: "AccessDenied", 404: "NotFound",
                 409: "Conflict", 429: "Throttling"}


def error_response(status: int, message: str, code: str | None = None, param: str | None = None,
                   type_: str = "invalid_request_error", headers: dict[str, str] | None = None,
                   dialect: str = "openai") -> JSONResponse:
    body: dict[str, Any]
    if dialect == "bailian":
        own = code if code and code[:1].isupper() else None  # one of its own words, e.g. UnsupportedOperation
        body = {"request_id": uuid.uuid4().hex, "code": own or BAILIAN_CODES.get(status, "InternalError"),
                "message": message}
    elif dialect == "zhipu":
        body = {"error": {"code": code if code and code.isdigit() else "1210" if status == 400 else str(status),
                          "message": message}}
    else:
        body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    return JSONResponse(body, status_code=status, headers=headers)


def not_found(kind: str, object_id: str, param: str | None = None) -> ApiError:
    return ApiError(404, f"No such {kind}: '{object_id}'", code=f"{kind}_not_found", param=param)


def bad_request(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, code=code, param=param)
