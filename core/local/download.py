"""Download a catalogue model's folder from ModelScope or the Hugging Face hub (or a mirror of it), resumably.

The two hubs' own clients (modelscope, huggingface_hub) would add large dependencies and their own caches; the few
requests needed are plain HTTP, so they are made here over httpx2, with every answer bounded and checked:

- Hugging Face lists a repo with ``GET {endpoint}/api/models/{repo}/tree/main?recursive=true``: a JSON array of
  ``{"type": "file"|"directory", "path", "size", "oid", "lfs": {"oid", "size", "pointerSize"}}``, paged through a
  ``Link: <…>; rel="next"`` header (huggingface_hub ``HfApi.list_repo_tree`` and ``RepoFile``, which reads
  ``lfs["oid"]`` as the file's sha256; ``oid`` alone is the git blob id, a sha1 of ``b"blob <size>\\0" + content``).
  Files come from ``{endpoint}/{repo}/resolve/main/{path}`` (``constants.HUGGINGFACE_CO_URL_TEMPLATE``).
- ModelScope lists with ``GET {endpoint}/api/v1/models/{repo}/repo/files?Revision=master&Recursive=true``:
  ``{"Code": 200, "Success": true, "Data": {"Files": [{"Name", "Path", "Size", "Sha256", "Type": "blob"|"tree",
  "Revision"}]}}`` (modelscope ``HubApi.get_model_files``; its ``file_integrity_validation`` checks ``Sha256``).
  Files come from ``{endpoint}/models/{repo}/resolve/master/{path}``, the address the web site's download links use
  (the library itself uses ``/api/v1/models/{repo}/repo?Revision=…&FilePath=…``, which serves the same bytes).

Each file goes to ``<name>.part`` first, resumes with an HTTP Range request, is checked against its size and digest,
then renamed. The folder is marked complete (``catalogue.COMPLETE_MARKER``) only when every file was verified.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx2

from core.errors import CoreError, NetworkError, file_error
from core.fileio import write_atomically
from core.i18n import tr
from core.local.catalogue import COMPLETE_MARKER, GB, CatalogueEntry, entry_for, folder_for, installed_folder
from core.local.hardware import DISK_MARGIN, free_disk_bytes
from core.logs import register_secret
from core.training.export import safe_name
from core.urls import is_loopback
from core.version import APP_ID, __version__

SOURCES = ("modelscope", "huggingface")
ENDPOINTS = {"huggingface": "https://huggingface.co", "modelscope": "https://www.modelscope.cn"}
HF_MIRROR = "https://hf-mirror.com"  # a public mirror of the Hugging Face hub, reachable from mainland China
PART_SUFFIX = ".part"
MIB = 1024 * 1024
LISTING_LIMIT = 8 * MIB  # a model repo's listing is a few KB; a larger one is refused unread
MAX_PAGES = 10  # listing pages followed (the hub sends 1,000 entries a page)
MAX_ENTRIES = 5000  # listed files and folders in all
MAX_FILE_BYTES = 100 * GB
CHUNK = MIB
PROGRESS_INTERVAL = 0.25  # seconds between progress values while bytes flow
# The files a transformers model folder needs at its top level; "original/" copies of the weights, other formats
# (.bin, .pth, .gguf, .onnx) and code files are left on the hub.
WANTED_SUFFIXES = (".json", ".safetensors", ".txt", ".model", ".tiktoken", ".jinja", ".md")
WANTED_NAMES = ("LICENSE",)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SHA1 = re.compile(r"^[0-9a-f]{40}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class DownloadError(CoreError):
    """A model download that could not finish; what was already verified (and any .part) stays for a retry."""


@dataclass(frozen=True)
class RemoteFile:
    path: str
    size: int
    sha256: str = ""  # the hub's sha256 of the content ("" when it gives none)
    git_sha1: str = ""  # or the git blob id of a small file the hub keeps in git itself


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


def endpoint_for(source: str, endpoint: str = "") -> str:
    """The hub's address: ``endpoint`` (a mirror) when given, else the source's own."""
    if source not in SOURCES:
        raise DownloadError(tr("Unknown download source {source}.").format(source=source[:40]),
                            tr("Choose ModelScope or Hugging Face."))
    address = (endpoint or ENDPOINTS[source]).strip().rstrip("/")
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise DownloadError(tr("The mirror address {address} is not a web address.").format(address=address[:200]),
                            tr("Write it like {example}.").format(example=HF_MIRROR))
    return address


def checked_path(raw: object) -> str:
    """A listed path, refused unless it is relative and stays inside the model folder (a hostile listing)."""
    if not isinstance(raw, str) or not raw or len(raw) > 1000 or raw.startswith("/") or "\\" in raw \
            or ":" in raw or _CONTROL.search(raw) or any(part in ("", ".", "..") for part in raw.split("/")):
        raise DownloadError(tr("The model hub listed a file outside the model's folder, so nothing was downloaded."),
                            tr("The hub or mirror is misbehaving; try the other source."), f"path {str(raw)[:300]!r}")
    return raw


def _listing_error(detail: str) -> DownloadError:
    return DownloadError(tr("The model hub's list of files was not understood."),
                         tr("Check the mirror address, or try the other source."), detail[:500])


def _size(raw: object) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= MAX_FILE_BYTES:
        raise _listing_error(f"size {str(raw)[:40]!r}")
    return raw


def _digest(raw: object, pattern: re.Pattern[str]) -> str:
    if raw in (None, ""):
        return ""
    if not isinstance(raw, str) or not pattern.match(raw.lower()):
        raise _listing_error(f"digest {str(raw)[:80]!r}")
    return raw.lower()


def hf_files(page: object) -> list[RemoteFile]:
    """Files of one page of the Hugging Face tree listing (folders skipped)."""
    if not isinstance(page, list):
        raise _listing_error("the tree listing is not a list")
    files = []
    for item in page:
        if not isinstance(item, dict):
            raise _listing_error("an entry is not an object")
        path = checked_path(item.get("path"))
        if item.get("type") != "file":
            continue
        lfs = item.get("lfs")
        sha256 = _digest(lfs.get("oid"), _SHA256) if isinstance(lfs, dict) else ""
        files.append(RemoteFile(path, _size(item.get("size")), sha256,
                                "" if sha256 else _digest(item.get("oid"), _SHA1)))
    return files


def modelscope_files(body: object) -> list[RemoteFile]:
    """Files of ModelScope's listing (folders skipped)."""
    data = body.get("Data") if isinstance(body, dict) else None
    listed = data.get("Files") if isinstance(data, dict) else None
    if not isinstance(body, dict) or body.get("Code") not in (200, None) or not isinstance(listed, list):
        message = body.get("Message") if isinstance(body, dict) else None
        raise _listing_error(f"ModelScope answered {str(message)[:300]!r}")
    files = []
    for item in listed[:MAX_ENTRIES + 1]:
        if not isinstance(item, dict):
            raise _listing_error("an entry is not an object")
        path = checked_path(item.get("Path") or item.get("Name"))
        if item.get("Type", "blob") == "blob":
            files.append(RemoteFile(path, _size(item.get("Size")), _digest(item.get("Sha256"), _SHA256)))
    return files


