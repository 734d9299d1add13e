"""Run the local server: in a background thread (tests, an embedding process), or in the foreground as
``python -m core.local.server.serve`` (what the app's launcher starts; ``main.py local-server`` does the same).

Only one server may use a state folder at a time (see record.py): a second one on the same folder is refused with
the address of the first."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import socket
import sys
import threading
from pathlib import Path

import uvicorn

from core.errors import CoreError
from core.i18n import tr, use_inherited_language
from core.local.server.app import build_local_app
from core.local.server.context import Local
from core.local.server.record import claim, forget_server, record_server, running_server

log = logging.getLogger(__name__)
LISTENING = "Local server listening on {url}"  # the launcher reads this line: keep it as it is


def is_loopback(host: str) -> bool:
    """True when ``host`` is reachable from this computer only (127.0.0.0/8, ::1, localhost)."""
    try:
        return host.lower() == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it names an interface other computers may reach
        return False


def _bind(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on such sockets; without it each streamed chunk waits
    # ~40 ms for the client's delayed ACK.
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _refuse_if_served(state_dir: Path) -> None:
    """A CoreError when a live server already uses ``state_dir`` (hold claim())."""
    other = running_server(state_dir)
    if other is not None:
        raise CoreError(tr("Another local server already uses this folder, at {url}.").format(url=other),
                        tr("Use that server, or stop it first."))


class LocalServer:
    """The local server, bound to its port (OSError when it cannot be had) once made. ``start()`` returns once it
    accepts connections; ``stop()`` ends it and its training worker, whose job continues when a server next starts
    on the folder."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, state_dir: Path | None = None,
                 models_dir: Path | None = None) -> None:
        if state_dir is None or models_dir is None:
            raise ValueError("a local server needs a state folder and a models folder")
        self.state_dir, self.models_dir, self.host = state_dir, models_dir, host
        with claim(state_dir):  # early, so a command says so before it prints where it listens
            _refuse_if_served(state_dir)
        self.app = build_local_app(state_dir, models_dir)
        self.socket = _bind(host, port)
        self.port = self.socket.getsockname()[1]
        if not self.loopback_only:
            log.warning("the local server listens on %s: other computers can reach it, with any key", host)
        # Idle connections are kept longer than clients keep them (httpx: 5 s), so a client never reuses one the
        # server is closing at that moment.
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1,
                                timeout_keep_alive=75)
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def local(self) -> Local:
        return self.app.state.local

    @property
    def loopback_only(self) -> bool:
        return is_loopback(self.host)

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.origin + "/v1"

    def start(self) -> LocalServer:
        with claim(self.state_dir):  # checked again: another server may have started since this one was made
            _refuse_if_served(self.state_dir)
            self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]},
                                            name="local-server", daemon=True)
            self._thread.start()
            while not self.server.started and self._thread.is_alive():
                threading.Event().wait(0.01)
            self.local.runner.start()
            record_server(self.state_dir, self.base_url, self.origin)
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        with claim(self.state_dir):  # a starter waiting here then loads the state this server saved
            forget_server(self.state_dir, self.base_url)
            self.local.runner.stop()
            self.server.should_exit = True
            self._thread.join(timeout=5)
            self.socket.close()
        self._thread = None

    def serve_forever(self) -> None:
        """Start, serve until Ctrl+C, SIGTERM (or Ctrl+Break on Windows), then stop cleanly (in the main thread)."""
        self.start()
        ended = threading.Event()
        signals = [signal.SIGTERM] + ([signal.SIGBREAK] if sys.platform == "win32" else [])
        previous = {number: signal.signal(number, lambda *_: ended.set()) for number in signals}
        try:
            while not ended.wait(0.5) and self._thread is not None and self._thread.is_alive():
                pass
        except KeyboardInterrupt:
            pass
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
            self.stop()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """``python -m core.local.server.serve``: prints the listening line, then serves until stopped."""
    from core.paths import this_computer_dirs

    state_dir, models_dir = this_computer_dirs()
    parser = argparse.ArgumentParser(prog="python -m core.local.server.serve",
                                     description="The FineTune Studio local training server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state-dir", type=Path, default=state_dir)
    parser.add_argument("--models-dir", type=Path, default=models_dir)
    args = parser.parse_args(argv)
    use_inherited_language()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        server = LocalServer(args.host, args.port, args.state_dir.resolve(), args.models_dir.resolve())
    except (CoreError, OSError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    sys.stdout.write(LISTENING.format(url=server.base_url) + "\n")
    sys.stdout.flush()
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
