"""The body of an answer as it arrives, decompressed and counted against core/response_bound.py's bound. Apart
from core/client.py so that httpx2 loads with the first request, not with the app (start-up speed)."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator

import httpx2

from core.errors import GatewayError
from core.i18n import tr
from core.response_bound import PIECE, ResponseTooLargeError


class CappedStream(httpx2.AsyncByteStream):
    """The body as it arrives, decompressed here so that the bound counts what is kept, not what is sent."""

    def __init__(self, raw: httpx2.AsyncByteStream, limit: int, inflate: zlib._Decompress | None, url: str) -> None:
        self.raw, self.limit, self.inflate, self.url = raw, limit, inflate, url
        self.received = 0

    def _count(self, piece: bytes) -> bytes:
        self.received += len(piece)
        if self.received > self.limit:
            raise ResponseTooLargeError(self.limit, f"more than {self.limit} bytes from {self.url}")
        return piece

    def _pieces(self, chunk: bytes) -> Iterator[bytes]:
        if self.inflate is None:
            yield chunk
            return
        while True:
            try:
                piece = self.inflate.decompress(chunk, PIECE)
            except zlib.error as exc:
                raise GatewayError(tr("The server's answer was not understood."),
                                   tr("Check the base URL in Settings."), f"{exc} from {self.url}") from exc
            yield piece
            chunk = self.inflate.unconsumed_tail
            if not chunk and len(piece) < PIECE:
                return

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.raw:
            for piece in self._pieces(chunk):
                if self._count(piece):
                    yield piece
        if self.inflate is not None and (rest := self._count(self.inflate.flush())):
            yield rest

    async def aclose(self) -> None:
        await self.raw.aclose()