def wanted(files: list[RemoteFile]) -> tuple[RemoteFile, ...]:
    """The files a model folder needs: top level only, known kinds, names that are harmless on every system."""
    keep = [file for file in files if "/" not in file.path and safe_name(file.path) == file.path
            and (file.path.endswith(WANTED_SUFFIXES) or file.path in WANTED_NAMES)
            and not file.path.endswith(PART_SUFFIX) and file.path != COMPLETE_MARKER]
    if len({file.path.lower() for file in keep}) != len(keep):
        raise _listing_error("the listing names a file twice")
    if not any(file.path == "config.json" for file in keep):
        raise DownloadError(tr("The model hub has no config.json for this model, so it is not a model folder."),
                            tr("Try the other source."))
    return tuple(sorted(keep, key=lambda file: file.size))


def file_url(source: str, endpoint: str, repo: str, path: str) -> str:
    branch = "master" if source == "modelscope" else "main"
    prefix = f"{endpoint}/models/{repo}" if source == "modelscope" else f"{endpoint}/{repo}"
    return f"{prefix}/resolve/{branch}/{quote(path)}"


def _status_error(status: int, address: str, gated: bool) -> DownloadError:
    detail = f"HTTP {status} from {address[:300]}"
    if status in (401, 403) and gated:
        return DownloadError(tr("The Hugging Face hub asks you to accept this model's licence first ({status}).")
                             .format(status=status),
                             tr("Accept it on the model's page while signed in and give an access token, or "
                                "download it from ModelScope."), detail)
    if status in (401, 403, 404):
        return DownloadError(tr("The model hub does not offer this model at this address ({status}).").format(
                                 status=status),
                             tr("Check the mirror address, or try the other source."), detail)
    return DownloadError(tr("The model hub answered with an error ({status}).").format(status=status),
                         tr("This is usually temporary: try again later (the download resumes), or try the other "
                            "source."), detail)


