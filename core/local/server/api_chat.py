"""/v1/chat/completions, streamed or not, answered by the model on this computer (a base model, a fine-tuned one
or a checkpoint), in the exact shape of OpenAI's answers and chunks."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from openai.types.chat import ChatCompletion, ChatCompletionChunk
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from core.local.server.context import local_of
from core.local.server.errors import ApiError, bad_request
from core.local.server.generation import Generation, stream_text
from core.local.server.inputs import json_object, number, optional_object, required_text, whole_number
from core.local.server.model_dirs import answer_folders
from core.local.server.shapes import shaped
from core.local.server.state import new_id

DEFAULT_MAX_TOKENS, MAX_TOKENS = 512, 8192
ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant"}


def _text(content: Any) -> str:
    """A message's text: a string, or the text parts of a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content
                       if isinstance(part, dict) and isinstance(part.get("text", ""), str))
    if content is None:
        return ""
    raise bad_request("A message's 'content' must be a string or a list of text parts.", "messages")


def _messages(body: dict[str, Any]) -> list[dict[str, str]]:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        raise bad_request("'messages' must be a non-empty list of objects.", "messages")
    if any(m.get("role") not in ROLES for m in messages):
        raise bad_request(f"Each message's 'role' must be one of {', '.join(ROLES)}.", "messages")
    return [{"role": ROLES[m["role"]], "content": _text(m.get("content"))} for m in messages]


def _generation(body: dict[str, Any]) -> Generation:
    limit = body.get("max_completion_tokens", body.get("max_tokens"))
    stop = body.get("stop")
    stops = [stop] if isinstance(stop, str) else stop if stop is not None else []
    if not isinstance(stops, list) or len(stops) > 4 or not all(isinstance(s, str) for s in stops):
        raise bad_request("'stop' must be a string or a list of up to 4 strings.", "stop")
    if body.get("n") not in (None, 1):
        raise bad_request("This computer gives one answer at a time: 'n' must be 1.", "n")
    return Generation(_messages(body),
                      max_tokens=DEFAULT_MAX_TOKENS if limit is None else whole_number(limit, "max_tokens", 1,
                                                                                         MAX_TOKENS),
                      temperature=1.0 if body.get("temperature") is None else number(body["temperature"],
                                                                                     "temperature", 0, 2),
                      top_p=1.0 if body.get("top_p") is None else number(body["top_p"], "top_p", 0, 1),
                      stops=stops)


def _usage(generation: Generation) -> dict[str, int]:
    prompt, completion = generation.usage
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _sse(data: dict[str, Any] | str) -> bytes:
    return f"data: {data if isinstance(data, str) else json.dumps(data)}\n\n".encode()


async def _events(pieces: AsyncGenerator[str, None], generation: Generation, common: dict[str, Any],
                  with_usage: bool) -> AsyncIterator[bytes]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return shaped(ChatCompletionChunk, common | {"object": "chat.completion.chunk", "choices": [
            {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]})

    yield _sse(chunk({"role": "assistant", "content": ""}))
    try:
        async for piece in pieces:
            yield _sse(chunk({"content": piece}))
    except Exception as exc:  # the headers are sent: say it in the stream, which the SDK raises as an APIError
        yield _sse({"error": {"message": f"The model stopped with an error: {exc}"[:2000], "type": "server_error",
                              "param": None, "code": "generation_failed"}})
        return
    finally:
        await pieces.aclose()  # a client that left stops the model now, not when the generator is collected
    yield _sse(chunk({}, generation.finish))
    if with_usage:
        yield _sse(shaped(ChatCompletionChunk, common | {"object": "chat.completion.chunk", "choices": [],
                                                          "usage": _usage(generation)}))
    yield _sse("[DONE]")


async def _whole(pieces: AsyncIterator[str], generation: Generation, common: dict[str, Any]) -> dict[str, Any]:
    try:
        text = "".join([piece async for piece in pieces])
    except Exception as exc:
        raise ApiError(500, f"The model stopped with an error: {exc}"[:2000], "generation_failed",
                       type_="server_error") from exc
    return shaped(ChatCompletion, common | {"object": "chat.completion", "usage": _usage(generation), "choices": [
        {"index": 0, "finish_reason": generation.finish, "logprobs": None,
         "message": {"role": "assistant", "content": text, "refusal": None}}]})


async def _answerer(request: Request, model_id: str) -> Any:
    local = local_of(request)
    model_dir, adapter_dir = answer_folders(local, model_id)
    try:
        return await asyncio.to_thread(local.answerers.get, model_dir, adapter_dir)
    except ImportError as exc:
        raise ApiError(503, "Answering on this computer needs PyTorch and the Hugging Face libraries, which are not "
                       "installed.", "engine_missing", type_="server_error") from exc
    except Exception as exc:  # a damaged or unsupported model folder
        raise ApiError(500, f"The model {model_id[:200]} could not be loaded: {exc}"[:2000], "model_load_failed",
                       "model", "server_error") from exc


async def chat_completions(request: Request) -> Response:
    body = await json_object(request)
    model_id = required_text(body, "model")
    generation = _generation(body)
    stream_options = optional_object(body, "stream_options")
    answerer = await _answerer(request, model_id)
    common = {"id": new_id("chatcmpl-"), "created": int(time.time()), "model": model_id,
              "system_fingerprint": "fp_local"}
    pieces = stream_text(answerer, generation)
    if not body.get("stream"):
        return JSONResponse(await _whole(pieces, generation, common))
    events = _events(pieces, generation, common, bool(stream_options.get("include_usage")))
    return StreamingResponse(events, media_type="text/event-stream")


ROUTES = [Route("/chat/completions", chat_completions, methods=["POST"])]
