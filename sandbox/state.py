"""Everything the Sandbox holds: files, uploads, jobs, models. In memory, or saved to a folder.

One lock guards every change; with a state folder each change is written atomically, so jobs,
files and models survive a restart.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sandbox.disk import replace_file
from sandbox.validation import FileFacts

log = logging.getLogger(__name__)
COPY_CHUNK = 1024 * 1024
# What a damaged state.json may raise while it is read (truncated, hand-edited, a field of the wrong type...).
DAMAGE_ERRORS = (OSError, ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError)


@dataclass
class FileRecord:
    id: str
    filename: str
    purpose: str
    bytes: int
    created_at: int
    facts: FileFacts | None = None  # None for result files

    def api(self) -> dict[str, Any]:
        return {"id": self.id, "object": "file", "bytes": self.bytes, "created_at": self.created_at,
                "filename": self.filename, "purpose": self.purpose, "status": "processed"}


@dataclass
class UploadRecord:
    id: str
    filename: str
    purpose: str
    bytes: int
    mime_type: str
    created_at: int
    status: str = "pending"
    parts: dict[str, int] = field(default_factory=dict)  # part id -> size; the bytes wait on disk
    file_id: str | None = None

    @property
    def received(self) -> int:
        return sum(self.parts.values())


@dataclass
class JobRecord:
    id: str
    created_at: float
    model: str  # as requested: a base model or an ft: model for continued training
    base: str  # the root base model the fine-tuned name is built from
    training_file: str
    validation_file: str | None
    suffix: str | None
    seed: int
    metadata: dict[str, str] | None
    method: str  # supervised | dpo
    hyperparameters: dict[str, Any]  # resolved: no "auto" left
    total_steps: int
    steps_per_epoch: int
    duration: float
    status: str = "validating_files"
    events: list[dict[str, Any]] = field(default_factory=list)
    checkpoints: list[dict[str, Any]] = field(default_factory=list)
    metrics: list[dict[str, float]] = field(default_factory=list)
    fine_tuned_model: str | None = None
    finished_at: int | None = None
    error: dict[str, Any] | None = None
    result_files: list[str] = field(default_factory=list)
    trained_tokens: int | None = None
    paused_at: float | None = None
    paused_total: float = 0.0
    stage: int = 0  # how far the simulated lifecycle has got (see lifecycle.py)
    dialect: str = "openai"  # whose API created it: openai, azure, zhipu or bailian
    model_name: str = ""  # the fine-tuned model's name once it succeeds (each dialect names them its way)
    request_id: str | None = None  # the client's own mark: Zhipu's request_id, Bailian's job_name
    training_type: str = ""  # Azure: trainingType; Bailian: training_type


@dataclass
class ModelRecord:
    id: str
    created: int
    owned_by: str
    job_id: str | None = None


@dataclass
class DeploymentRecord:
    """Bailian: a fine-tuned model made callable under ``name``; Azure: one made in the portal."""

    name: str
    model: str
    created_at: float
    plan: str = "lora"


class SandboxState:
    def __init__(self, state_dir: Path | None = None) -> None:
        self.lock = threading.RLock()
        self.state_dir = state_dir
        self.files: dict[str, FileRecord] = {}
        self.contents: dict[str, bytes] = {}
        self.uploads: dict[str, UploadRecord] = {}
        self.jobs: dict[str, JobRecord] = {}
        self.models: dict[str, ModelRecord] = {}
        self.deployments: dict[str, DeploymentRecord] = {}
        self.set_aside: Path | None = None  # where a damaged state.json was moved at start
        self._parts: tempfile.TemporaryDirectory[str] | None = None
        if state_dir is not None:
            self._load()

    # -- persistence ------------------------------------------------------------------------
    def _load(self) -> None:
        path = self.state_dir / "state.json"
        if not path.exists():
            return
        try:
            self._read(json.loads(path.read_text(encoding="utf-8")))
        except DAMAGE_ERRORS as exc:  # start empty, keep the damaged file for a look
            self.files, self.contents, self.jobs, self.models, self.deployments = {}, {}, {}, {}, {}
            kept = path.with_name(f"state.json.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                os.replace(path, kept)
                self.set_aside = kept
            except OSError as error:
                log.warning("could not set aside %s: %r", path, error)
            log.warning("the Sandbox's state.json was damaged (%s); set aside as %s", type(exc).__name__, kept)

    def _read(self, data: dict[str, Any]) -> None:
        for raw in data["files"]:
            facts = raw.pop("facts")
            record = FileRecord(**raw, facts=FileFacts(**facts) if facts else None)
            if Path(record.id).name != record.id or record.id in (".", ".."):
                raise ValueError(f"file id {record.id!r} is not a file name")
            self.files[record.id] = record
            content = self.state_dir / "files" / record.id
            if content.exists():
                self.contents[record.id] = content.read_bytes()
        self.jobs = {raw["id"]: JobRecord(**raw) for raw in data["jobs"]}
        self.models = {raw["id"]: ModelRecord(**raw) for raw in data["models"]}
        self.deployments = {raw["name"]: DeploymentRecord(**raw) for raw in data.get("deployments", [])}

    def save(self) -> None:
        """Write the state (not uploads in progress) atomically; no-op when in memory only."""
        if self.state_dir is None:
            return
        with self.lock:
            data = {"files": [asdict(f) for f in self.files.values()],
                    "jobs": [asdict(j) for j in self.jobs.values()],
                    "models": [asdict(m) for m in self.models.values()],
                    "deployments": [asdict(d) for d in self.deployments.values()]}
            replace_file(self.state_dir / "state.json", json.dumps(data).encode())

    def add_file(self, record: FileRecord, content: bytes) -> None:
        with self.lock:
            self.files[record.id] = record
            self.contents[record.id] = content
            if self.state_dir is not None:
                replace_file(self.state_dir / "files" / record.id, content)
            self.save()

    # -- upload parts: streamed to disk, never held in memory ---------------------------------------
    def part_path(self, upload_id: str, part_id: str) -> Path:
        if self._parts is None:
            self._parts = tempfile.TemporaryDirectory(prefix="sandbox-uploads-", ignore_cleanup_errors=True)
        folder = Path(self._parts.name) / upload_id
        folder.mkdir(exist_ok=True)
        return folder / part_id

    def read_parts(self, upload: UploadRecord, part_ids: list[str]) -> bytes:
        """The parts joined in this order, joined on disk first so the file is read into memory only once."""
        whole = self.part_path(upload.id, "whole")
        with open(whole, "wb") as out:
            for part_id in part_ids:
                with open(self.part_path(upload.id, part_id), "rb") as part:
                    shutil.copyfileobj(part, out, COPY_CHUNK)
        return whole.read_bytes()

    def drop_parts(self, upload: UploadRecord) -> None:
        if self._parts is not None:
            shutil.rmtree(Path(self._parts.name) / upload.id, ignore_errors=True)
        upload.parts = {}

    def delete_file(self, file_id: str) -> None:
        with self.lock:
            self.files.pop(file_id, None)
            self.contents.pop(file_id, None)
            if self.state_dir is not None:
                (self.state_dir / "files" / file_id).unlink(missing_ok=True)
            self.save()

