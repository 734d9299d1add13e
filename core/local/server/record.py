"""One local server per state folder, shared by the app and the CLI commands that run beside it.

Two servers on one folder would each run their own worker on the same jobs. So a server records its address and
process id in ``server.json`` there while it runs (written atomically, removed when it stops), under an OS file lock
that the system releases if the process dies; a starter uses the recorded server while that process is alive and
answers as the same process, and otherwise clears the stale record. Light on purpose: the app's window imports this
(through core.local.launcher) without the web stack.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.fileio import write_atomically

RECORD = "server.json"
LOCK = "server.lock"
INFO_PATH = "/_local/info"  # answered without a key: which process serves here
PROBE_SECONDS = 2.0  # a server on this computer that does not answer in this time is not one to share


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


def process_alive(pid: int) -> bool:
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


def answers(origin: str, pid: int) -> bool:
    """Whether the local server of process ``pid`` answers at ``origin`` (asked without a proxy: it is here)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(origin + INFO_PATH, timeout=PROBE_SECONDS) as response:
            info = json.loads(response.read(10_000))
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and info.get("finetune_studio_local") is True and info.get("pid") == pid


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
    if record is not None and process_alive(record["pid"]) and answers(record["origin"], record["pid"]):
        return record["url"]
    (state_dir / RECORD).unlink(missing_ok=True)
    return None


def record_server(state_dir: Path, url: str, origin: str) -> None:
    """Say that this process serves ``state_dir`` at ``url`` (hold claim())."""
    write_atomically(state_dir / RECORD, json.dumps({"url": url, "origin": origin, "pid": os.getpid()}), sync=False)


def forget_server(state_dir: Path, url: str) -> None:
    """Remove the record if it is this process's server at ``url`` (hold claim())."""
    record = _read(state_dir)
    if record is not None and record["pid"] == os.getpid() and record["url"] == url:
        (state_dir / RECORD).unlink(missing_ok=True)
