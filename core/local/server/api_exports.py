"""/v1/local/exports: a trained model written into a folder of this computer as a LoRA adapter, a merged model
folder or a GGUF file with an Ollama Modelfile. Each export runs in a process of its own (core.local.exporter) that
DELETE ends at once. The folder is a path on this computer, so only a client on this computer may ask."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.local.exporter import FORMATS
from core.local.server.context import local_of
from core.local.server.errors import ApiError, bad_request
from core.local.server.inputs import json_object
from core.local.server.model_dirs import answer_folders
from core.local.server.processes import child_options

KEPT = 20  # finished exports remembered for GET
EXPORT_LOG = "export.log"
OUTPUT_LIMIT = 64 * 1024  # the exporter's last line is small; its traceback goes to the log


@dataclass
class LocalExport:
    id: str
    model: str
    format: str
    folder: str
    status: str = "running"  # running | succeeded | failed | cancelled
    files: list[str] = field(default_factory=list)
    error: dict[str, str] | None = None
    process: asyncio.subprocess.Process | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "object": "local.export", "model": self.model, "format": self.format,
                "folder": self.folder, "status": self.status, "files": self.files, "error": self.error}


def exporter_command(kind: str, model_dir: str, adapter_dir: str | None, out: Path) -> list[str]:
    """The command that writes the export (a frozen build replaces this with its own executable)."""
    return [sys.executable, "-m", "core.local.exporter", kind, model_dir, adapter_dir or "-", str(out)]


def _free_folder(parent: Path, name: str) -> Path:
    """``parent/name``, or ``name-2``… when that is taken: an export never writes over an earlier one."""
    candidate, number = parent / name, 1
    while candidate.exists():
        number += 1
        candidate = parent / f"{name}-{number}"
    return candidate


def _folder_name(model: str, kind: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "-" for c in model.removeprefix("ft:"))[:80].strip("-.")
    return f"{cleaned or 'model'}-{kind}"


async def _run(item: LocalExport, command: list[str], log: Path) -> None:
    with open(log, "ab") as errors:  # the exporter's traceback, for a look when it fails
        item.process = await asyncio.create_subprocess_exec(*command, stdin=asyncio.subprocess.DEVNULL,
                                                            stdout=asyncio.subprocess.PIPE, stderr=errors,
                                                            **child_options())
        output, _ = await item.process.communicate()
    if item.status == "cancelled":
        return
    try:
        answer = json.loads(output[-OUTPUT_LIMIT:].decode("utf-8", "replace").strip().splitlines()[-1])
    except (ValueError, IndexError):
        answer = {"error": {"code": "internal", "message": "The export ended without saying how."}}
    if isinstance(answer.get("files"), list):
        item.status, item.files = "succeeded", [str(f) for f in answer["files"]][:1000]
    else:
        item.status, item.error = "failed", {k: str(v)[:1000] for k, v in dict(answer.get("error") or {}).items()}


def _exports(request: Request) -> dict[str, LocalExport]:
    found = getattr(request.app.state, "local_exports", None)
    if found is None:
        found = request.app.state.local_exports = {}
    return found


def _from_this_computer(request: Request) -> None:
    host = request.client.host if request.client else ""
    if host not in ("127.0.0.1", "::1", "localhost"):
        raise ApiError(403, "Exports write into a folder of this computer: ask from this computer.",
                       code="insufficient_permissions")


async def start_export(request: Request) -> JSONResponse:
    _from_this_computer(request)
    body = await json_object(request)
    model, kind, folder = (body.get(key) for key in ("model", "format", "folder"))
    if not isinstance(model, str) or not model:
        raise bad_request("'model' must be the name of a model.", "model")
    if kind not in FORMATS:
        raise bad_request(f"'format' must be one of {', '.join(FORMATS)}.", "format")
    if not isinstance(folder, str) or not Path(folder).is_absolute() or "\0" in folder:
        raise bad_request("'folder' must be the full path of a folder on this computer.", "folder")
    model_dir, adapter_dir = answer_folders(local_of(request), model)
    if adapter_dir is None and kind == "adapter":
        raise bad_request("A base model has no adapter to export; choose merged or gguf.", "format")
    out = _free_folder(Path(folder), _folder_name(model, kind))
    exports = _exports(request)
    for old in [key for key, item in exports.items() if item.status != "running"][:-KEPT]:
        del exports[old]
    item = LocalExport("ex-" + secrets.token_hex(8), model, kind, str(out))
    exports[item.id] = item
    task = asyncio.create_task(_run(item, exporter_command(kind, model_dir, adapter_dir, out),
                                    local_of(request).state_dir / EXPORT_LOG))
    request.app.state.local_export_tasks = {*getattr(request.app.state, "local_export_tasks", set()), task}
    return JSONResponse(item.to_dict())


def _export(request: Request) -> LocalExport:
    item = _exports(request).get(request.path_params["export_id"])
    if item is None:
        raise ApiError(404, f"No such export: '{request.path_params['export_id'][:100]}'", code="export_not_found")
    return item


async def export_status(request: Request) -> JSONResponse:
    return JSONResponse(_export(request).to_dict())


async def cancel_export(request: Request) -> JSONResponse:
    """End the export's process; what it wrote so far stays in its own folder."""
    item = _export(request)
    if item.status == "running" and item.process is not None:
        item.status = "cancelled"
        with contextlib.suppress(ProcessLookupError):
            item.process.kill()
    return JSONResponse(item.to_dict())


ROUTES = [
    Route("/local/exports", start_export, methods=["POST"]),
    Route("/local/exports/{export_id}", export_status, methods=["GET"]),
    Route("/local/exports/{export_id}", cancel_export, methods=["DELETE"]),
]
