"""How much of a server's answer the app reads: the bound (per block of requests) and the error past it. Apart from
core/client.py so that the stream that counts (core/capped_stream.py, with httpx2) loads with the first request."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from core.errors import GatewayError
from core.i18n import tr

MIB = 1024 * 1024
RESPONSE_LIMIT = 32 * MIB  # any API answer: a page of 100 jobs is a few hundred KB
DOWNLOAD_LIMIT = 1024 * MIB  # a file's content (result files, training files saved by an export)
PIECE = MIB  # decompressed a piece at a time, so that a small compressed body cannot inflate at once
_limit: ContextVar[int] = ContextVar("response_limit", default=RESPONSE_LIMIT)


class ResponseTooLargeError(GatewayError):
    """The server's answer is larger than the app reads."""

    def __init__(self, limit: int, detail: str = "") -> None:
        super().__init__(tr("The server's answer is larger than {size} MB, so it was not read.").format(
                             size=f"{limit / MIB:,.0f}"),
                         tr("The server is misbehaving, or the base URL points at the wrong place. Check the base "
                            "URL in Settings; if it is right, tell the provider."), detail)
        self.limit = limit


@contextlib.contextmanager
def response_limit(size: int) -> Iterator[None]:
    """Answers to the requests sent inside the block may be up to ``size`` bytes (decompressed)."""
    token = _limit.set(size)
    try:
        yield
    finally:
        _limit.reset(token)


def current_limit() -> int:
    """The bound on the answer to a request sent now."""
    return _limit.get()
