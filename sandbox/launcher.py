"""Starts the app's Sandbox in a background thread the first time a profile needs it.

On a state folder the server is shared between processes (see shared_server): the CLI uses the app's
running Sandbox, and the app the one a CLI command runs. Kept apart from server.py so that opening the
app does not import the web stack.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sandbox.shared_server import claim, forget_server, record_server, running_server

if TYPE_CHECKING:
    from sandbox.server import SandboxServer


def app_state_dir(data_folder: Path) -> Path:
    """The folder of the Sandbox the app and the CLI's --sandbox share, in the app's ``data_folder`` (which the app
    passes in: the Sandbox knows nothing of the app's folders)."""
    return data_folder / "sandbox"


class SandboxLauncher:
    """Implements core.profiles.SandboxLauncher."""

    def __init__(self, state_dir: Path | None = None, job_seconds: float = 60.0) -> None:
        self.state_dir, self.job_seconds = state_dir, job_seconds
        self.server: SandboxServer | None = None  # started by this launcher; None while another's is used
        self._lock = threading.Lock()

    def _start(self) -> str:
        from sandbox.server import SandboxServer

        with self._lock:
            if self.server is not None:
                return self.server.base_url
            if self.state_dir is None:
                self.server = SandboxServer(job_seconds=self.job_seconds).start()
                return self.server.base_url
            # Asked again on every call: the process whose server this one uses may have ended since.
            with claim(self.state_dir):
                shared = running_server(self.state_dir)
                if shared is not None:
                    return shared
                self.server = SandboxServer(state_dir=self.state_dir, job_seconds=self.job_seconds).start()
                record_server(self.state_dir, self.server.base_url, self.server.origin)
                return self.server.base_url

    async def base_url(self) -> str:
        return await asyncio.get_running_loop().run_in_executor(None, self._start)

    def stop(self) -> None:
        with self._lock:
            if self.server is None:
                return
            if self.state_dir is None:
                self.server.stop()
            else:
                with claim(self.state_dir):  # a starter waiting here then loads the state this server saved
                    forget_server(self.state_dir, self.server.base_url)
                    self.server.stop()
            self.server = None
