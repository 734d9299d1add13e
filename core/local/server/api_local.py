"""The local server's own routes (mounted under /v1): what this computer can train, the base-model catalogue, and
base-model downloads that run in the server, so they go on while the app's window is closed or busy.

The app puts the models folder on ``request.app.state.local.models_dir``; the downloads in progress and the GPU
probe's answer are kept on ``request.app.state`` too, created on first use.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import secrets
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.errors import CoreError
from core.i18n import current_language
from core.local import hardware
from core.local.catalogue import CatalogueEntry, catalogue, find, folder_for, installed_folder
from core.local.download import DownloadError, DownloadProgress, default_source, download_model
from core.local.errors import ENGINE_PACKAGES
from core.local.hub import SOURCES, endpoint_for
from core.local.server.errors import ApiError, bad_request
from core.local.server.inputs import json_object

log = logging.getLogger(__name__)
KEPT_FINISHED = 50  # finished downloads remembered for GET; older ones are forgotten


@dataclass
class LocalDownload:
    id: str
    model: str
    source: str
    status: str = "running"  # running | succeeded | failed | cancelled
    progress: DownloadProgress | None = None
    error: dict[str, str] | None = None
    task: asyncio.Task | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        progress = asdict(self.progress) if self.progress else {
            "done_bytes": 0, "total_bytes": 0, "file": "", "bytes_per_second": 0.0, "eta_seconds": None}
        return {"id": self.id, "object": "local.download", "model": self.model, "source": self.source,
                "status": self.status, **progress, "error": self.error}


class Downloads:
    """The server's downloads: at most one per model at a time, each an asyncio task that cancelling stops."""

    def __init__(self) -> None:
        self.items: dict[str, LocalDownload] = {}

    def running(self, model: str) -> LocalDownload | None:
        return next((item for item in self.items.values() if item.model == model and item.status == "running"), None)

    def start(self, model: str, models_dir: Path, source: str, endpoint: str, token: str) -> LocalDownload:
        self._forget_old()
        item = LocalDownload("dl-" + secrets.token_hex(8), model, source)
        item.task = asyncio.create_task(self._run(item, models_dir, endpoint, token), name=f"download {model}")
        self.items[item.id] = item
        return item

    async def _run(self, item: LocalDownload, models_dir: Path, endpoint: str, token: str) -> None:
        try:
            async for progress in download_model(item.model, models_dir, item.source, endpoint, token):
                item.progress = progress
            item.status = "succeeded"
        except asyncio.CancelledError:
            item.status = "cancelled"
            raise
        except CoreError as exc:
            log.warning("download of %s failed: %s %s", item.model, exc, exc.detail)
            item.status, item.error = "failed", {"message": exc.user_message, "hint": exc.hint}
        except Exception as exc:  # a bug must end as a failed download, not as a task nobody reads
            log.exception("download of %s failed", item.model)
            item.status, item.error = "failed", {"message": f"{type(exc).__name__}: {exc}"[:500], "hint": ""}

    def _forget_old(self) -> None:
        finished = [key for key, item in self.items.items() if item.status != "running"]
        for key in finished[:max(0, len(finished) - KEPT_FINISHED)]:
            del self.items[key]


def _models_dir(request: Request) -> Path:
    local = getattr(request.app.state, "local", None)
    folder = getattr(local, "models_dir", None)
    if folder is None:
        raise ApiError(500, "The server was started without a models folder.", type_="server_error")
    return Path(folder)


def _downloads(request: Request) -> Downloads:
    downloads = getattr(request.app.state, "local_downloads", None)
    if downloads is None:
        downloads = request.app.state.local_downloads = Downloads()
    return downloads


async def _hardware(request: Request) -> hardware.Hardware:
    """This computer, with the GPU probe (seconds) run once per server and memory and free disk read afresh."""
    state = request.app.state
    if getattr(state, "local_gpus", None) is None:
        lock = getattr(state, "local_gpus_lock", None) or asyncio.Lock()
        state.local_gpus_lock = lock
        async with lock:
            if getattr(state, "local_gpus", None) is None:
                state.local_gpus = await asyncio.to_thread(hardware.probe_gpus)
    return await asyncio.to_thread(hardware.detect, _models_dir(request), lambda: state.local_gpus)


def engine_status() -> dict[str, Any]:
    """Whether the training engine is installed, found without importing it (torch alone takes seconds)."""
    missing = [name for name in ENGINE_PACKAGES if importlib.util.find_spec(name) is None]
    return {"available": not missing, "missing": missing}


