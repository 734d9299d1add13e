"""The job folder shared by the local server and the training worker: the spec, the events, the control file.

The two sides are separate processes that only meet in this folder, so this module is their whole contract:
the server writes ``spec.json`` and ``control``; the worker appends ``events.jsonl`` and fills ``checkpoints/``
and ``adapter/``. No torch here: the server reads these files without the engine loaded.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

SPEC_FILE = "spec.json"
EVENTS_FILE = "events.jsonl"
CONTROL_FILE = "control"
CHECKPOINTS_DIR = "checkpoints"
ADAPTER_DIR = "adapter"
PAUSE = "pause"
CHECKPOINT_PREFIX = "checkpoint-"


@dataclass(frozen=True)
class TrainSpec:
    """What one training run does; written by the server, read by the worker."""

    job_id: str
    model_dir: str
    training_file: str
    validation_file: str | None
    method: str  # "supervised" | "dpo"
    n_epochs: int
    batch_size: int
    learning_rate_multiplier: float
    beta: float | None
    seed: int
    resume: bool = False

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / (SPEC_FILE + ".tmp")
        temporary.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")
        temporary.replace(folder / SPEC_FILE)

    @classmethod
    def load(cls, folder: Path) -> TrainSpec:
        data = json.loads((folder / SPEC_FILE).read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


def read_events(folder: Path, start_line: int = 0) -> list[dict[str, Any]]:
    """The events from line ``start_line`` on; a half-written or damaged line is skipped, not fatal, since the
    worker may be writing the last one right now."""
    try:
        text = (folder / EVENTS_FILE).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    events = []
    for line in text.splitlines()[start_line:]:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            events.append(event)
    return events


class EventWriter:
    """Appends one JSON object per line to ``events.jsonl`` and flushes it at once, so a reader polling the
    file sees each event as soon as it happened (and a killed worker leaves at most one torn line)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def write(self, kind: str, **fields_: Any) -> None:
        line = json.dumps({"type": kind, **fields_, "at": int(time.time())}, ensure_ascii=False)
        with open(self.folder / EVENTS_FILE, "a", encoding="utf-8") as stream:
            stream.write(line + "\n")
            stream.flush()

    def message(self, text: str, level: str = "info") -> None:
        self.write("message", level=level, message=text)


def request_pause(folder: Path) -> None:
    """Asks the running worker to save a checkpoint and stop (read at its next step end)."""
    (folder / CONTROL_FILE).write_text(PAUSE, encoding="utf-8")


def clear_control(folder: Path) -> None:
    """Forgets a pause request, before a resumed worker starts."""
    (folder / CONTROL_FILE).unlink(missing_ok=True)


def pause_requested(folder: Path) -> bool:
    try:
        return (folder / CONTROL_FILE).read_text(encoding="utf-8").strip() == PAUSE
    except OSError:
        return False


def checkpoint_step(path: Path) -> int:
    """The step of a ``checkpoint-<step>`` folder (-1 for any other name)."""
    suffix = path.name.removeprefix(CHECKPOINT_PREFIX)
    return int(suffix) if path.name.startswith(CHECKPOINT_PREFIX) and suffix.isdigit() else -1


TRAINER_STATE = "trainer_state.json"


def checkpoints(folder: Path) -> list[Path]:
    """The job's checkpoint folders, oldest step first."""
    base = folder / CHECKPOINTS_DIR
    found = [path for path in base.iterdir() if path.is_dir() and checkpoint_step(path) >= 0] if base.is_dir() else []
    return sorted(found, key=checkpoint_step)


def complete(checkpoint: Path) -> bool:
    """Whether a checkpoint was saved whole: the trainer writes its state file last, so a worker ended while saving
    (a cancel, a stopped server, a full disk) leaves a folder without it, which cannot be resumed from."""
    return (checkpoint / TRAINER_STATE).is_file()


def newest_checkpoint(folder: Path) -> Path | None:
    """The newest checkpoint saved whole, to resume from."""
    found = [path for path in checkpoints(folder) if complete(path)]
    return found[-1] if found else None
