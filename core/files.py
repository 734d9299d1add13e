"""The files a provider account keeps for training: each with the jobs that used it (as training or validation
file), saved where the user asks, deleted. The jobs are read a few pages deep at most: an account with more
jobs than that shows the uses among its newest ones."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.downloads import download_file
from core.errors import CoreError, file_error
from core.fileio import write_atomically
from core.i18n import tr
from core.providers.base import FileInfo, Provider, all_pages
from core.providers.records import Job

JOB_PAGES = 5  # pages of 100 jobs read to find which jobs used a file


@dataclass(frozen=True)
class FileUse:
    job_id: str
    role: str  # "training", "validation" or "result" (a file the job made)
    status: str


@dataclass(frozen=True)
class KeptFile:
    file: FileInfo
    used_by: tuple[FileUse, ...] = ()

    @property
    def jobs(self) -> list[str]:
        return list(dict.fromkeys(use.job_id for use in self.used_by))


def uses(jobs: list[Job]) -> dict[str, list[FileUse]]:
    """For each file id, the jobs that used it."""
    found: dict[str, list[FileUse]] = {}
    for job in jobs:
        roles = [("training", job.training_file), ("validation", job.validation_file)]
        for role, file_id in roles + [("result", result) for result in job.result_files]:
            if file_id:
                found.setdefault(file_id, []).append(FileUse(job.id, role, job.status))
    return found


async def recent_jobs(provider: Provider, pages: int = JOB_PAGES) -> list[Job]:
    return await all_pages(lambda after: provider.list_jobs(limit=100, after=after), lambda job: job.id, pages)


async def list_kept_files(provider: Provider, pages: int = JOB_PAGES) -> list[KeptFile]:
    """The account's files, newest first, each with the jobs (among the newest ``pages`` pages) that used it."""
    files = await provider.list_files()
    used = uses(await recent_jobs(provider, pages))
    return [KeptFile(f, tuple(used.get(f.id, ()))) for f in files]


def used_by_text(kept: KeptFile) -> str:
    roles = {"training": tr("training"), "validation": tr("validation"), "result": tr("result")}
    return ", ".join(f"{use.job_id} ({roles.get(use.role, use.role)})" for use in kept.used_by)


def is_folder(path: Path, many: bool = False) -> bool:
    """Whether ``-o PATH`` names a folder: one that exists, several files, a trailing separator, or a name
    without an extension ("downloads"); otherwise it is the file to write ("train.jsonl")."""
    return many or path.is_dir() or str(path).endswith(("/", "\\")) or not path.suffix


async def save_file(provider: Provider, file_id: str, path: Path, many: bool = False) -> Path:
    """Save ``file_id`` as ``path`` (a file) or into it (a folder, under the file's safe name). What already
    exists is never replaced."""
    if is_folder(path, many):
        return await download_file(provider, file_id, path)
    if path.exists() or path.is_symlink():
        raise CoreError(tr("{path} already exists.").format(path=path),
                        tr("Choose another name, or move the file that is there."))
    return await save_as(provider, file_id, path)


async def save_as(provider: Provider, file_id: str, path: Path) -> Path:
    """Write the content of ``file_id`` as ``path`` (the user chose it, a file there included)."""
    content = await provider.file_content(file_id)
    try:
        write_atomically(path, content, sync=False)
    except OSError as exc:
        raise file_error(exc) from exc
    return path
