"""Run the Sandbox: in a background thread for the app and tests, or in the foreground for the CLI."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import threading
from pathlib import Path

import uvicorn

from sandbox.app import build_app
from sandbox.catalogue import PREFIXES
from sandbox.faults import Faults
from sandbox.state import SandboxState

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    """True when ``host`` is reachable from this computer only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it names an interface other computers may reach
        return False


def _bind(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on such sockets; without it every answer's
    # body waits ~40 ms for the client's delayed ACK (Nagle).
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


class SandboxServer:
    """A Sandbox on its own port. ``start()`` returns once it accepts connections; ``stop()`` ends it."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, state_dir: Path | None = None,
                 job_seconds: float = 60.0, faults: Faults | None = None, dialect: str = "openai") -> None:
        self.app = build_app(SandboxState(state_dir), faults, job_seconds, dialect)
        self.dialect = dialect
        self.socket = _bind(host, port)
        self.host, self.port = host, self.socket.getsockname()[1]
        if not self.loopback_only:
            log.warning("the Sandbox listens on %s: other computers can reach it, without any real key", host)
        # Keep idle connections longer than clients do (httpx: 5 s), so a client never reuses one the
        # server is closing at that moment.
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1,
                                timeout_keep_alive=75)
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def loopback_only(self) -> bool:
        return is_loopback(self.host)

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API's base URL in this server's dialect (…/v1 for OpenAI)."""
        return self.origin + PREFIXES[self.dialect]

    def set_faults(self, faults: Faults) -> None:
        self.app.state.sandbox.faults = faults

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]},
                                        name="sandbox", daemon=True)
        self._thread.start()
        while not self.server.started and self._thread.is_alive():
            threading.Event().wait(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.socket.close()

    def serve_forever(self) -> None:
        """Serve in this thread until Ctrl+C (uvicorn handles the signal and shuts down cleanly)."""
        asyncio.run(self.server.serve(sockets=[self.socket]))

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

