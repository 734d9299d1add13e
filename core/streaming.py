"""Whether to ask a profile's server for streamed answers (remembered when a gateway turns out not to stream)."""

from __future__ import annotations

import json
from pathlib import Path

from core.fileio import write_atomically
from core.paths import data_dir


def _path() -> Path:
    return data_dir() / "streaming.json"


def _load() -> dict[str, bool]:
    try:
        return {str(k): bool(v) for k, v in json.loads(_path().read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def wanted(profile_id: str) -> bool:
    return _load().get(profile_id, True)


def remember(profile_id: str, stream: bool) -> None:
    saved = _load()
    saved[profile_id] = stream
    write_atomically(_path(), json.dumps(saved), mode=0o600, sync=False)


def forget(profile_id: str) -> None:
    """The profile was deleted: its choice goes too."""
    saved = _load()
    if saved.pop(profile_id, None) is not None:
        write_atomically(_path(), json.dumps(saved), mode=0o600, sync=False)
