"""What a model hub offers: ModelScope's and the Hugging Face hub's addresses (or a mirror's), the file listing of a
model repo read with every answer bounded and every path checked, the files a model folder needs, and the errors
the hubs' answers turn into. core.local.download fetches the files.


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
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx2

from core.errors import CoreError, NetworkError
from core.i18n import tr
from core.local.catalogue import COMPLETE_MARKER, GB, CatalogueEntry
from core.training.export import safe_name

SOURCES = ("modelscope", "huggingface")
ENDPOINTS = {"huggingface": "https://huggingface.co", "modelscope": "https://www.modelscope.cn"}
HF_MIRROR = "https://hf-mirror.com"  # a public mirror of the Hugging Face hub, reachable from mainland China
PART_SUFFIX = ".part"
MIB = 1024 * 1024
LISTING_LIMIT = 8 * MIB  # a model repo's listing is a few KB; a larger one is refused unread
MAX_PAGES = 10  # listing pages followed (the hub sends 1,000 entries a page)
MAX_ENTRIES = 5000  # listed files and folders in all
MAX_FILE_BYTES = 100 * GB
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


def listing_error(detail: str) -> DownloadError:
    return DownloadError(tr("The model hub's list of files was not understood."),
                         tr("Check the mirror address, or try the other source."), detail[:500])


def _size(raw: object) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= MAX_FILE_BYTES:
        raise listing_error(f"size {str(raw)[:40]!r}")
    return raw


def _digest(raw: object, pattern: re.Pattern[str]) -> str:
    if raw in (None, ""):
        return ""
    if not isinstance(raw, str) or not pattern.match(raw.lower()):
        raise listing_error(f"digest {str(raw)[:80]!r}")
    return raw.lower()


def hf_files(page: object) -> list[RemoteFile]:
    """Files of one page of the Hugging Face tree listing (folders skipped)."""
    if not isinstance(page, list):
        raise listing_error("the tree listing is not a list")
    files = []
    for item in page:
        if not isinstance(item, dict):
            raise listing_error("an entry is not an object")
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
        raise listing_error(f"ModelScope answered {str(message)[:300]!r}")
    files = []
    for item in listed[:MAX_ENTRIES + 1]:
        if not isinstance(item, dict):
            raise listing_error("an entry is not an object")
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
        raise listing_error("the listing names a file twice")
    if not any(file.path == "config.json" for file in keep):
        raise DownloadError(tr("The model hub has no config.json for this model, so it is not a model folder."),
                            tr("Try the other source."))
    return tuple(sorted(keep, key=lambda file: file.size))


def file_url(source: str, endpoint: str, repo: str, path: str) -> str:
    branch = "master" if source == "modelscope" else "main"
    prefix = f"{endpoint}/models/{repo}" if source == "modelscope" else f"{endpoint}/{repo}"
    return f"{prefix}/resolve/{branch}/{quote(path)}"


def status_error(status: int, address: str, gated: bool) -> DownloadError:
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


def network_error(exc: Exception, name: str) -> NetworkError:
    return NetworkError(tr("The download of {name} was interrupted.").format(name=name or tr("the file list")),
                        tr("Check the internet connection and the proxy, then start it again: it resumes where it "
                           "stopped."), f"{type(exc).__name__}: {exc}")


async def _read_capped(response: httpx2.Response, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise listing_error(f"Content-Length {declared[:30]}")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > limit:
            raise listing_error(f"more than {limit} bytes")
    return bytes(body)


async def _get_json(client: httpx2.AsyncClient, url: str, gated: bool) -> tuple[Any, str]:
    """The JSON answer at ``url`` and the next page's address (Link header; "" when none)."""
    async with client.stream("GET", url) as response:
        if response.status_code != 200:
            raise status_error(response.status_code, url, gated)
        raw = await _read_capped(response, LISTING_LIMIT)
        following = response.links.get("next", {}).get("url", "")
    try:
        return json.loads(raw), following
    except (ValueError, RecursionError) as exc:
        raise listing_error(f"{type(exc).__name__}: {exc}") from exc


async def list_files(client: httpx2.AsyncClient, source: str, endpoint: str, entry: CatalogueEntry) -> list[RemoteFile]:
    """Every file the hub lists for ``entry`` (bounded in size, pages and entries; paths checked)."""
    if source == "modelscope":
        url = f"{endpoint}/api/v1/models/{entry.modelscope_id}/repo/files?Revision=master&Recursive=true"
        files = modelscope_files((await _get_json(client, url, False))[0])
    else:
        files = await _hf_listing(client, endpoint, entry)
    if len(files) > MAX_ENTRIES:  # a partial list could leave out weights, so a long one is refused, not cut
        raise listing_error(f"more than {MAX_ENTRIES} files")
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
            raise listing_error(f"next page on another host: {url[:200]}")
    raise listing_error(f"more than {MAX_PAGES} pages")
