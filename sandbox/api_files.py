"""/v1/files and /v1/uploads."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.dataset.check import MAX_FILE_BYTES
from sandbox.catalogue import new_id, now
from sandbox.context import sandbox_of
from sandbox.errors import bad_request, not_found
from sandbox.shapes import file_json, list_json, page, shaped
from sandbox.state import FileRecord, UploadRecord
from sandbox.validation import analyse_file

PURPOSES = ("fine-tune", "batch", "assistants", "user_data", "vision", "evals")
UPLOAD_LIFETIME = 3600


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
    form = await request.form()
    upload, purpose = form.get("file"), form.get("purpose")
    if upload is None or isinstance(upload, str):
        raise bad_request("Missing required parameter: 'file'.", "file")
    if not purpose:
        raise bad_request("Missing required parameter: 'purpose'.", "purpose")
    record = _store_file(request, upload.filename or "upload.jsonl", str(purpose), await upload.read())
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
    limit = int(request.query_params.get("limit", 10000))
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
    upload = sandbox_of(request).state.uploads.get(upload_id)
    if upload is None:
        raise not_found("upload", upload_id, "upload_id")
    if upload.status == "pending" and time.time() > upload.created_at + UPLOAD_LIFETIME:
        upload.status = "expired"
    if pending and upload.status != "pending":
        raise bad_request(f"Upload {upload_id} is {upload.status}.", "upload_id")
    return upload


async def create_upload(request: Request) -> JSONResponse:
    body = await request.json()
    for key in ("filename", "purpose", "bytes", "mime_type"):
        if key not in body:
            raise bad_request(f"Missing required parameter: '{key}'.", key)
    if int(body["bytes"]) > 8 * 1024**3:
        raise bad_request("An upload can be at most 8 GB.", "bytes")
    upload = UploadRecord(new_id("upload_"), body["filename"], body["purpose"], int(body["bytes"]),
                          body["mime_type"], now())
    sandbox_of(request).state.uploads[upload.id] = upload
    return JSONResponse(_upload_json(upload))


async def add_part(request: Request) -> JSONResponse:
    upload = _upload(request)
    form = await request.form()
    data = form.get("data")
    if data is None or isinstance(data, str):
        raise bad_request("Missing required parameter: 'data'.", "data")
    part_id = new_id("part_")
    upload.parts[part_id] = await data.read()
    return JSONResponse({"id": part_id, "object": "upload.part", "created_at": now(), "upload_id": upload.id})


async def complete_upload(request: Request) -> JSONResponse:
    upload = _upload(request)
    part_ids = (await request.json()).get("part_ids") or []
    missing = [p for p in part_ids if p not in upload.parts]
    if missing:
        raise bad_request(f"Unknown part ids: {', '.join(missing)}.", "part_ids")
    content = b"".join(upload.parts[p] for p in part_ids)
    if len(content) != upload.bytes:
        raise bad_request(f"The parts add up to {len(content)} bytes, not the {upload.bytes} announced.", "bytes")
    record = _store_file(request, upload.filename, upload.purpose, content)
    upload.status, upload.file_id, upload.parts = "completed", record.id, {}
    return JSONResponse(_upload_json(upload, file_json(record)))


async def cancel_upload(request: Request) -> JSONResponse:
    upload = _upload(request)
    upload.status, upload.parts = "cancelled", {}
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
