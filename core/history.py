"""Console sessions kept per profile on disk (never the key), so a conversation survives a restart."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from core.fileio import write_atomically
from core.paths import data_dir


@dataclass(frozen=True)
class Turn:
    model: str
    question: str
    answer: str
    seconds: float = 0.0
    tokens: int | None = None


def _path(profile_id: str) -> Path:
    safe = "".join(c for c in profile_id if c.isalnum() or c in "-_") or "profile"
    return data_dir() / "history" / f"{safe}.json"


def load(profile_id: str) -> list[Turn]:
    try:
        items = json.loads(_path(profile_id).read_text(encoding="utf-8"))
        return [Turn(**item) for item in items]
    except (OSError, ValueError, TypeError):
        return []


def save(profile_id: str, turns: list[Turn]) -> None:
    write_atomically(_path(profile_id), json.dumps([asdict(t) for t in turns], ensure_ascii=False),
                     mode=0o600, sync=False)


def clear(profile_id: str) -> None:
    _path(profile_id).unlink(missing_ok=True)
