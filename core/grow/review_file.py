"""Review files: generated rows kept for review later — written by `grow` in the CLI, by the review queue's
"Save for later…", and by the app itself so rows still waiting are not lost when it closes. One JSON object per
line: the row's messages and, under "generated", how it was made (core.grow.model.review_record)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.dataset.io import decode, read_file
from core.dataset.model import Row
from core.errors import CoreError
from core.fileio import write_atomically
from core.grow.model import GENERATED, GeneratedRow, review_record
from core.i18n import tr
from core.paths import data_dir

MAX_REVIEW_ROWS = 10_000  # a queue holds what one run makes at most
MAX_FIELD_CHARS = 20_000  # of a passage or a note read back


class ReviewFileError(CoreError):
    """A file that holds no generated rows to review."""


def review_bytes(rows: Sequence[GeneratedRow]) -> bytes:
    return "".join(json.dumps(review_record(row), ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


def save_review(path: Path, rows: Sequence[GeneratedRow]) -> None:
    write_atomically(path, review_bytes(rows))


def _text(value: Any) -> str:
    return value[:MAX_FIELD_CHARS] if isinstance(value, str) else ""


def _generated(data: Any) -> GeneratedRow | None:
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        return None
    messages = [m for m in data["messages"] if isinstance(m, dict)]
    made = data.get("generated") if isinstance(data.get("generated"), dict) else {}
    return GeneratedRow(Row(0, {"messages": messages}, origin=GENERATED), passage=_text(made.get("passage")),
                        similar_to=_text(made.get("similar_to")), error=_text(made.get("error")))


def load_review(path: Path) -> list[GeneratedRow]:
    """The rows of a review file (chat rows without the "generated" part are taken too); at most
    MAX_REVIEW_ROWS. Raises ReviewFileError when there is not one."""
    text, _ = decode(read_file(path), path)
    rows: list[GeneratedRow] = []
    for line in text.removeprefix("\ufeff").splitlines():
        if len(rows) >= MAX_REVIEW_ROWS:
            break
        try:
            generated = _generated(json.loads(line)) if line.strip() else None
        except ValueError:
            continue
        if generated is not None:
            rows.append(generated)
    if not rows:
        raise ReviewFileError(tr("{name} holds no chat rows to review.").format(name=path.name),
                              tr("Choose a file written by Grow dataset or by the grow command."))
    return rows


def waiting_path() -> Path:
    """Where the rows still waiting for review are kept between runs of the app."""
    return data_dir() / "review_queue.jsonl"


def keep_waiting(rows: Sequence[GeneratedRow]) -> None:
    """Keep ``rows`` for the next start (or forget them when there are none)."""
    path = waiting_path()
    if rows:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, review_bytes(rows), sync=False)
    else:
        path.unlink(missing_ok=True)


def waiting() -> list[GeneratedRow]:
    """The rows kept by the last run; none when there are none or the file is damaged."""
    try:
        return load_review(waiting_path())
    except (CoreError, OSError):
        return []
