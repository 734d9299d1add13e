"""Answers that never come back, for tests where a client gives up on a slow server.

Racing a client's timeout against a fixed server delay (give up after 1 s, answer after 3 s) depends on
the machine: on a loaded one the work may not be done before the client gives up, or the answer may come
before the test has looked. ``LostAnswers`` takes the clock out of it: the server does the work, then keeps
the answer back until the client hangs up, so the client always times out and the answer is always lost.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.server import SandboxServer


class LostAnswers:
    """The next ``times`` requests to ``server`` with ``method`` and a path starting with ``path`` are carried
    out (a job is created, say), but their answers never leave the server: the connection stays silent until
    the client gives up and closes it. Until such a request has done its work, every other request waits, so
    a client that then looks for what it created finds it however slow the server is.

    Create it before the server's first request: Starlette adds middleware only until then."""

    def __init__(self, server: SandboxServer, method: str, path: str, times: int = 1) -> None:
        self.method, self.path, self.left = method.upper(), path, times
        self.lost = 0  # answers kept back so far
        self._working = 0  # held requests still doing their work
        self._idle = asyncio.Event()  # set while none is; waited on in the server's event loop only
        self._idle.set()
        server.app.add_middleware(_KeepAnswersBack, lost=self)

    def _takes(self, scope: Scope) -> bool:
        if self.left and scope["method"] == self.method and scope["path"].startswith(self.path):
            self.left -= 1
            return True
        return False

    async def _hold(self, app: ASGIApp, scope: Scope, receive: Receive) -> None:
        self._working += 1
        self._idle.clear()
        working = True

        def done() -> None:
            nonlocal working
            if working:
                working = False
                self._working -= 1
                if not self._working:
                    self._idle.set()

        async def keep_back(message: Message) -> None:
            if message["type"] == "http.response.start":  # the work is done; the answer is lost
                self.lost += 1
                done()
                while (await receive())["type"] != "http.disconnect":
                    pass  # wait for the client to give up; nothing is ever sent
            # the answer's body goes nowhere either

        try:
            await app(scope, receive, keep_back)
        finally:
            done()


class _KeepAnswersBack:
    def __init__(self, app: ASGIApp, lost: LostAnswers) -> None:
        self.app, self.lost = app, lost

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.lost._takes(scope):
            await self.lost._hold(self.app, scope, receive)
            return
        if scope["type"] == "http":
            await self.lost._idle.wait()
        await self.app(scope, receive, send)
