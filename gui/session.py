"""One connection to the active profile per tab, shared by the tab's coroutines (connecting twice at
once would start two clients and leak one)."""

from __future__ import annotations

import asyncio

from core.profiles import ProfileService
from core.providers.base import Provider
from core.training.service import connect
from gui.tasks import Tasks


class Session:
    def __init__(self, service: ProfileService, tasks: Tasks) -> None:
        self.service, self.tasks = service, tasks
        self.provider: Provider | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> Provider:
        async with self._lock:
            if self.provider is None:
                self.provider = await connect(self.service)
            return self.provider

    def reset(self) -> None:
        """The profile changed: close this connection; the next get() connects anew."""
        if self.provider is not None:
            self.tasks.run(self.provider.close())
            self.provider = None
