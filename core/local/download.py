"""Download a catalogue model's folder from ModelScope or the Hugging Face hub (or a mirror of it), resumably.

The few requests needed are plain HTTP, made over httpx2 (the hubs' own clients, modelscope and huggingface_hub,
would add large dependencies and their own caches); what the hubs list and where their files are: core.local.hub.
Each file goes to ``<name>.part`` first, resumes with an HTTP Range request, is checked against its size and digest,
then renamed. The folder is marked complete (``catalogue.COMPLETE_MARKER``) only when every file was verified.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

from core.errors import file_error
from core.fileio import write_atomically
from core.i18n import tr
from core.local.catalogue import COMPLETE_MARKER, GB, CatalogueEntry, entry_for, folder_for, installed_folder
from core.local.hardware import DISK_MARGIN, free_disk_bytes
from core.local.hub import (
    MIB,
    PART_SUFFIX,
    DownloadError,
    RemoteFile,
    endpoint_for,
    file_url,
    list_files,
    listing_error,
    network_error,
    status_error,
    wanted,
)
from core.logs import register_secret
from core.urls import is_loopback
from core.version import APP_ID, __version__

CHUNK = MIB
PROGRESS_INTERVAL = 0.25  # seconds between progress values while bytes flow


@dataclass(frozen=True)
class DownloadProgress:
    done_bytes: int
    total_bytes: int
    file: str  # the file being downloaded ("" once all are done)
    bytes_per_second: float
    eta_seconds: float | None  # None until the speed is known


def default_source(language: str) -> str:
    """ModelScope for Chinese (reachable in mainland China), the Hugging Face hub otherwise."""
    return "modelscope" if language.lower().startswith("zh") else "huggingface"


def _hashers(remote: RemoteFile) -> list[Any]:
    hashers = []
    if remote.sha256:
        hashers.append(hashlib.sha256())
    elif remote.git_sha1:
        hashers.append(hashlib.sha1(f"blob {remote.size}\0".encode()))  # noqa: S324 (git's id, not security)
    return hashers


def _hash_prefix(part: Path, remote: RemoteFile) -> list[Any]:
    """Hashers fed with what an earlier attempt left in ``part`` (in a thread: it may be gigabytes)."""
    hashers = _hashers(remote)
    with part.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            for hasher in hashers:
                hasher.update(chunk)
    return hashers


def _verify(hashers: list[Any], remote: RemoteFile, part: Path) -> None:
    expected = remote.sha256 or remote.git_sha1
    if hashers and hashers[0].hexdigest() != expected:
        part.unlink(missing_ok=True)  # bad bytes: resuming them would fail again
        raise DownloadError(tr("{name} arrived damaged (its checksum does not match), so it was deleted.").format(
                                name=remote.path),
                            tr("Start the download again; if it keeps happening, try the other source or mirror."),
                            f"expected {expected}, got {hashers[0].hexdigest()}")


def _open_part(response: httpx2.Response, part: Path, have: int) -> int:
    """How many bytes of ``part`` the answer continues from: ``have`` for a matching 206, 0 when the server sent the
    whole file again (200) and the part starts over."""
    if response.status_code == 206 and have:
        content_range = response.headers.get("content-range", "")
        if not content_range.startswith(f"bytes {have}-"):
            raise DownloadError(tr("The model hub resumed the download at the wrong place."),
                                tr("Start it again, or try the other source."), f"Content-Range {content_range[:80]}")
        return have
    part.write_bytes(b"")
    return 0


async def _fetch(client: httpx2.AsyncClient, url: str, folder: Path, remote: RemoteFile,
                 gated: bool) -> AsyncIterator[int]:
    """Download one file into ``<name>.part`` (resuming what is there), verify it, rename it; yields the bytes added
    (negative when the server made it start over)."""
    part = folder / (remote.path + PART_SUFFIX)
    have = part.stat().st_size if part.is_file() else 0
    if have > remote.size:
        part.unlink()
        have = 0
    hashers = await asyncio.to_thread(_hash_prefix, part, remote) if have else _hashers(remote)
    headers = {"Accept-Encoding": "identity", **({"Range": f"bytes={have}-"} if have else {})}
    async with client.stream("GET", url, headers=headers) as response:
        if response.status_code not in (200, 206):
            if response.status_code == 416:
                part.unlink(missing_ok=True)  # the server disowns what we have: start over next time
            raise status_error(response.status_code, url, gated)
        if _open_part(response, part, have) != have:  # the server sent the whole file: the part starts over
            yield -have
            have, hashers = 0, _hashers(remote)
        with part.open("ab", buffering=0) as handle:  # unbuffered: what arrived is on disk if the app is killed
            async for chunk in response.aiter_raw():  # as it arrives (a chunk size would buffer)
                if have + len(chunk) > remote.size:
                    raise DownloadError(tr("The model hub sent more of {name} than it announced.").format(
                                            name=remote.path), tr("Try the other source."), url[:300])
                handle.write(chunk)
                for hasher in hashers:
                    hasher.update(chunk)
                have += len(chunk)
                yield len(chunk)
    if have < remote.size:
        raise network_error(ConnectionError(f"{have} of {remote.size} bytes"), remote.path)
    _verify(hashers, remote, part)
    os.replace(part, folder / remote.path)


def _present(folder: Path, remote: RemoteFile) -> int:
    """Bytes of ``remote`` already here: all of it when the file is in place, else what its .part holds."""
    final, part = folder / remote.path, folder / (remote.path + PART_SUFFIX)
    if final.is_file() and final.stat().st_size == remote.size:
        return remote.size
    size = part.stat().st_size if part.is_file() else 0
    return size if size <= remote.size else 0  # a part longer than the file is discarded by _fetch


def _check_room(entry: CatalogueEntry, files: tuple[RemoteFile, ...], missing: int, free: int) -> None:
    total = sum(file.size for file in files)
    if total > 2 * entry.download_bytes + GB:
        raise listing_error(f"{total} bytes listed for a model of about {entry.download_bytes}")
    if free < missing + DISK_MARGIN:
        raise DownloadError(tr("Not enough disk space: the download needs about {need:,.1f} GB free; there are "
                               "{have:,.1f} GB.").format(need=(missing + DISK_MARGIN) / GB, have=free / GB),
                            tr("Free some space or choose another models folder, then start the download again."))


def _client(endpoint: str, token: str) -> httpx2.AsyncClient:
    """Proxies from the environment apply, except to a hub on this computer (a test's, or a local mirror)."""
    headers = {"User-Agent": f"{APP_ID}/{__version__}"}
    if token:
        register_secret(token)
        headers["Authorization"] = f"Bearer {token}"  # httpx2 drops it on a redirect to another host (the CDN)
    return httpx2.AsyncClient(headers=headers, follow_redirects=True, max_redirects=10,
                              trust_env=not is_loopback(endpoint), timeout=httpx2.Timeout(30.0, read=120.0))


class _Meter:
    """Turns byte counts into DownloadProgress values, at most a few a second."""

    def __init__(self, done: int, total: int) -> None:
        self.done, self.total, self.fresh = done, total, 0
        self.started = self.shown = time.monotonic()

    def add(self, count: int) -> bool:
        self.done += count
        self.fresh += count
        now = time.monotonic()
        if now - self.shown < PROGRESS_INTERVAL:
            return False
        self.shown = now
        return True

    def value(self, file: str) -> DownloadProgress:
        elapsed = time.monotonic() - self.started
        speed = self.fresh / elapsed if elapsed > 0 and self.fresh else 0.0
        eta = (self.total - self.done) / speed if speed else None
        return DownloadProgress(self.done, self.total, file, speed, eta)


async def download_model(model_id: str, models_dir: Path, source: str = "huggingface", endpoint: str = "",
                         token: str = "", free_space: Callable[[Path], int] = free_disk_bytes,
                         ) -> AsyncIterator[DownloadProgress]:
    """Download the catalogue model ``model_id`` into ``catalogue.folder_for(models_dir, model_id)``, yielding
    progress. Refuses before the first byte when the disk (``free_space``, a probe tests replace) lacks room.
    Cancel by cancelling the task that iterates: the .part file stays, and the next call resumes it."""
    entry, address = entry_for(model_id), endpoint_for(source, endpoint)
    folder = folder_for(models_dir, model_id)
    if installed_folder(models_dir, model_id) is not None:
        yield DownloadProgress(entry.download_bytes, entry.download_bytes, "", 0.0, 0.0)
        return
    repo = entry.modelscope_id if source == "modelscope" else entry.id
    async with _client(address, "" if source == "modelscope" else token) as client:
        name = ""  # the file being downloaded, for the message when the connection breaks
        try:
            files = wanted(await list_files(client, source, address, entry))
            folder.mkdir(parents=True, exist_ok=True)
            present = {file.path: _present(folder, file) for file in files}
            _check_room(entry, files, sum(file.size - present[file.path] for file in files), free_space(folder))
            meter = _Meter(sum(present.values()), sum(file.size for file in files))
            yield meter.value("")
            for current in files:
                if (folder / current.path).is_file() and present[current.path] == current.size:
                    continue
                name = current.path
                yield meter.value(name)  # which file is under way shows even when its bytes are slow to come
                async for count in _fetch(client, file_url(source, address, repo, name), folder, current, entry.gated):
                    if meter.add(count):
                        yield meter.value(name)
        except httpx2.TransportError as exc:
            raise network_error(exc, name) from exc
        except OSError as exc:  # a full disk, a folder that may not be written
            raise file_error(exc) from exc
    write_atomically(folder / COMPLETE_MARKER, json.dumps(
        {"model": entry.id, "source": source, "files": [{"path": f.path, "size": f.size} for f in files]}, indent=1))
    yield meter.value("")
