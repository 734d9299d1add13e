"""Text from an Answerer (a blocking generator running in its own thread) as an async stream, cut at the caller's
stop sequences, and ended at once when the caller goes away."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.local.engine.answer import Answerer


class StopScan:
    """Passes text on until one of ``stops`` appears; holds back the few characters that may begin one."""

    def __init__(self, stops: list[str]) -> None:
        self.stops = [s for s in stops if s]
        self.keep = max((len(s) for s in self.stops), default=1) - 1
        self.held = ""
        self.hit = False

    def feed(self, piece: str) -> str:
        text = self.held + piece
        found = [text.index(s) for s in self.stops if s in text]
        if found:
            self.hit, self.held = True, ""
            return text[: min(found)]
        self.held = text[len(text) - self.keep:] if self.keep else ""
        return text[: len(text) - len(self.held)]

    def flush(self) -> str:
        held, self.held = self.held, ""
        return held


@dataclass
class Generation:
    """One answer's settings; after the stream ends, ``usage`` holds (prompt, completion) tokens and ``finish`` the
    reason it ended ("stop" or "length")."""

    messages: list[dict[str, str]]
    max_tokens: int
    temperature: float
    top_p: float
    stops: list[str] = field(default_factory=list)
    usage: tuple[int, int] = (0, 0)
    finish: str = "stop"


_DONE = object()


async def stream_text(answerer: Answerer, generation: Generation) -> AsyncGenerator[str, None]:
    """The answer's text as it is generated; raises what the Answerer raised."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    stop = threading.Event()

    def put(item: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody is listening any more
            loop.call_soon_threadsafe(queue.put_nowait, item)

    def produce() -> None:
        try:
            for piece in answerer.stream(generation.messages, max_tokens=generation.max_tokens,
                                         temperature=generation.temperature, top_p=generation.top_p, stop=stop):
                put(piece)
            generation.usage = answerer.last_usage
            put(_DONE)
        except Exception as exc:  # handed to the request, which answers with it
            put(exc)

    threading.Thread(target=produce, name="local-answer", daemon=True).start()
    scan = StopScan(generation.stops)
    try:
        while (item := await queue.get()) is not _DONE:
            if isinstance(item, Exception):
                raise item
            if text := scan.feed(item):
                yield text
            if scan.hit:
                stop.set()
                while not (item is _DONE or isinstance(item, Exception)):  # let it stop, so usage is counted
                    item = await queue.get()
                break
        if text := scan.flush():
            yield text
    finally:
        stop.set()  # a client that left, or a stop sequence: the model stops generating
    ended_by_length = not scan.hit and generation.usage[1] >= generation.max_tokens
    generation.finish = "length" if ended_by_length else "stop"
