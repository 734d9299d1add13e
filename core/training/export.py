"""Keep everything of a provider account before it goes away: every job's record, events, checkpoints,
result CSV and training/validation files, and the uploaded files no job used (in ``files/``), with an index.
Resumable: what is already saved is skipped.

Job ids come from the server, so each becomes a harmless folder name that must resolve inside the chosen
folder: an id such as ``../../x`` or ``/tmp/x`` writes nothing outside it."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from core.errors import CoreError, NetworkError, TimeoutError_, file_error, from_exception
from core.fileio import write_atomically
from core.i18n import tr
from core.providers.base import FileInfo, Provider, all_pages
from core.providers.metrics import decode_result_file
from core.providers.records import Job

Progress = Callable[[int, int, str], None]  # jobs done, jobs in all, what is being saved
FILES_FOLDER = "files"  # where the uploaded files no job used are saved
MAX_NAME = 80  # characters of a server's id kept in a file name
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
# Names Windows keeps for devices, with any extension ("nul.txt" is the device too).
_DEVICES = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}


def safe_name(name: str) -> str:
    """``name`` (an id a server sent) as one harmless file name: no folders, no "..", no device names. A name
    that had to change gets a short hash of the original, so two different ids never share a name."""
    cleaned = _UNSAFE.sub("_", name).strip("._")[:MAX_NAME]
    device = cleaned.split(".")[0].lower() in _DEVICES
    if cleaned == name and cleaned and not device:
        return cleaned
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{'_' if device else ''}{cleaned or 'unnamed'}-{digest}"


def folder_names(ids: Iterable[str]) -> list[str]:
    """A distinct safe name per id, also where the disk does not tell upper from lower case."""
    names: list[str] = []
    used: set[str] = set()
    for job_id in ids:
        name = base = safe_name(job_id)
        number = 1
        while name.lower() in used:
            number += 1
            name = f"{base}-{number}"
        used.add(name.lower())
        names.append(name)
    return names


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refused unless it resolves inside ``folder`` (a link placed there may point away)."""
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()) or path.resolve() == folder.resolve():
        raise CoreError(tr("The export stopped: {name} would be saved outside {folder}.").format(
                            name=name, folder=folder),
                        tr("A link inside the folder points somewhere else. Choose an empty folder."))
    return path


async def all_jobs(provider: Provider) -> list[Job]:
    """Every job of the account, each once, however the server pages them."""
    return await all_pages(lambda after: provider.list_jobs(limit=100, after=after), lambda job: job.id)


async def _save_file(provider: Provider, file_id: str, path: Path, decode: bool = False) -> None:
    """Download a file; one the provider no longer has leaves a note instead of stopping the export."""
    if path.exists():
        return  # saved by an earlier, interrupted export
    try:
        content = await provider.file_content(file_id)
    except Exception as exc:
        write_atomically(path.with_name(path.name + ".missing.txt"), from_exception(exc).user_message, sync=False)
        return
    write_atomically(path, decode_result_file(content).encode() if decode else content, sync=False)


async def _save_result(provider: Provider, file_id: str, target: Path, number: int) -> None:
    """A result file: the metrics CSV as result_N.csv (decoded where the API serves it base64-encoded); any other
    result (a trained adapter's files, on this computer) byte for byte under its own name."""
    name = await provider.file_name(file_id)
    if name and not name.lower().endswith(".csv"):
        await _save_file(provider, file_id, inside(target, safe_name(name)))
    else:
        await _save_file(provider, file_id, inside(target, f"result_{number}.csv"), decode=True)


def _json(path: Path, value: object) -> None:
    write_atomically(path, json.dumps(value, ensure_ascii=False, indent=1), sync=False)


async def _save_list(path: Path, read: Callable[[], Awaitable[Sequence[Any]]]) -> None:
    """Save a job's events or checkpoints; ones the provider cannot give leave a note instead."""
    note = path.with_name(path.name + ".missing.txt")
    try:
        found = await read()
    except (NetworkError, TimeoutError_):
        raise  # the connection is lost: stop here, the next export resumes
    except CoreError as error:  # e.g. an id the API cannot be asked about
        write_atomically(note, error.user_message, sync=False)
        return
    _json(path, [asdict(item) for item in found])
    note.unlink(missing_ok=True)


