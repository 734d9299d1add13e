"""Reading what a client sends: a careless or hostile request gets a 4xx that says why, never a 500."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from typing import Any

from starlette.requests import Request
from starlette.types import Message

from core.local.server.errors import ApiError, bad_request

MAX_JSON_BYTES = 8 * 1024**2  # far above any real request (a long chat); a bigger body is refused unread
MAX_QUERY_LIMIT = 100
DRAIN_BYTES = 16 * 1024**2  # a refused body up to this size is read to its end, so the client sees the answer
DRAIN_SECONDS = 2.0


def too_large(limit: int) -> ApiError:
    return ApiError(413, f"The request body is larger than {limit:,} bytes.", code="request_too_large")


async def _drain(request: Request, declared: int) -> None:
    """Read a refused body to its end (when it is not huge, for a few seconds at most): a client still sending it
    would otherwise see the connection cut instead of the answer."""
    if declared > DRAIN_BYTES:
        return
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(DRAIN_SECONDS):
            while (message := await request.receive())["type"] == "http.request" and message.get("more_body"):
                pass


async def limited(request: Request, limit: int) -> Request:
    """``request`` whose body may be at most ``limit`` bytes: a larger declared length is refused before any of it is
    kept, and a sender that lies about it (or sends chunks) is cut off once it passes the limit."""
    try:
        declared = int(request.headers.get("content-length", "0"))
    except ValueError as exc:
        raise bad_request("The Content-Length header is not a number.") from exc
    if declared > limit:
        await _drain(request, declared)
        raise too_large(limit)
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise too_large(limit)
        return message

    return Request(request.scope, receive)


async def json_object(request: Request) -> dict[str, Any]:
    """The request's JSON body, which must be one object of a bounded size and depth."""
    raw = await (await limited(request, MAX_JSON_BYTES)).body()
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # bad UTF-8, bad JSON, nesting deep enough to blow the stack
        raise bad_request("We could not parse the JSON body of your request.") from exc
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


def required_text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if value is None or value == "":
        raise bad_request(f"Missing required parameter: '{key}'.", key)
    if not isinstance(value, str):
        raise bad_request(f"'{key}' must be a string.", key)
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


def number(value: Any, name: str, low: float, high: float) -> float:
    """A JSON number in [low, high] (no booleans, no inf or nan); 400 otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise bad_request(f"'{name}' must be a number between {low:g} and {high:g}.", name)
    return float(value)


def query_limit(request: Request, default: int) -> int:
    raw = request.query_params.get("limit")
    return default if raw is None else whole_number(raw, "limit", 1, MAX_QUERY_LIMIT)
