"""Upload training files: one request up to 512 MB, the Uploads API in 64 MB parts above that (resumable).
A file already uploaded to the same provider (same SHA-256) is reused instead of sent again."""

from __future__ import annotations

import asyncio
import hashlib
import time
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import CoreError, from_exception
from core.i18n import tr
from core.providers.base import Progress, UploadedFile
from core.upload_cache import UploadCache

if TYPE_CHECKING:
    import openai

SINGLE_REQUEST_BYTES = 512 * 1024 * 1024
PART_BYTES = 64 * 1024 * 1024


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


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
                       else await self._in_parts(path, size, digest, on_progress))
        except CoreError:
            raise
        except Exception as exc:
            raise from_exception(exc) from exc
        self.cache.put_state(self.provider, digest, file_id)
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

    async def _in_parts(self, path: Path, size: int, digest: str, on_progress: Progress | None) -> str:
        """The Uploads API, part by part. An interrupted upload resumes where it stopped while the provider
        still holds it (an hour on OpenAI): the parts sent so far are remembered in the upload cache."""
        key = f"{digest} parts"
        state = self.cache.get_state(self.provider, key)
        if state is None or state["expires_at"] <= time.time():
            upload = await self.client.uploads.create(bytes=size, filename=path.name,
                                                      mime_type="application/jsonl", purpose="fine-tune")
            state = {"id": upload.id, "parts": [], "expires_at": upload.expires_at or time.time() + 3600}
        parts: list[str] = list(state["parts"])
        sent = min(len(parts) * PART_BYTES, size)
        with path.open("rb") as handle:
            handle.seek(sent)
            while chunk := await asyncio.to_thread(handle.read, PART_BYTES):
                part = await self.client.uploads.parts.create(state["id"], data=chunk)
                parts.append(part.id)
                sent += len(chunk)
                self.cache.put_state(self.provider, key, {**state, "parts": parts})
                if on_progress:
                    on_progress(sent, size)
        done = await self.client.uploads.complete(state["id"], part_ids=parts)
        self.cache.put_state(self.provider, key, None)
        if done.file is None:
            raise CoreError(tr("The upload finished but the provider made no file of it."),
                            tr("Try again; if it keeps happening, upload a smaller file."))
        return done.file.id
