"""Small pieces the Together and Fireworks dialects share: ISO times, per-server scratch space, a job renamed to the
id its provider gives, and a chat request passed on to the OpenAI-compatible chat with another model name."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

from sandbox import api_chat
from sandbox.context import Sandbox
from sandbox.state import JobRecord


def iso(seconds: float | None) -> str | None:
    """``seconds`` as the RFC 3339 text these APIs send ("2025-01-02T03:04:05.000Z")."""
    if seconds is None:
        return None
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def scratch(request: Request, name: str) -> dict[str, Any]:
    """A dict kept on this server's app for as long as it runs (what the shared state does not keep: uploads in
    progress, datasets still waiting for their file)."""
    found = getattr(request.app.state, name, None)
    if found is None:
        found = {}
        setattr(request.app.state, name, found)
    return found


def rename_job(sandbox: Sandbox, job: JobRecord, job_id: str) -> JobRecord:
    """The job under the id its provider gives (Together's ft-…, the id a Fireworks client chose)."""
    with sandbox.state.lock:
        sandbox.state.jobs.pop(job.id, None)
        for event in job.events:
            event["message"] = event["message"].replace(job.id, job_id)
        job.id = job_id
        sandbox.state.jobs[job_id] = job
        sandbox.state.save()
    return job


async def chat_as(request: Request, body: dict[str, Any], model: str) -> Response:
    """The OpenAI-compatible chat answering ``body`` as if it had asked for ``model`` (a deployment's model)."""
    data = json.dumps(body | {"model": model}).encode()
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": data, "more_body": False}

    return await api_chat.chat_completions(Request(request.scope, receive))
