"""/v1/chat/completions and /v1/completions, streamed or not, with the stream faults applied."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from openai.types import Completion
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from sandbox.answers import chunks, sandbox_reply, trained_answer
from sandbox.api_bailian_deployments import deployment_status
from sandbox.catalogue import base_model, new_id
from sandbox.context import Sandbox, sandbox_of
from sandbox.errors import ApiError, bad_request
from sandbox.generate import broken, context_answer, list_reply, list_wanted
from sandbox.inputs import json_object, optional_object, required_text, whole_number
from sandbox.shapes import shaped
from sandbox.tokens import messages_tokens, text_of, text_tokens, truncate
from sandbox.validation import FileFacts


class StreamDropped(Exception):
    """Raised inside a stream to cut the connection (the drop_stream_after fault)."""


def _missing(model_id: Any) -> ApiError:
    return ApiError(404, f"The model '{model_id}' does not exist or you do not have access to it.",
                    code="model_not_found", param="model")


def _deployed(sandbox: Sandbox, model_id: Any) -> Any:
    """Azure and Bailian answer under a deployment's name; their fine-tuned models are not callable as such."""
    if sandbox.dialect not in ("azure", "bailian") or not isinstance(model_id, str):
        return model_id
    deployment = sandbox.state.deployments.get(model_id)
    if deployment is not None:
        if deployment_status(sandbox, deployment) != "RUNNING":
            raise ApiError(400, f"The deployment {model_id} is not running yet.", code="DeploymentNotReady")
        return deployment.model
    if model_id in sandbox.state.models:
        raise ApiError(404, "The API deployment for this resource does not exist. If you created the deployment "
                       "within the last 5 minutes, please wait a moment and try again.", code="DeploymentNotFound")
    return model_id


def _model_and_facts(sandbox: Sandbox, model_id: Any) -> tuple[Any, FileFacts | None, bool]:
    """(base model, training facts of a fine-tuned model or None, is fine-tuned)."""
    model_id = _deployed(sandbox, model_id)
    state = sandbox.state
    with state.lock:
        job = next((j for j in state.jobs.values() if j.fine_tuned_model and (
            model_id in state.models and state.models[model_id].job_id == j.id
            or any(c["fine_tuned_model_checkpoint"] == model_id for c in j.checkpoints))), None)
        if job is not None:
            facts = state.files[job.training_file].facts if job.training_file in state.files else None
            return base_model(job.base), facts, True
    model = base_model(model_id) if isinstance(model_id, str) and not model_id.startswith("ft:") else None
    if model is None:
        raise _missing(model_id)
    return model, None, False


def _limit_answer(answer: str, model: str, max_tokens: int | None, stop: Any) -> tuple[str, str]:
    """Apply stop sequences and the token limit; returns (text, finish_reason)."""
    stops = [stop] if isinstance(stop, str) else list(stop or [])
    for sequence in stops:
        if sequence and sequence in answer:
            answer = answer[: answer.index(sequence)]
    cut = truncate(answer, model, max_tokens) if max_tokens is not None else None
    return (answer, "stop") if cut is None else (cut, "length")


def _answer(model_id: str, facts: FileFacts | None, fine_tuned: bool, prompt: str) -> str:
    return trained_answer(prompt, facts) or sandbox_reply(model_id, fine_tuned)


def _chat_answer(model_id: str, facts: FileFacts | None, fine_tuned: bool, body: dict[str, Any]) -> tuple[str, bool]:
    """(the answer, whether it is a list that was asked for): a base model writes lists and answers from the
    request's context (sandbox/generate.py); a fine-tuned one answers as it was trained."""
    messages = body["messages"]
    wanted = None if fine_tuned else list_wanted(messages, body.get("response_format"))
    if wanted is not None:
        return list_reply(messages, wanted), True
    prompt = next((text_of(m.get("content")) for m in reversed(messages) if m.get("role") == "user"), "")
    return (None if fine_tuned else context_answer(messages)) or _answer(model_id, facts, fine_tuned, prompt), False


STREAM_PACE = 0.02  # seconds between pieces: a real model writes a few words at a time


def _sse(data: dict[str, Any] | str) -> bytes:
    return f"data: {data if isinstance(data, str) else json.dumps(data)}\n\n".encode()


async def _stream(sandbox: Sandbox, pieces: list[dict[str, Any]]) -> AsyncIterator[bytes]:
    faults = sandbox.faults
    sent: list[bytes] = []
    for count, piece in enumerate(pieces, start=1):
        if faults.drop_stream_after and count > faults.drop_stream_after:
            raise StreamDropped("sandbox fault: stream dropped")
        await asyncio.sleep(faults.chunk_delay or STREAM_PACE)
        out = (b"event: ping\ndata: {}\n\n" + b"data: \n\n" if faults.ping else b"") + _sse(piece)
        if faults.buffer:
            sent.append(out)
        else:
            yield out
    yield b"".join(sent) + _sse("[DONE]")


