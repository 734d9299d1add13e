"""What the local server holds: uploaded files, fine-tuning jobs and the models they made.

Kept in ``<state>/state.json``, written whole after each change (a crash leaves the old or the new file, never half of
one); a damaged file is set aside and the server starts empty. Uploaded bytes live in ``<state>/files/<id>`` and each
job's working folder in ``<state>/jobs/<id>/`` (see core.local.job_files), so neither is ever held in memory.
One lock guards every change: the routes and the runner's thread share these records.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.fileio import DAMAGE_ERRORS, set_aside, write_atomically

log = logging.getLogger(__name__)
SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")  # ids that name files and folders: nothing like "../"
TERMINAL = ("succeeded", "failed", "cancelled")


def new_id(prefix: str) -> str:
    """``prefix`` plus 24 random hex digits (file-…, ftjob-…, ftevent-…, ftckpt-…)."""
    return prefix + secrets.token_hex(12)


def now() -> int:
    return int(time.time())


@dataclass
class FileRecord:
    id: str
    filename: str
    purpose: str
    bytes: int
    created_at: int
    rows: int = 0  # non-blank lines of an uploaded JSONL file: the example count the "auto" rules need


@dataclass
class JobRecord:
    id: str
    created_at: int
    model: str  # as requested: a catalogue id or a model folder's path
    model_dir: str  # the base model's folder on this computer
    model_name: str  # the fine-tuned model's name, ft:<base>:local:<suffix>:<id>, given once it succeeds
    training_file: str
    validation_file: str | None
    suffix: str | None
    seed: int
    metadata: dict[str, str] | None
    method: str  # supervised | dpo
    hyperparameters: dict[str, Any]  # resolved: no "auto" left
    status: str = "validating_files"
    events: list[dict[str, Any]] = field(default_factory=list)
    checkpoints: list[dict[str, Any]] = field(default_factory=list)  # OpenAI's shape plus "path" (ours)
    metrics: list[dict[str, Any]] = field(default_factory=list)
    fine_tuned_model: str | None = None
    finished_at: int | None = None
    error: dict[str, Any] | None = None
    result_files: list[str] = field(default_factory=list)
    trained_tokens: int | None = None
    total_steps: int = 0
    estimated_finish: int | None = None
    events_offset: int = 0  # bytes of the worker's events.jsonl already turned into events
    run_origin: list[float] | None = None  # [time, step] of the first step of the worker now running (for the ETA)
    pause_requested: bool = False

    def log(self, message: str, level: str = "info", data: dict[str, Any] | None = None, kind: str = "message",
            at: float | None = None) -> None:
        """Add an event in OpenAI's shape (the list is oldest first; the API serves it newest first)."""
        self.events.append({"object": "fine_tuning.job.event", "id": new_id("ftevent-"),
                            "created_at": int(at or time.time()), "level": level, "message": message,
                            "data": data or {}, "type": kind})


@dataclass
class ModelRecord:
    id: str
    created: int
    job_id: str


class LocalState:
    def __init__(self, state_dir: Path) -> None:
        self.lock = threading.RLock()
        self.state_dir = state_dir
        self.files: dict[str, FileRecord] = {}
        self.jobs: dict[str, JobRecord] = {}
        self.models: dict[str, ModelRecord] = {}
        self.set_aside: Path | None = None  # where a damaged state.json was moved at start
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self.jobs_dir.mkdir(parents=True, exist_ok=True)
        self._load()

    @property
    def files_dir(self) -> Path:
        return self.state_dir / "files"

    @property
    def jobs_dir(self) -> Path:
        return self.state_dir / "jobs"

    def file_path(self, file_id: str) -> Path:
        """Where a file's bytes are; only ever called with ids this server made (checked again here)."""
        if not SAFE_ID.match(file_id):
            raise ValueError(f"not a file id: {file_id!r}")
        return self.files_dir / file_id

    def job_folder(self, job_id: str) -> Path:
        if not SAFE_ID.match(job_id):
            raise ValueError(f"not a job id: {job_id!r}")
        return self.jobs_dir / job_id

    def _load(self) -> None:
        path = self.state_dir / "state.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except DAMAGE_ERRORS as exc:
            self._set_aside(path, exc)
            return
        try:
            self._read(data)
        except DAMAGE_ERRORS as exc:
            self.files, self.jobs, self.models = {}, {}, {}
            self._set_aside(path, exc)

    def _set_aside(self, path: Path, exc: BaseException) -> None:
        self.set_aside = set_aside(path)
        log.warning("the local server's state.json was damaged (%s); set aside as %s", type(exc).__name__,
                    self.set_aside)

    def _read(self, data: dict[str, Any]) -> None:
        files = [FileRecord(**raw) for raw in data["files"]]
        jobs = [JobRecord(**raw) for raw in data["jobs"]]
        if not all(SAFE_ID.match(record.id) for record in [*files, *jobs]):
            raise ValueError("an id in state.json is not a safe file name")
        self.files = {record.id: record for record in files}
        self.jobs = {record.id: record for record in jobs}
        self.models = {raw["id"]: ModelRecord(**raw) for raw in data["models"]}

    def save(self) -> None:
        """Write every record at once (call after each change)."""
        with self.lock:
            data = {"files": [asdict(f) for f in self.files.values()],
                    "jobs": [asdict(j) for j in self.jobs.values()],
                    "models": [asdict(m) for m in self.models.values()]}
            write_atomically(self.state_dir / "state.json", json.dumps(data), sync=False)

    def add_file(self, record: FileRecord) -> None:
        """Register a file whose bytes are already at ``file_path(record.id)``."""
        with self.lock:
            self.files[record.id] = record
            self.save()

    def delete_file(self, file_id: str) -> None:
        with self.lock:
            self.files.pop(file_id, None)
            self.file_path(file_id).unlink(missing_ok=True)
            self.save()
