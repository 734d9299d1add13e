"""Starts the app's local server as a child process the first time the "This computer" profile needs it.

A child process, not a thread: the server loads PyTorch to answer chats, and the app's window never should. The
launcher reads the child's "Local server listening on URL" line (from a log file, which also keeps the child's
stderr for the error message when it fails), and reuses the server while it lives. On a state folder the server is
shared between processes (see core.local.server.record): a CLI command uses the app's running server, and the app
the one a CLI command or ``main.py local-server`` runs. Light on purpose: no web stack, no torch.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from core.errors import CoreError
from core.i18n import LANGUAGE_VARIABLE, current_language, tr
from core.local.server.processes import child_options, end_process
from core.local.server.record import claim, running_server

LISTENING = re.compile(r"Local server listening on (http://\S+/v1)")
START_SECONDS = 60.0  # a cold start on a slow disk imports the web stack and reads the state
STOP_SECONDS = 10.0  # the server ends its worker (3 s at most) and saves its state
LOG_NAME = "server.log"
TAIL_CHARS = 3000


def server_command(state_dir: Path, models_dir: Path) -> list[str]:
    """The command that runs the local server (a frozen build replaces this with its own executable)."""
    return [sys.executable, "-m", "core.local.server.serve", "--host", "127.0.0.1", "--port", "0",
            "--state-dir", str(state_dir), "--models-dir", str(models_dir)]


def _tail(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-TAIL_CHARS:].strip()
    except OSError:
        return ""


class LocalLauncher:
    """Implements core.profiles.ServerLauncher for the "This computer" profile."""

    def __init__(self, state_dir: Path, models_dir: Path, start_seconds: float = START_SECONDS) -> None:
        self.state_dir, self.models_dir, self.start_seconds = state_dir, models_dir, start_seconds
        self.process: subprocess.Popen[bytes] | None = None  # the server this launcher started, while it runs
        self.url = ""
        self._lock = threading.Lock()

    async def base_url(self) -> str:
        """The server's /v1 URL, starting it first when no live server uses the state folder."""
        return await asyncio.get_running_loop().run_in_executor(None, self._start)

    def _start(self) -> str:
        with self._lock:
            if self.process is not None and self.process.poll() is None:
                return self.url
            self.process = None
            with claim(self.state_dir):  # asked on every call: a shared server's process may have ended since
                shared = running_server(self.state_dir)
            return shared or self._spawn()

    def _spawn(self) -> str:
        log_path = self.state_dir / LOG_NAME
        options = child_options()
        options["env"][LANGUAGE_VARIABLE] = current_language()
        with open(log_path, "wb") as output:
            process = subprocess.Popen(server_command(self.state_dir, self.models_dir), stdin=subprocess.DEVNULL,
                                       stdout=output, stderr=subprocess.STDOUT, **options)
        deadline = time.monotonic() + self.start_seconds
        while not (found := LISTENING.search(_tail(log_path))):
            if process.poll() is not None:
                with claim(self.state_dir):  # another starter was quicker: use its server
                    shared = running_server(self.state_dir)
                if shared:
                    return shared
                raise self._failed(tr("The local training server stopped as it started."), log_path)
            if time.monotonic() > deadline:
                end_process(process, STOP_SECONDS, polite=True)
                raise self._failed(tr("The local training server did not start within {seconds} seconds.").format(
                    seconds=int(self.start_seconds)), log_path)
            time.sleep(0.05)
        self.process, self.url = process, found.group(1)
        return self.url

    def _failed(self, message: str, log_path: Path) -> CoreError:
        tail = _tail(log_path)
        last = tail.splitlines()[-1][:300] if tail else ""
        hint = tr("Its last words: {line}").format(line=last) if last else tr("It said nothing.")
        return CoreError(message, hint + " " + tr("The full output is in {path}.").format(path=log_path), tail)

    def stop(self) -> None:
        """Stop the server this launcher started (its running job continues when a server next starts)."""
        with self._lock:
            process, self.process = self.process, None
        if process is not None:
            end_process(process, STOP_SECONDS, polite=True)
