"""One Sandbox server per state folder, shared by the app and the CLI commands that run beside it.

Two servers on one folder would each hold their own copy of the state and overwrite each other's
saves. So the process that starts a server on a folder records its address in ``server.json`` there
(written atomically, removed when it stops); a later starter reuses that server while its process is
alive and its URL answers, and otherwise clears the stale record and starts its own. An OS file lock,
released by the system if the process dies, keeps two starters from deciding at the same moment.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sandbox.disk import replace_file

RECORD = "server.json"
LOCK = "server.lock"
PROBE_SECONDS = 2.0  # a local server that does not answer in this time is not one to share


@contextlib.contextmanager
def claim(state_dir: Path) -> Iterator[None]:
    """Hold the folder's lock: one process at a time checks, starts or stops its server."""
    state_dir.mkdir(parents=True, exist_ok=True)
    with open(state_dir / LOCK, "a+b") as handle:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)  # retries for 10 s, then raises OSError
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # os.kill(pid, 0) would end the process on Windows
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def answers(origin: str) -> bool:
    """Whether an OpenAI-dialect Sandbox answers at ``origin`` (no proxy: it is on this computer)."""
    import urllib.request  # here: the app imports this module at start, and needs it only with a Sandbox

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(origin + "/_sandbox/info", timeout=PROBE_SECONDS) as response:
            info = json.loads(response.read(10_000))
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and info.get("sandbox") is True and info.get("dialect") == "openai"


def _read(state_dir: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((state_dir / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    fields_ok = isinstance(record, dict) and isinstance(record.get("pid"), int) and all(
        isinstance(record.get(name), str) for name in ("url", "origin"))
    return record if fields_ok else None


def running_server(state_dir: Path) -> str | None:
    """The base URL of the live server recorded for ``state_dir``; a stale record is removed (hold claim())."""
    record = _read(state_dir)
    if record is not None and _alive(record["pid"]) and answers(record["origin"]):
        return record["url"]
    (state_dir / RECORD).unlink(missing_ok=True)
    return None


def record_server(state_dir: Path, url: str, origin: str) -> None:
    """Say that this process serves ``state_dir`` at ``url`` (hold claim())."""
    record = {"url": url, "origin": origin, "pid": os.getpid()}
    replace_file(state_dir / RECORD, json.dumps(record))


def forget_server(state_dir: Path, url: str) -> None:
    """Remove the record if it is this process's server at ``url`` (hold claim())."""
    record = _read(state_dir)
    if record is not None and record["pid"] == os.getpid() and record["url"] == url:
        (state_dir / RECORD).unlink(missing_ok=True)
