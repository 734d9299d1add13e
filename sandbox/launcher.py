"""Starts the app's Sandbox in a background thread the first time a profile needs it.

Kept apart from server.py so that opening the app does not import the web stack.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sandbox.server import SandboxServer


class SandboxLauncher:
    """Implements core.profiles.SandboxLauncher."""

    def __init__(self, state_dir: Path | None = None, job_seconds: float = 60.0) -> None:
        self.state_dir, self.job_seconds = state_dir, job_seconds
        self.server: SandboxServer | None = None
        self._lock = threading.Lock()

    def _start(self) -> str:
        from sandbox.server import SandboxServer

        with self._lock:
            if self.server is None:
                self.server = SandboxServer(state_dir=self.state_dir, job_seconds=self.job_seconds).start()
            return self.server.base_url

    async def base_url(self) -> str:
        return await asyncio.get_running_loop().run_in_executor(None, self._start)

    def stop(self) -> None:
        with self._lock:
            if self.server is not None:
                self.server.stop()
                self.server = None
