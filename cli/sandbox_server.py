"""`sandbox`: run the offline practice server in the foreground. main.py binds the server (the CLI does not
import the Sandbox) and hands over what the command needs of it."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from core.errors import CoreError
from core.i18n import tr
from core.profiles import ProfileService
from core.providers.registry import GENERIC, dialects


@dataclass(frozen=True)
class SandboxOptions:
    host: str
    port: int
    state_dir: Path | None
    job_seconds: float
    dialect: str


@dataclass(frozen=True)
class ServedSandbox:
    """A Sandbox bound to its port, to serve in this thread until Ctrl+C."""

    base_url: str
    loopback_only: bool
    set_aside: Path | None  # where a damaged saved state was kept
    serve_forever: Callable[[], None]


BindSandbox = Callable[[SandboxOptions], ServedSandbox]  # raises OSError when the port cannot be had


def _warn(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def cmd_sandbox(bind: BindSandbox | None, service: ProfileService, args: argparse.Namespace) -> int:
    if bind is None:
        raise CoreError(tr("The Sandbox is not available in this build."), "")
    options = SandboxOptions(args.host, args.port, args.state_dir, args.job_seconds, args.dialect)
    try:
        server = bind(options)
    except OSError as exc:
        raise CoreError(tr("The Sandbox could not listen on {host}:{port}.").format(host=args.host, port=args.port),
                        tr("Choose another port, or 0 for any free port."), repr(exc)) from exc
    print(f"Sandbox listening on {server.base_url}", flush=True)
    if not server.loopback_only:
        _warn(tr("Warning: the Sandbox listens on {host}, so other computers on your network can reach it: it "
                 "accepts any key and holds the files you send it. Use --host 127.0.0.1 unless you mean it.").format(
                     host=args.host))
    if server.set_aside is not None:
        _warn(tr("Warning: the Sandbox's saved state was damaged; it was kept as {path} and the Sandbox starts "
                 "empty.").format(path=server.set_aside))
    print(tr("No real model is trained and nothing is billed. Press Ctrl+C to stop."), flush=True)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn shuts down cleanly, then re-raises the signal
        server.serve_forever()
    print(tr("Sandbox stopped."), flush=True)
    return 0


def add_sandbox_command(commands: Any, bind: BindSandbox | None) -> None:
    sandbox = commands.add_parser("sandbox", help=tr("run the offline practice server (nothing is billed)"))
    sandbox.add_argument("--host", default="127.0.0.1", help=tr("address to listen on (default: 127.0.0.1)"))
    sandbox.add_argument("--port", type=int, default=0, help=tr("port (default: 0, any free port)"))
    sandbox.add_argument("--state-dir", type=Path, default=None,
                         help=tr("keep files, jobs and models in this folder across restarts"))
    sandbox.add_argument("--job-seconds", type=float, default=60.0,
                         help=tr("how long a simulated fine-tuning job takes (default: 60)"))
    sandbox.add_argument("--dialect", choices=dialects(), default=GENERIC.dialect,
                         help=tr("which provider's API shape to serve (default: openai)"))
    sandbox.set_defaults(handler=partial(cmd_sandbox, bind))
