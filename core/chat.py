"""Ask a model, streaming the answer, in a way that survives real gateways.

The SDK sends the request; we read the streamed body ourselves so that gateway habits do not break it:
`event: ping` and empty `data:` lines are skipped, a plain JSON body answering `stream=true` is taken as
the whole answer, and a gateway that holds every chunk back until the end is noticed. A dropped stream
keeps the partial answer. An answer that never ends is stopped (length, time, bytes), keeping what arrived.
Legacy completion models go to /completions.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.dataset.model import is_legacy_model as is_legacy  # the front-ends ask the chat module
from core.errors import CoreError, NetworkError, TimeoutError_, from_exception
from core.i18n import tr

if TYPE_CHECKING:
    import openai

BUFFERED_WAIT = 0.3  # seconds before the first piece, above which one single delivery means a buffering gateway
MIB = 1024 * 1024


@dataclass(frozen=True)
class ChatRequest:
    model: str
    messages: tuple[dict[str, Any], ...]  # for legacy models the last user message is the prompt
    temperature: float | None = None
    max_tokens: int | None = None
    stop: tuple[str, ...] = ()
    separator: str = ""  # legacy models: appended to the prompt, as in their training data


@dataclass(frozen=True)
class Answer:
    text: str
    seconds: float
    first_token_seconds: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    streamed: bool = True
    buffered: bool = False  # a gateway held the chunks back until the end
    finish_reason: str | None = None


@dataclass(frozen=True)
class AnswerLimits:
    """Where an answer is stopped: a server may stream for ever. Generous for real answers (the longest models
    write ~128k tokens, about half a million characters)."""

    chars: int = 1_000_000
    seconds: float = 1800.0
    bytes: int = 256 * MIB  # of the body as received: pings and JSON around the text count too


class PartialAnswerError(CoreError):
    """The stream broke off; ``text`` is what had arrived."""

    def __init__(self, text: str, detail: str) -> None:
        super().__init__(tr("The answer was cut off: the connection dropped."),
                         tr("What arrived is kept. Try again; if it keeps happening, switch streaming off in the "
                            "console."), detail)
        self.text = text


class AnswerStoppedError(PartialAnswerError):
    """The answer went on past a limit and was stopped; ``text`` is what had arrived."""

    def __init__(self, text: str, message: str, detail: str = "") -> None:
        CoreError.__init__(self, message, tr("What arrived is kept. Ask for a shorter answer (max tokens), or check "
                                             "the base URL if the server keeps sending."), detail)
        self.text = text


def request_body(request: ChatRequest, stream: bool) -> dict[str, Any]:
    """The request's JSON body for /chat/completions, or /completions for legacy models."""
    options: dict[str, Any] = {"model": request.model, "stream": stream}
    if is_legacy(request.model):
        prompt = next((str(m.get("content", "")) for m in reversed(request.messages) if m.get("role") == "user"), "")
        options["prompt"] = prompt + request.separator
    else:
        options["messages"] = list(request.messages)
    if stream and not is_legacy(request.model):
        options["stream_options"] = {"include_usage": True}
    for key in ("temperature", "max_tokens"):
        if getattr(request, key) is not None:
            options[key] = getattr(request, key)
    if request.stop:
        options["stop"] = list(request.stop)
    return options


def _text_of(choice: dict[str, Any]) -> str:
    delta = choice.get("delta") or choice.get("message") or {}
    return str(delta.get("content") or choice.get("text") or "")


def _usage(data: dict[str, Any]) -> tuple[int | None, int | None]:
    usage = data.get("usage") or {}
    return usage.get("prompt_tokens"), usage.get("completion_tokens")


