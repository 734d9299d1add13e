"""The zero-cost "can this account still train?" probe, against the Sandbox (open, and closed through its
fault knob) and small local servers answering in other ways; and the days-left counts of OpenAI's dates."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from dataclasses import replace

import pytest

from core import deadlines
from core.connection import Layer, check_connection
from core.errors import CoreError
from core.providers import provider_for
from core.providers.base import Access
from core.providers.openai_api import PROBE_FILE
from core.settings import ProfileKind, new_profile
from core.training.start import StartRequest, start_job
from sandbox.server import SandboxServer
from tests.sandbox.conftest import chat_rows, jsonl
from tests.servers import MODELS_BODY, QuietHandler, serve

KEY = "sk-test-0123456789abcdef"


def openai_profile(base_url: str, kind: str = ProfileKind.OPENAI):
    return replace(new_profile(kind, "Test"), base_url=base_url, timeout=10.0)


def close_fine_tuning(server: SandboxServer, closed: bool = True) -> None:
    request = urllib.request.Request(server.origin + "/_sandbox/faults", method="PUT",
                                     data=json.dumps({"fine_tuning_closed": closed}).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.loads(answer.read())["fine_tuning_closed"] is closed


@pytest.fixture
def sandbox():
    with SandboxServer(job_seconds=1.0) as server:
        yield server


async def access_of(base_url: str, kind: str = ProfileKind.OPENAI):
    provider = provider_for(openai_profile(base_url, kind), KEY)
    try:
        return await provider.training_access()
    finally:
        await provider.close()


async def test_the_sandbox_says_open_then_closed_with_the_fault(sandbox):
    access = await access_of(sandbox.base_url)
    assert access.access is Access.OPEN and PROBE_FILE in access.detail
    close_fine_tuning(sandbox)
    access = await access_of(sandbox.base_url)
    assert access.access is Access.CLOSED and "not allowed to create fine-tuning jobs" in access.detail
    close_fine_tuning(sandbox, False)
    assert (await access_of(sandbox.base_url)).access is Access.OPEN


async def test_a_sandbox_profile_is_probed_and_other_providers_are_not(sandbox):
    assert (await access_of(sandbox.base_url, ProfileKind.SANDBOX)).access is Access.OPEN
    assert await access_of(sandbox.base_url, ProfileKind.COMPATIBLE) is None


async def test_the_connection_test_shows_the_layer(sandbox):
    report = await check_connection(openai_profile(sandbox.base_url), KEY)
    assert report.ok and report.results[-1].layer is Layer.TRAINING and not report.results[-1].warning
    close_fine_tuning(sandbox)
    report = await check_connection(openai_profile(sandbox.base_url), KEY)
    last = report.results[-1]
    assert report.ok  # the connection itself works
    assert (last.layer, last.warning) == (Layer.TRAINING, True)
    assert "can no longer create fine-tuning jobs" in last.message and "another provider" in last.hint
    compatible = await check_connection(openai_profile(sandbox.base_url, ProfileKind.COMPATIBLE), KEY)
    assert Layer.TRAINING not in [r.layer for r in compatible.results]


async def test_a_closed_account_is_told_before_anything_is_uploaded(sandbox, tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_bytes(jsonl(chat_rows(12, "en")))
    close_fine_tuning(sandbox)
    asked = []

    async def confirm(plan):
        asked.append(plan)
        return True

    provider = provider_for(openai_profile(sandbox.base_url), KEY)
    try:
        with pytest.raises(CoreError, match="can no longer create fine-tuning jobs"):
            await start_job(provider, StartRequest(path, "gpt-4o-mini-2024-07-18"), confirm)
        assert asked == [] and await provider.list_files() == []
    finally:
        await provider.close()


class Answers(QuietHandler):
    """POST /v1/fine_tuning/jobs answers ``status``/``body``; cancels are counted."""

    status, body = 400, ""
    cancelled: list[str] = []

    def do_GET(self) -> None:
        self.reply(200, MODELS_BODY.encode())

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path.endswith("/cancel"):
            Answers.cancelled.append(self.path.split("/")[-2])
            self.reply(200, json.dumps(JOB | {"status": "cancelled"}).encode())
            return
        self.reply(self.status, self.body.encode())


JOB = {"id": "ftjob-gateway", "object": "fine_tuning.job", "model": "gpt-4o-mini-2024-07-18", "created_at": 1,
       "status": "validating_files", "training_file": PROBE_FILE, "hyperparameters": {}, "result_files": [],
       "seed": 1, "organization_id": "org"}


def error(message: str, code: str | None = None, param: str | None = None, kind: str = "invalid_request_error"):
    return json.dumps({"error": {"message": message, "type": kind, "param": param, "code": code}})


@pytest.mark.parametrize(("status", "body", "expected"), [
    (404, error(f"No such File object: {PROBE_FILE}", None, "training_file"), Access.OPEN),
    (400, error(f"Invalid file '{PROBE_FILE}'.", "invalid_training_file"), Access.OPEN),
    (403, error("You are not allowed to create fine-tuning jobs.", None, None, "permission_error"), Access.CLOSED),
    (400, error("Fine-tuning is no longer available for this organization."), Access.CLOSED),
    (403, error("You have insufficient permissions for this operation. Missing scopes: api.fine_tuning.jobs.write"),
     Access.UNKNOWN),
    (500, error("The server had an error."), Access.UNKNOWN),
    (400, error("Model gpt-4o-mini-2024-07-18 is not available for fine-tuning or does not exist.",
                "model_not_available", "model"), Access.UNKNOWN),
])
async def test_other_answers_are_classified(status, body, expected):
    Answers.status, Answers.body = status, body
    with serve(Answers) as origin:
        access = await access_of(origin + "/v1")
    assert access.access is expected


async def test_a_gateway_that_creates_the_job_gets_it_cancelled_and_says_unknown():
    Answers.status, Answers.body, Answers.cancelled = 200, json.dumps(JOB), []
    with serve(Answers) as origin:
        access = await access_of(origin + "/v1")
    assert access.access is Access.UNKNOWN and "ftjob-gateway" in access.detail
    assert Answers.cancelled == ["ftjob-gateway"]


@pytest.fixture
def on_day():
    previous = deadlines.today

    def set_day(day: str) -> None:
        deadlines.set_clock(lambda: dt.date.fromisoformat(day))

    yield set_day
    deadlines.set_clock(previous)


def test_days_left_follow_the_clock(on_day):
    on_day("2026-12-01")
    assert deadlines.shutdown_date("ft:gpt-4o-mini-2024-07-18:org:v1:abc") == "2027-01-14"
    assert deadlines.shutdown_text("2027-01-14") == "in 44 days"
    assert deadlines.job_creation_text() == "New fine-tuning jobs can be created until 6 January 2027 (36 days)."
    on_day("2027-01-14")
    assert deadlines.shutdown_text("2027-01-14") == "today"
    on_day("2027-01-15")
    assert deadlines.shutdown_text("2027-01-14") == "shut down"
    assert "stopped" in deadlines.job_creation_text()
    assert deadlines.shutdown_text(None) == deadlines.shutdown_text("<b>soon</b>") == ""