def _network_error(exc: Exception, name: str) -> NetworkError:
    return NetworkError(tr("The download of {name} was interrupted.").format(name=name or tr("the file list")),
                        tr("Check the internet connection and the proxy, then start it again: it resumes where it "
                           "stopped."), f"{type(exc).__name__}: {exc}")


async def _read_capped(response: httpx2.Response, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _listing_error(f"Content-Length {declared[:30]}")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > limit:
            raise _listing_error(f"more than {limit} bytes")
    return bytes(body)


async def _get_json(client: httpx2.AsyncClient, url: str, gated: bool) -> tuple[Any, str]:
    """The JSON answer at ``url`` and the next page's address (Link header; "" when none)."""
    async with client.stream("GET", url) as response:
        if response.status_code != 200:
            raise _status_error(response.status_code, url, gated)
        raw = await _read_capped(response, LISTING_LIMIT)
        following = response.links.get("next", {}).get("url", "")
    try:
        return json.loads(raw), following
    except (ValueError, RecursionError) as exc:
        raise _listing_error(f"{type(exc).__name__}: {exc}") from exc


async def list_files(client: httpx2.AsyncClient, source: str, endpoint: str, entry: CatalogueEntry) -> list[RemoteFile]:
    """Every file the hub lists for ``entry`` (bounded in size, pages and entries; paths checked)."""
    if source == "modelscope":
        url = f"{endpoint}/api/v1/models/{entry.modelscope_id}/repo/files?Revision=master&Recursive=true"
        files = modelscope_files((await _get_json(client, url, False))[0])
    else:
        files = await _hf_listing(client, endpoint, entry)
    if len(files) > MAX_ENTRIES:  # a partial list could leave out weights, so a long one is refused, not cut
        raise _listing_error(f"more than {MAX_ENTRIES} files")
    return files


async def _hf_listing(client: httpx2.AsyncClient, endpoint: str, entry: CatalogueEntry) -> list[RemoteFile]:
    """The Hugging Face tree, page after page; every page must come from the hub itself (the token goes along)."""
    files: list[RemoteFile] = []
    url = f"{endpoint}/api/models/{entry.id}/tree/main?recursive=true"
    for _ in range(MAX_PAGES):
        page, url = await _get_json(client, url, entry.gated)
        files += hf_files(page)
        if not url:
            return files
        if urlsplit(url)[:2] != urlsplit(endpoint)[:2]:
            raise _listing_error(f"next page on another host: {url[:200]}")
    raise _listing_error(f"more than {MAX_PAGES} pages")


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
            raise _status_error(response.status_code, url, gated)
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
        raise _network_error(ConnectionError(f"{have} of {remote.size} bytes"), remote.path)
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
        raise _listing_error(f"{total} bytes listed for a model of about {entry.download_bytes}")
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
            raise _network_error(exc, name) from exc
        except OSError as exc:  # a full disk, a folder that may not be written
            raise file_error(exc) from exc
    write_atomically(folder / COMPLETE_MARKER, json.dumps(
        {"model": entry.id, "source": source, "files": [{"path": f.path, "size": f.size} for f in files]}, indent=1))
    yield meter.value("")
