"""/v1/files and /v1/uploads."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path
from typing import Any, BinaryIO

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.catalogue import new_id, now
from sandbox.context import sandbox_of
from sandbox.errors import ApiError, bad_request, not_found
from sandbox.inputs import (
    FORM_OVERHEAD,
    MAX_FILE_BYTES,
    json_object,
    limited,
    query_number,
    refuse_if_declared_over,
    required_text,
    whole_number,
)
from sandbox.shapes import file_json, list_json, page, shaped
from sandbox.state import COPY_CHUNK, FileRecord, UploadRecord
from sandbox.validation import analyse_file

PURPOSES = ("fine-tune", "batch", "assistants", "user_data", "vision", "evals")
UPLOAD_LIFETIME = 3600
MAX_UPLOAD_BYTES = 8 * 1024**3  # the Uploads API's limit
MAX_PART_BYTES = 64 * 1024**2  # the Uploads API's limit per part


def _store_file(request: Request, filename: str, purpose: str, content: bytes) -> FileRecord:
    if purpose not in PURPOSES:
        raise bad_request(f"Invalid value for 'purpose': '{purpose}'.", "purpose")
    if len(content) > MAX_FILE_BYTES:
        raise bad_request("File is larger than 512 MB; use the Uploads API.", "file", "file_too_large")
    facts = analyse_file(content) if purpose == "fine-tune" else None
    record = FileRecord(new_id("file-"), filename, purpose, len(content), now(), facts)
    sandbox_of(request).state.add_file(record, content)
    return record


async def create_file(request: Request) -> JSONResponse:
    error = bad_request("File is larger than 512 MB; use the Uploads API.", "file", "file_too_large")
    await refuse_if_declared_over(request, MAX_FILE_BYTES + FORM_OVERHEAD, error)
    async with limited(request, MAX_FILE_BYTES + FORM_OVERHEAD, error).form(max_files=1, max_fields=8) as form:
        upload, purpose = form.get("file"), form.get("purpose")
        if not isinstance(upload, UploadFile):
            raise bad_request("Missing required parameter: 'file'.", "file")
        if not purpose:
            raise bad_request("Missing required parameter: 'purpose'.", "purpose")
        content = await upload.read()
    record = _store_file(request, upload.filename or "upload.jsonl", str(purpose), content)
    return JSONResponse(file_json(record))


def _file(request: Request) -> FileRecord:
    file_id = request.path_params["file_id"]
    record = sandbox_of(request).state.files.get(file_id)
    if record is None:
        raise not_found("file", file_id, "file_id")
    return record


async def list_files(request: Request) -> JSONResponse:
    state = sandbox_of(request).state
    purpose = request.query_params.get("purpose")
    order = request.query_params.get("order", "desc")
    limit = query_number(request, "limit", 10000, 1, 10000)
    with state.lock:
        records = sorted(state.files.values(), key=lambda f: f.created_at, reverse=order != "asc")
    data = [file_json(f) for f in records if not purpose or f.purpose == purpose]
    items, has_more = page(data, request.query_params.get("after"), limit)
    return JSONResponse(list_json(items, has_more, ids=True))


async def get_file(request: Request) -> JSONResponse:
    return JSONResponse(file_json(_file(request)))


async def file_content(request: Request) -> Response:
    record = _file(request)
    content = sandbox_of(request).state.contents.get(record.id, b"")
    media = "text/csv" if record.filename.endswith(".csv") else "application/octet-stream"
    return Response(content, media_type=media)


async def delete_file(request: Request) -> JSONResponse:
    record = _file(request)
    sandbox_of(request).state.delete_file(record.id)
    return JSONResponse({"id": record.id, "object": "file", "deleted": True})


# -- uploads: a large file sent in parts, assembled on completion ----------------------------------
def _upload_json(upload: UploadRecord, file: dict | None = None) -> dict:
    from openai.types import Upload

    return shaped(Upload, {"id": upload.id, "object": "upload", "bytes": upload.bytes,
                           "created_at": upload.created_at, "expires_at": upload.created_at + UPLOAD_LIFETIME,
                           "filename": upload.filename, "purpose": upload.purpose, "status": upload.status,
                           "file": file})


def _upload(request: Request, pending: bool = True) -> UploadRecord:
    upload_id = request.path_params["upload_id"]
    state = sandbox_of(request).state
    upload = state.uploads.get(upload_id)
    if upload is None:
        raise not_found("upload", upload_id, "upload_id")
    if upload.status == "pending" and time.time() > upload.created_at + UPLOAD_LIFETIME:
        upload.status = "expired"
        state.drop_parts(upload)
    if pending and upload.status != "pending":
        raise bad_request(f"Upload {upload_id} is {upload.status}.", "upload_id")
    return upload


async def create_upload(request: Request) -> JSONResponse:
    body = await json_object(request)
    filename, purpose = required_text(body, "filename"), required_text(body, "purpose")
    mime_type = required_text(body, "mime_type")
    if "bytes" not in body:
        raise bad_request("Missing required parameter: 'bytes'.", "bytes")
    size = whole_number(body["bytes"], "bytes", 1, MAX_UPLOAD_BYTES)
    if purpose not in PURPOSES:
        raise bad_request(f"Invalid value for 'purpose': '{purpose}'.", "purpose")
    upload = UploadRecord(new_id("upload_"), filename, purpose, size, mime_type, now())
    sandbox_of(request).state.uploads[upload.id] = upload
    return JSONResponse(_upload_json(upload))


def _too_large(upload: UploadRecord) -> ApiError:
    return bad_request(f"The parts would add up to more than the {upload.bytes} bytes this upload announced "
                       f"(or a part is over {MAX_PART_BYTES // 1024**2} MB).", "data", "upload_too_large")


def _save_part(source: BinaryIO, path: Path) -> int:
    source.seek(0)
    with open(path, "wb") as out:
        shutil.copyfileobj(source, out, COPY_CHUNK)
        return out.tell()


async def add_part(request: Request) -> JSONResponse:
    """A part is spooled to disk while it arrives and checked against what the upload announced: a part that
    would make the upload larger is refused, before its body is read when its length says so."""
    upload = _upload(request)
    state = sandbox_of(request).state
    limit = min(upload.bytes - upload.received, MAX_PART_BYTES) + FORM_OVERHEAD
    error = _too_large(upload)
    await refuse_if_declared_over(request, limit, error)
    async with limited(request, limit, error).form(max_files=1, max_fields=8) as form:
        data = form.get("data")
        if not isinstance(data, UploadFile):
            raise bad_request("Missing required parameter: 'data'.", "data")
        part_id = new_id("part_")
        path = state.part_path(upload.id, part_id)
        size = await asyncio.to_thread(_save_part, data.file, path)
    with state.lock:
        if size > MAX_PART_BYTES or upload.received + size > upload.bytes or upload.status != "pending":
            path.unlink(missing_ok=True)
            raise error if upload.status == "pending" else bad_request(f"Upload {upload.id} is {upload.status}.")
        upload.parts[part_id] = size
    return JSONResponse({"id": part_id, "object": "upload.part", "created_at": now(), "upload_id": upload.id})


def _part_ids(body: dict[str, Any], upload: UploadRecord) -> list[str]:
    part_ids = body.get("part_ids")
    if not isinstance(part_ids, list) or not part_ids or not all(isinstance(p, str) for p in part_ids):
        raise bad_request("'part_ids' must be a non-empty list of part ids.", "part_ids")
    if len(set(part_ids)) != len(part_ids):
        raise bad_request("'part_ids' names a part more than once.", "part_ids")
    missing = [p for p in part_ids if p not in upload.parts]
    if missing:
        raise bad_request(f"Unknown part ids: {', '.join(missing)}.", "part_ids")
    return part_ids


async def complete_upload(request: Request) -> JSONResponse:
    upload = _upload(request)
    state = sandbox_of(request).state
    part_ids = _part_ids(await json_object(request), upload)
    total = sum(upload.parts[p] for p in part_ids)
    if total != upload.bytes:
        raise bad_request(f"The parts add up to {total} bytes, not the {upload.bytes} announced.", "bytes")
    if total > MAX_FILE_BYTES:  # refused before any of it is read into memory
        raise bad_request("The Sandbox keeps files of at most 512 MB.", "bytes", "file_too_large")
    content = await asyncio.to_thread(state.read_parts, upload, part_ids)
    record = _store_file(request, upload.filename, upload.purpose, content)
    state.drop_parts(upload)
    upload.status, upload.file_id = "completed", record.id
    return JSONResponse(_upload_json(upload, file_json(record)))


async def cancel_upload(request: Request) -> JSONResponse:
    upload = _upload(request)
    sandbox_of(request).state.drop_parts(upload)
    upload.status = "cancelled"
    return JSONResponse(_upload_json(upload))


ROUTES = [
    Route("/files", create_file, methods=["POST"]),
    Route("/files", list_files, methods=["GET"]),
    Route("/files/{file_id}", get_file, methods=["GET"]),
    Route("/files/{file_id}", delete_file, methods=["DELETE"]),
    Route("/files/{file_id}/content", file_content, methods=["GET"]),
    Route("/uploads", create_upload, methods=["POST"]),
    Route("/uploads/{upload_id}/parts", add_part, methods=["POST"]),
    Route("/uploads/{upload_id}/complete", complete_upload, methods=["POST"]),
    Route("/uploads/{upload_id}/cancel", cancel_upload, methods=["POST"]),
]
