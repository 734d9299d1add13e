"""Small real HTTP servers on 127.0.0.1 that answer like broken or working API endpoints."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODELS_BODY = json.dumps({"object": "list", "data": [
    {"id": "gpt-4o-mini-2024-07-18", "object": "model", "created": 1721172741, "owned_by": "system"},
    {"id": "davinci-002", "object": "model", "created": 1692634301, "owned_by": "system"},
]})


def error_body(message: str, code: str | None = None) -> str:
    return json.dumps({"error": {"message": message, "type": "invalid_request_error", "param": None,
                                 "code": code}})


class QuietHandler(BaseHTTPRequestHandler):
    """A test server's handler: answers in one call and keeps the test output clean."""

    def reply(self, status: int, data: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def make_handler(status: int, body: str, content_type: str = "application/json") -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        seen_headers: list[dict[str, str]] = []

        def do_GET(self) -> None:
            Handler.seen_headers.append(dict(self.headers))
            data = body.encode()
            self.reply(status, data, content_type)


    return Handler


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """Run ``handler`` on a free port; yields the server's origin (http://127.0.0.1:PORT)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if tls else "http"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def api_server(status: int = 200, body: str = MODELS_BODY, content_type: str = "application/json") -> Iterator[str]:
    with serve(make_handler(status, body, content_type)) as origin:
        yield origin


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_proxy_handler(password: str | None) -> type[BaseHTTPRequestHandler]:
    """A plain HTTP forward proxy; with ``password`` it answers 407 unless Proxy-Authorization is sent."""
    import base64

    expected = "Basic " + base64.b64encode(f"user:{password}".encode()).decode() if password else None

    class Proxy(QuietHandler):
        forwarded: list[str] = []

        def do_GET(self) -> None:
            if expected and self.headers.get("Proxy-Authorization") != expected:
                self.send_response(407)
                self.send_header("Proxy-Authenticate", 'Basic realm="test"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            Proxy.forwarded.append(self.path)
            request = urllib.request.Request(self.path, headers={
                k: v for k, v in self.headers.items() if k.lower() not in ("proxy-authorization", "host")})
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with opener.open(request, timeout=10) as upstream:
                data = upstream.read()
                self.send_response(upstream.status)
                self.send_header("Content-Type", upstream.headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)


    return Proxy