def _entry_dict(entry: CatalogueEntry, models_dir: Path, computer: hardware.Hardware) -> dict[str, Any]:
    installed = installed_folder(models_dir, entry.id) is not None
    fit = hardware.check(entry, computer, installed=installed)
    return {**asdict(entry), "object": "local.base_model", "installed": installed, "fit": asdict(fit),
            "tokens_per_second": hardware.throughput(fit.device, entry.parameters)}


async def info(request: Request) -> JSONResponse:
    computer = await _hardware(request)
    return JSONResponse({"engine": engine_status(), "hardware": computer.to_dict(),
                         "models_dir": str(_models_dir(request))})


async def catalogue_list(request: Request) -> JSONResponse:
    computer, models_dir = await _hardware(request), _models_dir(request)
    return JSONResponse({"object": "list", "data": [_entry_dict(entry, models_dir, computer)
                                                    for entry in catalogue()]})


def _text(body: dict[str, Any], key: str, default: str = "") -> str:
    value = body.get(key)
    if value is None:
        return default
    if not isinstance(value, str) or len(value) > 2000:
        raise bad_request(f"'{key}' must be a string.", key)
    return value


def _catalogue_entry(model_id: str) -> CatalogueEntry:
    entry = find(model_id)
    if entry is None:
        raise ApiError(404, f"'{model_id[:200]}' is not in the catalogue of base models.", code="model_not_found",
                       param="model")
    return entry


async def start_download(request: Request) -> JSONResponse:
    """Start (or join) the download of a catalogue model, after checking that it fits this computer at all."""
    body = await json_object(request)
    entry = _catalogue_entry(_text(body, "model"))
    source = _text(body, "source", default_source(current_language()))
    if source not in SOURCES:
        raise bad_request(f"'source' must be one of {', '.join(SOURCES)}.", "source")
    try:
        endpoint = endpoint_for(source, _text(body, "endpoint"))
    except DownloadError as exc:
        raise bad_request(str(exc), "endpoint") from exc
    downloads, models_dir = _downloads(request), _models_dir(request)
    if (joined := downloads.running(entry.id)) is not None:
        return JSONResponse(joined.to_dict())
    if installed_folder(models_dir, entry.id) is None:
        fit = hardware.check(entry, await _hardware(request))
        if not fit.fits:
            raise ApiError(400, fit.reason, code="model_does_not_fit", param="model")
    item = downloads.start(entry.id, models_dir, source, endpoint, _text(body, "token"))
    return JSONResponse(item.to_dict())


def _download(request: Request) -> LocalDownload:
    item = _downloads(request).items.get(request.path_params["download_id"])
    if item is None:
        raise ApiError(404, f"No such download: '{request.path_params['download_id'][:100]}'",
                       code="download_not_found")
    return item


async def download_status(request: Request) -> JSONResponse:
    return JSONResponse(_download(request).to_dict())


async def cancel_download(request: Request) -> JSONResponse:
    """Stop a download; its .part files stay, so starting it again resumes."""
    item = _download(request)
    if item.status == "running" and item.task is not None:
        item.task.cancel()
        await asyncio.gather(item.task, return_exceptions=True)
    return JSONResponse(item.to_dict())


async def remove_model(request: Request) -> JSONResponse:
    """Delete a downloaded base model's folder (complete or not)."""
    model_id = request.path_params["model_id"]
    _catalogue_entry(model_id)
    if _downloads(request).running(model_id) is not None:
        raise bad_request("This model is still downloading: cancel the download first.", "model",
                          "download_in_progress")
    folder = folder_for(_models_dir(request), model_id)
    if not folder.is_dir():
        raise ApiError(404, f"'{model_id[:200]}' is not downloaded.", code="model_not_found", param="model")
    await asyncio.to_thread(shutil.rmtree, folder)
    return JSONResponse({"id": model_id, "object": "local.base_model", "deleted": True})


ROUTES = [
    Route("/local/info", info, methods=["GET"]),
    Route("/local/catalogue", catalogue_list, methods=["GET"]),
    Route("/local/downloads", start_download, methods=["POST"]),
    Route("/local/downloads/{download_id}", download_status, methods=["GET"]),
    Route("/local/downloads/{download_id}", cancel_download, methods=["DELETE"]),
    Route("/local/models/{model_id:path}", remove_model, methods=["DELETE"]),
]
