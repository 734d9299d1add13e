"""Unsaved editor work copied to the app's data folder, so a crash loses at most the last half minute.

Each open document has one autosave: NAME.jsonl (the rows) and NAME.json (where they came from, when,
and which process owns it). A leftover whose owner is no longer running is offered for recovery.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.dataset.io import jsonl_bytes, read_rows
from core.dataset.model import Format, Row
from core.fileio import write_atomically
from core.paths import data_dir


@dataclass(frozen=True)
class Autosave:
    rows_path: Path
    source: str  # the file the rows came from ("" for a new dataset)
    format: Format
    saved_at: float  # seconds since the epoch
    rows: int
    pid: int


def autosave_dir() -> Path:
    return data_dir() / "autosave"


def write(name: str, rows: Sequence[Row], source: Path | None, fmt: Format) -> None:
    folder = autosave_dir()
    write_atomically(folder / f"{name}.jsonl", jsonl_bytes(rows), mode=0o600, sync=False)
    meta = {"source": str(source or ""), "format": fmt.value, "saved_at": time.time(), "rows": len(rows),
            "pid": os.getpid()}
    write_atomically(folder / f"{name}.json", json.dumps(meta, ensure_ascii=False))


def discard(rows_path: Path) -> None:
    rows_path.unlink(missing_ok=True)
    rows_path.with_suffix(".json").unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but belongs to someone else
        return True
    return True


def leftovers() -> list[Autosave]:
    """Autosaves of app sessions that ended without saving, newest first."""
    found = []
    for meta_path in autosave_dir().glob("*.json"):
        rows_path = meta_path.with_suffix(".jsonl")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            entry = Autosave(rows_path, str(meta["source"]), Format(meta["format"]), float(meta["saved_at"]),
                             int(meta["rows"]), int(meta["pid"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a half-written or foreign file: not ours to offer
        if rows_path.exists() and not _running(entry.pid):
            found.append(entry)
    return sorted(found, key=lambda a: a.saved_at, reverse=True)


def restore(entry: Autosave) -> list[Row]:
    rows, _ = read_rows(entry.rows_path)
    return rows
