"""/v1/files: upload (multipart, streamed to disk), list, get, content, delete."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import BinaryIO

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from core.local.server.context import local_of
from core.local.server.errors import ApiError, bad_request, not_found
from core.local.server.inputs import limited, whole_number
from core.local.server.shapes import file_json, list_json, page
from core.local.server.state import FileRecord, LocalState, new_id, now
from core.local.server.training_data import count_rows

MAX_FILE_BYTES = 1024**3  # 1 GiB: far more rows than a computer of one's own trains on in a day
FORM_OVERHEAD = 64 * 1024  # room for the multipart boundaries and headers around the data
PURPOSE = "fine-tune"
COPY_CHUNK = 1024 * 1024


def _save(source: BinaryIO, target: Path) -> tuple[int, int]:
    """Copy the spooled upload to its place; (bytes, rows)."""
    source.seek(0)
    with open(target, "wb") as out:
        shutil.copyfileobj(source, out, COPY_CHUNK)
        size = out.tell()
    return size, count_rows(target)


async def create_file(request: Request) -> JSONResponse:
    state = local_of(request).state
    body = await limited(request, MAX_FILE_BYTES + FORM_OVERHEAD)
    async with body.form(max_files=1, max_fields=8) as form:
        upload, purpose = form.get("file"), form.get("purpose")
        if not isinstance(upload, UploadFile):
            raise bad_request("Missing required parameter: 'file'.", "file")
        if not purpose:
            raise bad_request("Missing required parameter: 'purpose'.", "purpose")
        if purpose != PURPOSE:
            raise bad_request(f"Invalid value for 'purpose': '{str(purpose)[:100]}'; this server keeps fine-tune "
                              "files only.", "purpose")
        record = FileRecord(new_id("file-"), (upload.filename or "upload.jsonl")[:255], PURPOSE, 0, now())
        target = state.file_path(record.id)
        record.bytes, record.rows = await asyncio.to_thread(_save, upload.file, target)
    if record.bytes > MAX_FILE_BYTES:
        target.unlink(missing_ok=True)
        raise ApiError(413, "The file is larger than 1 GB.", code="file_too_large", param="file")
    state.add_file(record)
    return JSONResponse(file_json(record))


def file_of(state: LocalState, file_id: str) -> FileRecord:
    record = state.files.get(file_id)
    if record is None:
        raise not_found("file", file_id, "file_id")
    return record


async def list_files(request: Request) -> JSONResponse:
    state = local_of(request).state
    purpose = request.query_params.get("purpose")
    newest_first = request.query_params.get("order", "desc") != "asc"
    raw_limit = request.query_params.get("limit")
    limit = 10000 if raw_limit is None else whole_number(raw_limit, "limit", 1, 10000)
    with state.lock:
        records = sorted(state.files.values(), key=lambda f: (f.created_at, f.id), reverse=newest_first)
        data = [file_json(f) for f in records if not purpose or f.purpose == purpose]
    items, has_more = page(data, request.query_params.get("after"), limit)
    return JSONResponse(list_json(items, has_more, ids=True))


async def get_file(request: Request) -> JSONResponse:
    return JSONResponse(file_json(file_of(local_of(request).state, request.path_params["file_id"])))


async def file_content(request: Request) -> Response:
    state = local_of(request).state
    record = file_of(state, request.path_params["file_id"])
    media = "text/csv" if record.filename.endswith(".csv") else "application/octet-stream"
    return FileResponse(state.file_path(record.id), media_type=media)


async def delete_file(request: Request) -> JSONResponse:
    state = local_of(request).state
    record = file_of(state, request.path_params["file_id"])
    state.delete_file(record.id)
    return JSONResponse({"id": record.id, "object": "file", "deleted": True})


ROUTES = [
    Route("/files", create_file, methods=["POST"]),
    Route("/files", list_files, methods=["GET"]),
    Route("/files/{file_id}", get_file, methods=["GET"]),
    Route("/files/{file_id}", delete_file, methods=["DELETE"]),
    Route("/files/{file_id}/content", file_content, methods=["GET"]),
]
