"""Upload training files: one request up to 512 MB, the Uploads API in 64 MB parts above that. A file
already uploaded to the same provider (same SHA-256) is reused instead of sent again."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import CoreError, from_exception
from core.fileio import write_atomically
from core.i18n import tr
from core.paths import data_dir

if TYPE_CHECKING:
    import openai

SINGLE_REQUEST_BYTES = 512 * 1024 * 1024
PART_BYTES = 64 * 1024 * 1024
Progress = Callable[[int, int], None]  # bytes sent, bytes in all


@dataclass(frozen=True)
class UploadedFile:
    id: str
    filename: str
    bytes: int
    reused: bool = False


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


class UploadCache:
    """Which file id each (provider, content hash) got, kept in the data folder."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "uploads.json"

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return {}

    def get(self, provider: str, digest: str) -> str | None:
        return self._load().get(f"{provider} {digest}")

    def put(self, provider: str, digest: str, file_id: str) -> None:
        entries = self._load()
        entries[f"{provider} {digest}"] = file_id
        write_atomically(self.path, json.dumps(entries, indent=1), sync=False)


class Uploader:
    def __init__(self, client: openai.AsyncOpenAI, cache: UploadCache | None = None) -> None:
        self.client, self.cache = client, cache or UploadCache()
        self.provider = str(client.base_url)

    async def upload(self, path: Path, on_progress: Progress | None = None) -> UploadedFile:
        """Send ``path`` for fine-tuning (or find it already there). Cancel by cancelling the task."""
        try:
            size = path.stat().st_size
            digest = await asyncio.to_thread(file_digest, path)
        except OSError as exc:
            raise CoreError(tr("{name} could not be read.").format(name=path.name),
                            tr("Check that the file exists and that you may read it."), repr(exc)) from exc
        known = await self._known(self.cache.get(self.provider, digest))
        if known is not None:
            if on_progress:
                on_progress(size, size)
            return UploadedFile(known, path.name, size, reused=True)
        try:
            file_id = (await self._single(path, size, on_progress) if size <= SINGLE_REQUEST_BYTES
                       else await self._in_parts(path, size, on_progress))
        except CoreError:
            raise
        except Exception as exc:
            raise from_exception(exc) from exc
        self.cache.put(self.provider, digest, file_id)
        return UploadedFile(file_id, path.name, size)

    async def _known(self, file_id: str | None) -> str | None:
        """``file_id`` if the provider still has that file."""
        if file_id is None:
            return None
        try:
            found = await self.client.files.retrieve(file_id)
        except Exception:
            return None
        return file_id if getattr(found, "status", "processed") != "deleted" else None

    async def _single(self, path: Path, size: int, on_progress: Progress | None) -> str:
        if on_progress:
            on_progress(0, size)
        data = await asyncio.to_thread(path.read_bytes)
        created = await self.client.files.create(file=(path.name, data), purpose="fine-tune")
        if on_progress:
            on_progress(size, size)
        return created.id

    async def _in_parts(self, path: Path, size: int, on_progress: Progress | None) -> str:
        upload = await self.client.uploads.create(bytes=size, filename=path.name, mime_type="application/jsonl",
                                                  purpose="fine-tune")
        try:
            parts, sent = [], 0
            with path.open("rb") as handle:
                while chunk := await asyncio.to_thread(handle.read, PART_BYTES):
                    part = await self.client.uploads.parts.create(upload.id, data=chunk)
                    parts.append(part.id)
                    sent += len(chunk)
                    if on_progress:
                        on_progress(sent, size)
            done = await self.client.uploads.complete(upload.id, part_ids=parts)
        except BaseException:
            with contextlib.suppress(Exception):  # the upload expires on its own; the cancel is a courtesy
                await asyncio.shield(self.client.uploads.cancel(upload.id))
            raise
        if done.file is None:
            raise CoreError(tr("The upload finished but the provider made no file of it."),
                            tr("Try again; if it keeps happening, upload a smaller file."))
        return done.file.id