def _common_options(body: dict[str, Any], max_tokens_key: str, default: int | None) -> tuple[str, int | None]:
    """The model (which must name one) and the token limit, checked: odd values get a 400, not a 500."""
    model_id = required_text(body, "model")
    max_tokens = body.get(max_tokens_key) if body.get(max_tokens_key) is not None else default
    if max_tokens is not None:
        max_tokens = whole_number(max_tokens, max_tokens_key, 1, 10**7)
    stop = body.get("stop")
    if not (stop is None or isinstance(stop, str) or isinstance(stop, list) and all(isinstance(s, str) for s in stop)):
        raise bad_request("'stop' must be a string or a list of strings.", "stop")
    optional_object(body, "stream_options")
    return model_id, max_tokens


def _respond(sandbox: Sandbox, body: dict[str, Any], whole: dict[str, Any], pieces: list[dict[str, Any]]) -> Response:
    if not body.get("stream") or sandbox.faults.no_stream:
        return JSONResponse(whole)
    return StreamingResponse(_stream(sandbox, pieces), media_type="text/event-stream")


async def chat_completions(request: Request) -> Response:
    sandbox = sandbox_of(request)
    body = await json_object(request)
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        raise bad_request("'messages' must be a non-empty list of objects.", "messages")
    key = "max_completion_tokens" if body.get("max_completion_tokens") is not None else "max_tokens"
    model_id, max_tokens = _common_options(body, key, None)
    model, facts, fine_tuned = _model_and_facts(sandbox, model_id)
    if not model.chat:
        raise ApiError(404, "This is not a chat model and thus not supported in the v1/chat/completions "
                       "endpoint. Did you mean to use v1/completions?", param="model")
    answer, listing = _chat_answer(model_id, facts, fine_tuned, body)
    text, finish = _limit_answer(answer, model_id, max_tokens, body.get("stop"))
    if sandbox.faults.malformed_output:
        text, finish = broken(text, listing)
    usage = {"prompt_tokens": messages_tokens(messages, model_id), "completion_tokens": text_tokens(text, model_id)}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    common = {"id": new_id("chatcmpl-"), "created": int(time.time()), "model": model_id,
              "system_fingerprint": "fp_sandbox"}
    whole = shaped(ChatCompletion, common | {"object": "chat.completion", "usage": usage, "choices": [
        {"index": 0, "finish_reason": finish, "logprobs": None,
         "message": {"role": "assistant", "content": text, "refusal": None}}]})

    def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        return shaped(ChatCompletionChunk, common | {"object": "chat.completion.chunk", "choices": [
            {"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}]})

    pieces = [chunk({"role": "assistant", "content": ""})] + [chunk({"content": p}) for p in chunks(text)]
    pieces.append(chunk({}, finish))
    if (body.get("stream_options") or {}).get("include_usage"):
        pieces.append(shaped(ChatCompletionChunk, common | {"object": "chat.completion.chunk", "choices": [],
                                                             "usage": usage}))
    return _respond(sandbox, body, whole, pieces)


async def completions(request: Request) -> Response:
    sandbox = sandbox_of(request)
    body = await json_object(request)
    model_id, max_tokens = _common_options(body, "max_tokens", 16)  # the API's default for /completions is 16
    model, facts, fine_tuned = _model_and_facts(sandbox, model_id)
    if model.chat:
        raise ApiError(404, "This is a chat model and not supported in the v1/completions endpoint. Did you "
                       "mean to use v1/chat/completions?", param="model")
    prompt = body.get("prompt", "")
    prompt = prompt[0] if isinstance(prompt, list) and prompt else str(prompt)
    text, finish = _limit_answer(_answer(model_id, facts, fine_tuned, prompt), model_id, max_tokens, body.get("stop"))
    usage = {"prompt_tokens": text_tokens(prompt, model_id), "completion_tokens": text_tokens(text, model_id)}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    common = {"id": new_id("cmpl-"), "object": "text_completion", "created": int(time.time()), "model": model_id}

    def choice(piece: str, finish_reason: str | None) -> dict[str, Any]:
        return {"index": 0, "text": piece, "logprobs": None, "finish_reason": finish_reason}

    whole = shaped(Completion, common | {"choices": [choice(text, finish)], "usage": usage})
    # Stream pieces keep the checked shape; the SDK's type has no null finish_reason, the stream does.
    stream_piece = {k: v for k, v in whole.items() if k != "usage"}
    pieces = [stream_piece | {"choices": [choice(p, None)]} for p in chunks(text)]
    pieces.append(stream_piece | {"choices": [choice("", finish)]})
    return _respond(sandbox, body, whole, pieces)


ROUTES = [
    Route("/chat/completions", chat_completions, methods=["POST"]),
    Route("/completions", completions, methods=["POST"]),
]
