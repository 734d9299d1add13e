"""The API's error envelope, {"error": {"message", "type", "param", "code"}}, as OpenAI answers it."""

from __future__ import annotations

from starlette.responses import JSONResponse


class ApiError(Exception):
    """Raised by a route; the app turns it into an OpenAI-shaped error answer."""

    def __init__(self, status: int, message: str, code: str | None = None, param: str | None = None,
                 type_: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param, self.type = status, message, code, param, type_

    def response(self) -> JSONResponse:
        return error_response(self.status, self.message, self.code, self.param, self.type)


def error_response(status: int, message: str, code: str | None = None, param: str | None = None,
                   type_: str = "invalid_request_error") -> JSONResponse:
    body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    return JSONResponse(body, status_code=status)


def not_found(kind: str, object_id: str, param: str | None = None) -> ApiError:
    return ApiError(404, f"No such {kind}: '{object_id[:200]}'", code=f"{kind.replace(' ', '_')}_not_found",
                    param=param)


def bad_request(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, code=code, param=param)


def wrong_state(message: str) -> ApiError:
    """A job that cannot do what was asked in the state it is in (cancel a finished job, resume a running one)."""
    return bad_request(message, "fine_tuning_job_id", "invalid_job_state")


def missing_model(model_id: object) -> ApiError:
    return ApiError(404, f"The model '{str(model_id)[:200]}' does not exist or you do not have access to it.",
                    code="model_not_found", param="model")