async def _save_job(provider: Provider, job: Job, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    _json(inside(target, "job.json"), asdict(job))
    await _save_list(inside(target, "events.json"), lambda: provider.all_events(job.id))
    await _save_list(inside(target, "checkpoints.json"), lambda: provider.checkpoints(job.id))
    for number, file_id in enumerate(job.result_files):
        await _save_result(provider, file_id, target, number + 1)
    for name, file_id in (("training.jsonl", job.training_file), ("validation.jsonl", job.validation_file)):
        if file_id:
            await _save_file(provider, file_id, inside(target, name))


def _line(value: object) -> str:
    """A server's text on one line of the README."""
    return _CONTROL.sub(" ", str(value if value is not None else "-"))[:300]


async def _unused_files(provider: Provider, jobs: Sequence[Job], folder: Path) -> list[FileInfo]:
    """The uploaded files that none of ``jobs`` used or made, oldest first (so their names stay the same next time). A
    provider that cannot list its files leaves a note instead of stopping the export."""
    used = {file_id for job in jobs for file_id in (job.training_file, job.validation_file, *job.result_files)
            if file_id}  # result files are saved with their job
    note = folder / f"{FILES_FOLDER}.missing.txt"
    try:
        found = await provider.list_files()
    except (NetworkError, TimeoutError_):
        raise  # the connection is lost: stop here, the next export resumes
    except CoreError as error:
        try:
            write_atomically(note, error.user_message, sync=False)
        except OSError as exc:
            raise file_error(exc) from exc
        return []
    note.unlink(missing_ok=True)
    uploaded = (f for f in found if f.id not in used and not f.purpose.endswith("-results"))  # not a job's output
    return sorted(uploaded, key=lambda f: (f.created_at, f.id))


async def export_all(provider: Provider, folder: Path, on_progress: Progress | None = None) -> Path:
    """Write every job of the account, and every uploaded file no job used, into ``folder``; returns the index
    file."""
    jobs = await all_jobs(provider)
    unused = await _unused_files(provider, jobs, folder)
    total = len(jobs) + len(unused)
    index: list[dict[str, Any]] = []
    try:
        for done, (job, name) in enumerate(zip(jobs, folder_names(j.id for j in jobs), strict=True)):
            if on_progress:
                on_progress(done, total, job.id)
            await _save_job(provider, job, inside(folder, name))
            index.append({"id": job.id, "status": job.status, "model": job.model,
                          "fine_tuned_model": job.fine_tuned_model, "created_at": job.created_at, "folder": name})
        names = folder_names(f"{f.id}-{f.filename}" for f in unused)
        for done, (found, name) in enumerate(zip(unused, names, strict=True), start=len(jobs)):
            if on_progress:
                on_progress(done, total, found.id)
            files = folder / FILES_FOLDER
            files.mkdir(parents=True, exist_ok=True)
            await _save_file(provider, found.id, inside(files, name))
            index.append({"id": found.id, "kind": "file", "filename": found.filename, "purpose": found.purpose,
                          "bytes": found.bytes, "created_at": found.created_at, "path": f"{FILES_FOLDER}/{name}"})
        _json(folder / "index.json", index)
        lines = [tr("# Fine-tuning jobs exported {date}").format(date=time.strftime("%Y-%m-%d %H:%M")), ""]
        lines += [f"- {_line(j['id'])} · {_line(j['status'])} · {_line(j['model'])} → "
                  f"{_line(j['fine_tuned_model'])} ({j['folder']})" for j in index if "folder" in j]
        if unused:
            lines += ["", tr("## Uploaded files no job used"), ""]
            lines += [f"- {_line(f['id'])} · {_line(f['filename'])} ({f['path']})" for f in index if "path" in f]
        write_atomically(folder / "README.md", "\n".join(lines) + "\n", sync=False)
    except OSError as exc:
        raise file_error(exc) from exc
    if on_progress:
        on_progress(total, total, "")
    return folder / "index.json"