class _Reader:
    """Collects a streamed (or not) answer from the body's lines."""

    def __init__(self, on_text: Callable[[str], None], started: float, max_chars: int) -> None:
        self.on_text, self.started, self.max_chars = on_text, started, max_chars
        self.parts: list[str] = []
        self.chars = 0
        self.times: list[float] = []
        self.usage: tuple[int | None, int | None] = (None, None)
        self.finish: str | None = None
        self.reads = 0  # network reads of the body: a buffering gateway delivers everything in one or two

    def take(self, data: dict[str, Any]) -> None:
        for choice in data.get("choices") or []:
            self._add(_text_of(choice))
            self.finish = choice.get("finish_reason") or self.finish
        if data.get("usage"):
            self.usage = _usage(data)

    def _add(self, text: str) -> None:
        kept = text[:self.max_chars - self.chars]
        if kept:
            self.chars += len(kept)
            self.parts.append(kept)
            self.times.append(time.perf_counter() - self.started)
            self.on_text(kept)
        if len(kept) < len(text):
            raise self.stopped(tr("The answer was stopped after {count} characters: the server kept sending.").format(
                count=f"{self.max_chars:,}"))

    def stopped(self, message: str, detail: str = "") -> AnswerStoppedError:
        return AnswerStoppedError("".join(self.parts), message, detail)

    def line(self, line: str) -> bool:
        """Take one SSE line; False at the end of the stream."""
        if not line.startswith("data:"):
            return True  # event:, id:, retry:, comments (": ping") and blank lines
        payload = line[5:].strip()
        if payload == "[DONE]":
            return False
        if payload:  # gateways send empty data: lines as keep-alives
            try:
                data = json.loads(payload)
            except ValueError:
                return True  # a gateway's own ping text
            if isinstance(data, dict):
                self.take(data)
        return True

    def answer(self, streamed: bool) -> Answer:
        # Held back: a long wait, then every piece in one delivery.
        buffered = (streamed and self.reads <= 2 and self.reads < len(self.parts)  # several pieces per delivery
                    and self.times[0] > BUFFERED_WAIT)
        return Answer("".join(self.parts), time.perf_counter() - self.started, self.times[0] if self.times else None,
                      *self.usage, streamed=streamed, buffered=buffered, finish_reason=self.finish)


async def _receive(endpoint: Any, request: ChatRequest, stream: bool, reader: _Reader) -> Answer:
    async with endpoint.with_streaming_response.create(**request_body(request, stream)) as response:
        if "text/event-stream" not in response.headers.get("content-type", ""):
            reader.take(json.loads(await response.read()))  # one plain JSON body
            return reader.answer(streamed=False)
        done = False
        pending: list[str] = []  # pieces of a line not yet ended (joined once, not once per chunk)
        async for chunk in response.iter_text():  # read to the end (no break): every stream is closed here
            reader.reads += bool(chunk)
            *lines, rest = chunk.split("\n")
            if lines:
                lines[0] = "".join(pending) + lines[0]
                pending.clear()
            pending.append(rest)
            for line in lines:
                done = done or not reader.line(line.rstrip("\r"))
        if (rest := "".join(pending)) and not done:
            reader.line(rest)
    return reader.answer(streamed=True)


async def ask(client: openai.AsyncOpenAI, request: ChatRequest, on_text: Callable[[str], None],
              stream: bool = True, limits: AnswerLimits = AnswerLimits()) -> Answer:
    """Send ``request``; ``on_text`` gets each piece as it arrives. ``Answer.streamed`` is False when the
    gateway answered in one piece (remember it: next time ask with ``stream=False``)."""
    from core.client import ResponseTooLargeError, response_limit

    endpoint = client.completions if is_legacy(request.model) else client.chat.completions
    reader = _Reader(on_text, time.perf_counter(), limits.chars)
    deadline = asyncio.timeout(limits.seconds)
    try:
        with response_limit(limits.bytes):
            async with deadline:
                return await _receive(endpoint, request, stream, reader)
    except AnswerStoppedError:
        raise
    except Exception as exc:
        if deadline.expired():
            raise reader.stopped(tr("The answer was stopped after {minutes} minutes: the server kept sending.").format(
                minutes=f"{limits.seconds / 60:g}")) from exc
        error = from_exception(exc)
        if isinstance(error, ResponseTooLargeError):
            raise reader.stopped(tr("The answer was stopped after {size} MB: the server kept sending.").format(
                size=f"{limits.bytes / MIB:g}"), error.detail) from exc
        if reader.parts and isinstance(error, NetworkError | TimeoutError_):
            raise PartialAnswerError("".join(reader.parts), error.detail) from exc
        raise error from exc


def transcript_messages(system: str, turns: Sequence[tuple[str, str]], question: str) -> tuple[dict[str, Any], ...]:
    """Messages for a multi-turn chat: the system prompt, earlier (question, answer) turns, the new question."""
    messages: list[dict[str, Any]] = [{"role": "system", "content": system}] if system.strip() else []
    for asked, answered in turns:
        messages += [{"role": "user", "content": asked}, {"role": "assistant", "content": answered}]
    messages.append({"role": "user", "content": question})
    return tuple(messages)


def show_controls(text: str) -> str:
    """Line breaks and tabs as \\n and \\t, so separators and stop sequences fit in one line to edit."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def read_controls(text: str) -> str:
    """The inverse of show_controls."""
    out, index = [], 0
    while index < len(text):
        pair = text[index:index + 2]
        if pair in ("\\n", "\\t", "\\\\"):
            out.append({"\\n": "\n", "\\t": "\t", "\\\\": "\\"}[pair])
            index += 2
        else:
            out.append(text[index])
            index += 1
    return "".join(out)
