"""Failures on demand: rate limits, server errors, slow or broken streams, gateways that do not stream.

Set with PUT /_sandbox/faults (JSON body, fields below) or the server's constructor; DELETE resets.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from starlette.responses import Response

from sandbox.errors import error_response


@dataclass
class Faults:
    status: int = 0  # answer matching requests with this HTTP status (429, 500, 502, 503...)
    retry_after: float | None = None  # the retry-after header sent with the status
    times: int | None = None  # how many requests get the status; None = every request until reset
    path: str = "/"  # only requests whose path starts with this
    first_byte_delay: float = 0.0  # seconds before any byte of the answer
    answer_delay: float = 0.0  # seconds between doing the work and answering (a client may give up meanwhile)
    chunk_delay: float = 0.0  # seconds between stream chunks (a slow stream)
    drop_stream_after: int = 0  # close the connection after this many chunks (a dropped stream)
    ping: bool = False  # send gateway-style "event: ping" and empty "data:" lines between chunks
    no_stream: bool = False  # answer stream=true with one plain JSON body, like a proxy that does not stream
    buffer: bool = False  # hold every chunk back and send them all at the end, like a buffering proxy
    fine_tuning_closed: bool = False  # job creation answers OpenAI's refusal for an account that may not train
    malformed_output: bool = False  # chat answers come back broken: a list as prose with cut-off JSON, others empty

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Faults:
        """Faults from a JSON object; ValueError names the first setting of the wrong type or range."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        for name, value in data.items():
            _check(name, value)
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


MAX_DELAY = 600.0  # seconds: longer than any client waits
_SECONDS = ("first_byte_delay", "answer_delay", "chunk_delay")
_FLAGS = ("ping", "no_stream", "buffer", "fine_tuning_closed", "malformed_output")


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _seconds(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            and 0 <= value <= MAX_DELAY)


def _valid(name: str, value: Any) -> bool:
    if name == "status":
        return _whole(value, 0, 0) or _whole(value, 400, 599)
    if name in ("retry_after", "times"):
        return value is None or (_seconds(value) if name == "retry_after" else _whole(value, 1, 10**9))
    if name == "path":
        return isinstance(value, str) and value.startswith("/")
    if name == "drop_stream_after":
        return _whole(value, 0, 10**9)
    return _seconds(value) if name in _SECONDS else name in _FLAGS and isinstance(value, bool)


def _check(name: str, value: Any) -> None:
    if not _valid(name, value):
        raise ValueError(f"invalid value for {name}: {value!r}")


_MESSAGES = {403: ("Fine-tuning job creation is not available for this organization (Sandbox fault).",
                   "fine_tuning_unavailable", "invalid_request_error"),
             429: ("Rate limit reached for requests (Sandbox fault).", "rate_limit_exceeded", "requests"),
             500: ("The server had an error while processing your request (Sandbox fault).", None, "server_error"),
             502: ("Bad gateway (Sandbox fault).", None, "server_error"),
             503: ("The engine is currently overloaded, please try again later (Sandbox fault).", None,
                   "server_error")}



# What job creation answers with fine_tuning_closed (OpenAI's 403 for an organization whose self-serve
# fine-tuning access has ended).
CLOSED_MESSAGE = ("This organization is not allowed to create fine-tuning jobs: self-serve fine-tuning is no longer "
                  "available to it (Sandbox fault).")
CLOSED_CODE = "fine_tuning_not_allowed"


def fault_response(faults: Faults, dialect: str = "openai") -> Response | None:
    """The error to send instead of the real answer, or None; counts down ``times``."""
    status = faults.status
    if not status:
        return None
    if faults.times is not None:
        faults.times -= 1
        if faults.times <= 0:
            faults.status, faults.times = 0, None
    message, code, kind = _MESSAGES.get(status, (f"Sandbox fault {status}.", None, "server_error"))
    headers = {"retry-after": str(faults.retry_after)} if faults.retry_after is not None else None
    return error_response(status, message, code, None, kind, headers, dialect)
