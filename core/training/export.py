"""Keep everything of a provider account before it goes away: every job's record, events, checkpoints,
result CSV and training/validation files, with an index. Resumable: what is already saved is skipped."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from core.errors import from_exception
from core.fileio import write_atomically
from core.i18n import tr
from core.providers.base import Provider
from core.training.metrics import decode_result_file
from core.training.records import Job

Progress = Callable[[int, int, str], None]  # jobs done, jobs in all, what is being saved


async def all_jobs(training: Provider) -> list[Job]:
    jobs: list[Job] = []
    after = None
    while True:
        page, more = await training.list_jobs(limit=100, after=after)
        jobs += page
        if not more or not page:
            return jobs
        after = page[-1].id


async def _save_file(training: Provider, file_id: str, path: Path, decode: bool = False) -> None:
    """Download a file; one the provider no longer has leaves a note instead of stopping the export."""
    if path.exists():
        return  # saved by an earlier, interrupted export
    try:
        content = await training.file_content(file_id)
    except Exception as exc:
        path.with_name(path.name + ".missing.txt").write_text(from_exception(exc).user_message, encoding="utf-8")
        return
    write_atomically(path, decode_result_file(content).encode() if decode else content, sync=False)


def _json(path: Path, value: object) -> None:
    write_atomically(path, json.dumps(value, ensure_ascii=False, indent=1), sync=False)


async def export_all(training: Provider, folder: Path, on_progress: Progress | None = None) -> Path:
    """Write every job of the account into ``folder``; returns the index file."""
    jobs = await all_jobs(training)
    index = []
    for done, job in enumerate(jobs):
        if on_progress:
            on_progress(done, len(jobs), job.id)
        target = folder / job.id
        target.mkdir(parents=True, exist_ok=True)
        _json(target / "job.json", asdict(job))
        _json(target / "events.json", [asdict(e) for e in await training.all_events(job.id)])
        _json(target / "checkpoints.json", [asdict(c) for c in await training.checkpoints(job.id)])
        for number, file_id in enumerate(job.result_files):
            await _save_file(training, file_id, target / f"result_{number + 1}.csv", decode=True)
        for name, file_id in (("training.jsonl", job.training_file), ("validation.jsonl", job.validation_file)):
            if file_id:
                await _save_file(training, file_id, target / name)
        index.append({"id": job.id, "status": job.status, "model": job.model,
                      "fine_tuned_model": job.fine_tuned_model, "created_at": job.created_at, "folder": job.id})
    _json(folder / "index.json", index)
    lines = [tr("# Fine-tuning jobs exported {date}").format(date=time.strftime("%Y-%m-%d %H:%M")), ""]
    lines += [f"- {j['id']} · {j['status']} · {j['model']} → {j['fine_tuned_model'] or '-'}" for j in index]
    write_atomically(folder / "README.md", "\n".join(lines) + "\n", sync=False)
    if on_progress:
        on_progress(len(jobs), len(jobs), "")
    return folder / "index.json"
