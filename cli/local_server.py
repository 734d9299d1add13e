"""`local-server`: run the server behind the "This computer" profile in the foreground. The app starts the same
server itself; other tools (the OpenAI SDK, curl) can reach it while it runs."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Any

from core.errors import CoreError
from core.i18n import tr
from core.paths import this_computer_dirs
from core.profiles import ProfileService


def cmd_local_server(service: ProfileService, args: argparse.Namespace) -> int:
    from core.local.server.serve import LocalServer  # the web stack: only this command needs it

    state_dir, models_dir = this_computer_dirs()
    try:
        server = LocalServer(args.host, args.port, args.state_dir or state_dir, args.models_dir or models_dir)
    except OSError as exc:
        raise CoreError(tr("The local server could not listen on {host}:{port}.").format(host=args.host,
                                                                                        port=args.port),
                        tr("Choose another port, or 0 for any free port."), repr(exc)) from exc
    print(f"Local server listening on {server.base_url}", flush=True)
    if not server.loopback_only:
        print(tr("Warning: the local server listens on {host}, so other computers on your network can reach it and "
                 "use this computer to train and answer. Use --host 127.0.0.1 unless you mean it.").format(
                     host=args.host), file=sys.stderr, flush=True)
    print(tr("Press Ctrl+C to stop."), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    print(tr("Local server stopped."), flush=True)
    return 0


def add_local_server_command(commands: Any) -> None:
    local = commands.add_parser("local-server", help=tr("run the server that trains and answers on this computer"))
    local.add_argument("--host", default="127.0.0.1", help=tr("address to listen on (default: 127.0.0.1)"))
    local.add_argument("--port", type=int, default=0, help=tr("port (default: 0, any free port)"))
    local.add_argument("--state-dir", type=Path, default=None,
                       help=tr("where its files, jobs and trained models are kept (default: the app's)"))
    local.add_argument("--models-dir", type=Path, default=None,
                       help=tr("where downloaded base models are kept (default: the app's)"))
    local.set_defaults(handler=cmd_local_server)
