"""The job queue: one training worker process at a time, followed through its events file.

A thread moves jobs on: validating_files -> queued (their files checked), queued -> running (a worker started with
the job's spec.json), and reads what the running worker appends to events.jsonl (see core.local.job_files) into the
job's events, metrics and checkpoints until it ends. Pause writes "pause" into the job's control file (the worker
saves a checkpoint and stops); resume queues the job again and its next worker continues from that checkpoint;
cancel ends the worker. When the server stops, the worker is ended too and the job stays "running" in the saved
state, so the next server queues it again and it continues from its newest checkpoint.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from core.local.job_files import EVENTS_FILE, TrainSpec, clear_control, newest_checkpoint, request_pause
from core.local.server import progress
from core.local.server.processes import child_options, end_process
from core.local.server.state import TERMINAL, JobRecord, LocalState, now
from core.local.server.training_data import file_problem

log = logging.getLogger(__name__)
TICK = 0.2  # seconds between looks at the worker's events
STOP_GRACE = 3.0  # seconds a worker has to end after SIGTERM before it is killed
SAVE_SECONDS = 2.0  # a running job's progress is saved this often (a long job's events make state.json large)
WORKER_LOG = "worker.log"
LOG_TAIL = 2000


def worker_command(folder: Path) -> list[str]:
    """The command that trains the job in ``folder`` (a frozen build replaces this with its own executable)."""
    return [sys.executable, "-m", "core.local.worker", str(folder)]


def _spawn(folder: Path) -> subprocess.Popen[bytes]:
    with open(folder / WORKER_LOG, "ab") as output:
        return subprocess.Popen(worker_command(folder), stdin=subprocess.DEVNULL, stdout=output,
                                stderr=subprocess.STDOUT, **child_options())


def _log_tail(folder: Path) -> str:
    try:
        with open(folder / WORKER_LOG, "rb") as handle:
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - LOG_TAIL))
            return handle.read().decode("utf-8", errors="replace").strip()
    except OSError:
        return ""


class Runner:
    def __init__(self, state: LocalState) -> None:
        self.state = state
        self.process: subprocess.Popen[bytes] | None = None  # the worker, while one runs
        self.current: str | None = None  # the id of its job
        self._kill_at: float | None = None
        self._saved_at = 0.0
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # -- life of the runner -------------------------------------------------------------------------
    def start(self) -> Runner:
        self._requeue_interrupted()
        self._thread = threading.Thread(target=self._loop, name="local-runner", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """End the worker (its job is queued again when a server next starts on this folder) and the thread."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self.state.lock:
            process, self.process = self.process, None
        if process is not None:
            end_process(process, STOP_GRACE)
            with self.state.lock:
                if self.current in self.state.jobs:
                    self._read_events(self.state.jobs[self.current])
                    self.state.save()

    def wake(self) -> None:
        self._wake.set()

    def _requeue_interrupted(self) -> None:
        """Jobs a stopped server left running go back in the queue (a pause under way counts as done)."""
        with self.state.lock:
            for job in self.state.jobs.values():
                if job.status == "running" and job.pause_requested:
                    job.status, job.pause_requested = "paused", False
                    job.log("Fine-tuning job paused")
                elif job.status == "running":
                    job.status = "queued"
                    job.log("The local server stopped while this job ran; it continues from its newest checkpoint.")
            self.state.save()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self._validate_new()
                self._follow()
                self._start_next()
            except Exception:  # the queue must go on: log it and look again at the next tick
                log.exception("local runner")
            self._wake.wait(TICK)
            self._wake.clear()

    # -- the steps of the loop ------------------------------------------------------------------------
    def _validate_new(self) -> None:
        with self.state.lock:
            pending = [job for job in self.state.jobs.values() if job.status == "validating_files"]
        for job in pending:
            files = [(role, file_id) for role, file_id in (("training", job.training_file),
                                                             ("validation", job.validation_file)) if file_id]
            problems = [f"The {role} file {file_id}: {problem}" for role, file_id in files
                        if (problem := self._file_problem(file_id, job.method))]
            with self.state.lock:
                if job.status != "validating_files":  # cancelled meanwhile
                    continue
                if problems:
                    progress.fail(job, "invalid_file", problems[0])
                else:
                    job.status = "queued"
                    job.log("Files validated, moving job to queued state")
                self.state.save()

    def _file_problem(self, file_id: str, method: str) -> str | None:
        try:
            return file_problem(self.state.file_path(file_id), method)
        except OSError:
            return "it is no longer available."

    def _follow(self) -> None:
        with self.state.lock:
            if self.process is None or self.current is None:
                return
            job = self.state.jobs[self.current]
            exited = self.process.poll() is not None
            if job.status == "cancelled":
                if not exited and self._kill_at is not None and time.monotonic() > self._kill_at:
                    self.process.kill()
            else:
                read = self._read_events(job)
                if exited and job.status == "running":
                    tail = _log_tail(self.state.job_folder(job.id))
                    progress.fail(job, "internal", "The training process ended unexpectedly." + (
                        f" Its last output: {tail}" if tail else ""))
                # Saved less often than read: the saved offset goes with the saved events, so a restart reads
                # whatever came after it again from events.jsonl.
                if job.status != "running" or read and time.monotonic() - self._saved_at > SAVE_SECONDS:
                    self.state.save()
                    self._saved_at = time.monotonic()
            if exited:
                self.process, self.current, self._kill_at = None, None, None

    def _read_events(self, job: JobRecord) -> int:
        """Apply the lines the worker wrote since the last look; returns how many. A worker ended by SIGTERM writes
        no "finished" line, so any such line is the worker's own word and counts, even when read after a restart."""
        events, job.events_offset = progress.new_lines(self.state.job_folder(job.id) / EVENTS_FILE,
                                                       job.events_offset)
        for event in events:
            progress.apply(self.state, job, event)
        return len(events)

    def _start_next(self) -> None:
        with self.state.lock:
            if self.process is not None or self._stopping.is_set():
                return
            queued = sorted((j for j in self.state.jobs.values() if j.status == "queued"), key=lambda j: j.created_at)
            if not queued:
                return
            job = queued[0]
            folder = self.state.job_folder(job.id)
            self._read_events(job)  # what an earlier, stopped worker wrote last
            if job.status != "queued":  # it had finished after all
                self.state.save()
                return
            self._write_spec(job, folder)
            clear_control(folder)
            try:
                self.process, self.current = _spawn(folder), job.id
            except OSError as exc:  # a broken installation: say so on the job instead of trying at every tick
                progress.fail(job, "engine_missing", f"The training process could not start: {exc}")
                self.state.save()
                return
            job.status = "running"
            job.log("Fine-tuning job started")
            self.state.save()

    def _write_spec(self, job: JobRecord, folder: Path) -> None:
        hyper = job.hyperparameters
        resume = newest_checkpoint(folder) is not None
        TrainSpec(job_id=job.id, model_dir=job.model_dir, training_file=str(self.state.file_path(job.training_file)),
                  validation_file=str(self.state.file_path(job.validation_file)) if job.validation_file else None,
                  method=job.method, n_epochs=hyper["n_epochs"], batch_size=hyper["batch_size"],
                  learning_rate_multiplier=hyper["learning_rate_multiplier"], beta=hyper.get("beta"), seed=job.seed,
                  resume=resume).save(folder)

    # -- what the API asks ---------------------------------------------------------------------------------
    def cancel(self, job: JobRecord) -> str | None:
        """Cancel ``job`` (ending its worker within STOP_GRACE seconds); returns why not, or None."""
        with self.state.lock:
            if job.status in TERMINAL:
                return f"Job has already {job.status}: cannot cancel."
            job.status, job.finished_at, job.pause_requested = "cancelled", now(), False
            job.log("Fine-tuning job cancelled")
            if self.current == job.id and self.process is not None:
                with contextlib.suppress(OSError):
                    self.process.terminate()
                self._kill_at = time.monotonic() + STOP_GRACE
            self.state.save()
        self.wake()
        return None

    def pause(self, job: JobRecord) -> str | None:
        with self.state.lock:
            if job.status != "running" or self.current != job.id:
                return f"Only running jobs can be paused; this job is {job.status}."
            if not job.pause_requested:
                request_pause(self.state.job_folder(job.id))
                job.pause_requested = True
                job.log("Pausing: the job stops once it has saved a checkpoint.")
                self.state.save()
        return None

    def resume(self, job: JobRecord) -> str | None:
        with self.state.lock:
            if job.status != "paused":
                pausing = " (it is still saving its checkpoint)" if job.pause_requested else ""
                return f"Only paused jobs can be resumed; this job is {job.status}{pausing}."
            job.status = "queued"
            job.log("Fine-tuning job resumed")
            self.state.save()
        self.wake()
        return None
