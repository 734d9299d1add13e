"""Reading what a client sends: a hostile or careless request gets a 400 that says why, never a 500."""

from __future__ import annotations

import asyncio
import contextlib
import math
from typing import Any

from starlette.requests import Request
from starlette.types import Message, Receive

from sandbox.errors import ApiError, bad_request

# The Files API: "Individual files can be up to 512 MB" (platform.openai.com/docs/api-reference/files/create);
# larger ones go through the Uploads API, in parts.
MAX_FILE_BYTES = 512 * 1024**2
FORM_OVERHEAD = 64 * 1024  # room for a multipart body's boundaries and headers around the data
DRAIN_BYTES = 4 * 1024**2  # a refused body up to this size is read to its end, so the client sees the answer
DRAIN_SECONDS = 2.0
MAX_JSON_BYTES = 32 * 1024**2  # far above any real request body (a chat with a few images)


async def json_object(request: Request) -> dict[str, Any]:
    """The request's JSON body, which must be an object of a bounded size and depth (bad JSON itself is
    answered by the app's handler)."""
    error = ApiError(413, f"The request body is larger than {MAX_JSON_BYTES // 1024**2} MB.",
                     code="request_too_large")
    await refuse_if_declared_over(request, MAX_JSON_BYTES, error)
    try:
        body = await limited(request, MAX_JSON_BYTES, error).json()
    except RecursionError as exc:
        raise bad_request("The JSON body is nested too deeply.") from exc
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return body


def optional_object(body: dict[str, Any], key: str) -> dict[str, Any]:
    """``body[key]`` when it is an object, {} when it is absent or null; 400 otherwise."""
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad_request(f"'{key}' must be an object.", key)
    return value


def whole_number(value: Any, name: str, low: int, high: int) -> int:
    """``value`` (a JSON number or a query string) as an integer in [low, high]; 400 otherwise."""
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError as exc:
            raise bad_request(f"'{name}' must be an integer.", name) from exc
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"'{name}' must be an integer.", name)
    if not low <= value <= high:
        raise bad_request(f"'{name}' must be between {low} and {high}.", name)
    return value


def query_number(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    return default if raw is None else whole_number(raw, name, low, high)


def required_text(body: dict[str, Any], key: str) -> str:
    """A required, non-empty string field."""
    value = body.get(key)
    if value is None or value == "":
        raise bad_request(f"Missing required parameter: '{key}'.", key)
    if not isinstance(value, str):
        raise bad_request(f"'{key}' must be a string.", key)
    return value


async def _drain(receive: Receive, bound: int) -> None:
    """Read what is left of a refused body (up to ``bound`` bytes, for a few seconds), so a client that is
    still sending is not cut off before it reads the answer; a sender that never ends is cut off anyway."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(DRAIN_SECONDS):
            while bound > 0:
                message = await receive()
                bound -= len(message.get("body", b""))
                if message["type"] != "http.request" or not message.get("more_body", False):
                    return


def limited(request: Request, limit: int, error: ApiError) -> Request:
    """``request`` whose body may be at most ``limit`` bytes: more (a lying or chunked sender) raises ``error``."""
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            if message.get("more_body", False):
                await _drain(request.receive, DRAIN_BYTES)
            raise error
        return message

    return Request(request.scope, receive)


async def refuse_if_declared_over(request: Request, limit: int, error: ApiError) -> None:
    """Refuse a body whose Content-Length is over ``limit`` without storing any of it."""
    try:
        declared = int(request.headers["content-length"])
    except (KeyError, ValueError):
        return
    if declared > limit:
        if declared <= DRAIN_BYTES:
            await _drain(request.receive, declared)
        raise error
