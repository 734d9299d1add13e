"""What every Bailian answer looks like: a request id beside ``output`` or ``data``, times as local
"YYYY-MM-DD HH:MM:SS" text, pages counted by number."""

from __future__ import annotations

import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from sandbox.inputs import query_number

ACCOUNT = "1000000000000000"  # the account's numeric id: user_identity, creator and modifier of what it makes


def answer(key: str, value: Any) -> JSONResponse:
    return JSONResponse({"request_id": uuid.uuid4().hex, key: value})


def clock(seconds: float | None) -> str | None:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds)) if seconds else None


def page(request: Request, items: list[Any], key: str, page_size: int = 10) -> dict[str, Any]:
    page_no = query_number(request, "page_no", 1, 1, 10**6)
    size = query_number(request, "page_size", page_size, 1, 1000)
    return {"page_no": page_no, "page_size": size, "total": len(items),
            key: items[(page_no - 1) * size: page_no * size]}
