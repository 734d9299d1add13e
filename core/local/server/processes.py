"""Starting and ending the local server's child processes (the server itself, its training workers) the same way
on every OS: the project importable, a process group of their own, a polite stop before a kill."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[3]  # the folder that holds the core package


def child_options() -> dict[str, Any]:
    """Popen options: ``python -m core…`` finds the project from any folder, and the child has a process group of its
    own, so a Ctrl+C in the parent's terminal does not reach it: the parent decides when it ends."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    if sys.platform == "win32":
        return {"env": env, "creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"env": env, "start_new_session": True}


def end_process(process: subprocess.Popen[bytes], grace: float, polite: bool = False) -> None:
    """Ask ``process`` to end (SIGTERM; with ``polite`` on Windows a Ctrl+Break, which it can handle, instead of
    TerminateProcess), kill it after ``grace`` seconds, and return once it is gone."""
    with contextlib.suppress(OSError):
        if polite and sys.platform == "win32":
            process.send_signal(signal.CTRL_BREAK_EVENT)
        else:
            process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            process.kill()
        process.wait()
