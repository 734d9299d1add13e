"""Servers that misbehave on purpose (issue 16): ids that are paths, answers of 10 GB, streams that never end,
pages that repeat for ever, a million jobs for `--limit 20`, dates of ``inf``. Each is a real HTTP server on
127.0.0.1; every body and loop it runs is bounded, so a test that goes wrong still ends."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from core.chat import AnswerLimits, AnswerStoppedError, ChatRequest, ask
from core.client import MIB, ResponseTooLargeError, response_limit
from core.clock import local_time
from core.errors import CoreError, GatewayError
from core.providers.bailian_payloads import events_from_logs, points_from_logs
from core.providers.base import all_pages
from core.providers.metrics import point
from core.providers.openai_api import OpenAIProvider
from core.providers.payloads import checkpoint_from_openai, job_from_openai, number, timestamp
from core.settings import ProfileKind, new_profile
from core.training.export import MAX_NAME, export_all, folder_names, safe_name
from tests.cli.test_cli import run
from tests.servers import serve

Reply = Callable[[BaseHTTPRequestHandler], None]
WRITE_BOUND = 64 * MIB  # the most any endless answer below writes before it gives up by itself
STREAM_SECONDS = 20.0  # ...or the longest it keeps writing


class Log:
    """What a hostile server saw and did."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.written = 0
        self.finished = threading.Event()  # an endless answer stopped (the client hung up, or the bound)


def handler(routes: dict[str, Reply], log: Log) -> type[BaseHTTPRequestHandler]:
    """Answers a request with the first route whose key ends its path (the query left out)."""

    class Hostile(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            log.paths.append(self.path)
            reply = next((reply for end, reply in routes.items() if path.endswith(end)), None)
            if reply is None:
                json_reply('{"error": {"message": "no such route"}}', status=404)(self)
            else:
                reply(self)

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    return Hostile


@contextmanager
def hostile(routes: dict[str, Reply]) -> Iterator[tuple[str, Log]]:
    log = Log()
    with serve(handler(routes, log)) as origin:
        yield origin + "/v1", log


def json_reply(body: str | bytes, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    data = body.encode() if isinstance(body, str) else body

    def reply(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        for name, value in {"Content-Length": str(len(data)), **(headers or {})}.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)

    return reply


def endless(chunk: bytes, log: Log, content_type: str = "application/json", headers: dict[str, str] | None = None,
            pause: float = 0.0) -> Reply:
    """A body without end (close-delimited), written until the client hangs up or a bound is reached."""

    def reply(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        started = time.monotonic()
        try:
            while log.written < WRITE_BOUND and time.monotonic() - started < STREAM_SECONDS:
                request.wfile.write(chunk)
                request.wfile.flush()
                log.written += len(chunk)
                if pause:
                    time.sleep(pause)  # the server's own pace, not a wait in the test
        except OSError:
            pass  # the client hung up: what the test wants
        finally:
            log.finished.set()

    return reply


def job(job_id: str, created_at: str = "1700000000", **fields: object) -> str:
    """A job as JSON text (``created_at`` raw, so that it may be 1e400 or NaN)."""
    extra = "".join(f", {json.dumps(k)}: {json.dumps(v)}" for k, v in fields.items())
    return (f'{{"id": {json.dumps(job_id)}, "object": "fine_tuning.job", "model": "gpt-4o-mini-2024-07-18", '
            f'"status": "succeeded", "created_at": {created_at}{extra}}}')


def page(items: list[str], has_more: bool = False) -> str:
    return f'{{"object": "list", "data": [{", ".join(items)}], "has_more": {json.dumps(has_more)}}}'


def provider(base_url: str) -> OpenAIProvider:
    """The adapter as the app builds it (core.client.build_client, with its bounds)."""
    profile = replace(new_profile(ProfileKind.COMPATIBLE, "hostile"), timeout=10.0)
    return OpenAIProvider.connect(profile, "sk-test", base_url)  # type: ignore[return-value]


@pytest.fixture
async def connect():
    made: list[OpenAIProvider] = []

    def make(base_url: str) -> OpenAIProvider:
        made.append(provider(base_url))
        return made[-1]

    yield make
    for training in made:
        await training.close()


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


# -- 1. names from the server never leave the chosen folder --------------------------------------------------

ESCAPING_IDS = ["../../escape", "..", ".", "a/../../b", "..\\..\\win", "C:\\x", "nul", "CON.txt", "", " ",
                "x" * 5000, "ftjob-\u202egnp.exe", "ftjob\x00nul", "ftjob-ok"]


@pytest.mark.parametrize("name", [*ESCAPING_IDS, "/tmp/x", "~/x"])
def test_a_server_id_becomes_one_harmless_file_name(name):
    safe = safe_name(name)
    assert safe and "/" not in safe and "\\" not in safe and ":" not in safe and "\x00" not in safe
    assert safe not in (".", "..") and not safe.startswith(".") and len(safe) <= MAX_NAME + 11
    assert safe.split(".")[0].lower() not in ("nul", "con")
    assert safe_name("ftjob-abc123XYZ") == "ftjob-abc123XYZ"  # ordinary ids stay as they are


def test_different_ids_get_different_folders_even_without_case():
    ids = ["a/b", "a_b", "a:b", "Job", "job", "JOB", "job-2", "x" * 200, "x" * 201]
    names = folder_names(ids)
    assert len({n.lower() for n in names}) == len(ids)


async def test_export_writes_nothing_outside_the_chosen_folder(tmp_path, connect):
    absolute = tmp_path / "absolute"  # outside the export folder, yet inside the test's own
    ids = ["../../escape", str(absolute), "..", "a/../../b", "nul", "ftjob-ok"]
    jobs = [job(i, training_file="../../../training-file", result_files=["../result"]) for i in ids]
    routes = {"/fine_tuning/jobs": json_reply(page(jobs)), "/events": json_reply(page([])),
              "/checkpoints": json_reply(page([])), "/content": json_reply(b"step,train_loss\n1,0.5\n")}
    folder = tmp_path / "deep" / "er" / "export"
    with hostile(routes) as (base_url, _):
        index = await export_all(connect(base_url), folder)
    assert files_under(tmp_path) == files_under(folder)
    assert not absolute.exists()
    entries = json.loads(index.read_text(encoding="utf-8"))
    assert sorted(e["id"] for e in entries) == sorted(ids)
    for entry in entries:
        saved = folder / entry["folder"]
        assert saved.parent == folder and json.loads((saved / "job.json").read_text())["id"] == entry["id"]
        assert (saved / "training.jsonl").exists() and (saved / "result_1.csv").exists()


async def test_a_link_inside_the_folder_does_not_lead_the_export_away(tmp_path, connect):
    elsewhere, folder = tmp_path / "elsewhere", tmp_path / "export"
    elsewhere.mkdir()
    folder.mkdir()
    (folder / "ftjob-1").symlink_to(elsewhere, target_is_directory=True)
    routes = {"/fine_tuning/jobs": json_reply(page([job("ftjob-1")])), "/events": json_reply(page([])),
              "/checkpoints": json_reply(page([]))}
    with hostile(routes) as (base_url, _), pytest.raises(CoreError) as caught:
        await export_all(connect(base_url), folder)
    assert "outside" in caught.value.user_message and not any(elsewhere.iterdir())


# -- 8. answers and streams are bounded ---------------------------------------------------------------------

async def test_an_answer_announcing_10_gb_is_refused_before_it_is_read(connect):
    log = Log()
    routes = {"/fine_tuning/jobs": endless(b"x" * 65536, log, headers={"Content-Length": str(10 * 1024**3)})}
    with serve(handler(routes, log)) as origin:
        started = time.monotonic()
        with pytest.raises(ResponseTooLargeError) as caught:
            await connect(origin + "/v1").list_jobs(limit=20)
        assert log.finished.wait(STREAM_SECONDS)
    assert "larger than 32 MB" in caught.value.user_message and caught.value.hint
    assert time.monotonic() - started < STREAM_SECONDS and log.written < WRITE_BOUND
    assert len(log.paths) == 1  # not retried


async def test_an_endless_answer_is_cut_at_the_limit(connect):
    log = Log()
    with serve(handler({"/fine_tuning/jobs": endless(b"[" * 65536, log)}, log)) as origin:
        with response_limit(MIB), pytest.raises(ResponseTooLargeError):
            await connect(origin + "/v1").list_jobs(limit=20)
        assert log.finished.wait(STREAM_SECONDS)
    assert log.written < WRITE_BOUND


async def test_a_compressed_answer_is_read_and_a_compression_bomb_is_cut(connect):
    small = gzip.compress(page([job("ftjob-zipped")]).encode())
    bomb = gzip.compress(b" " * (64 * MIB))  # 64 KB on the wire
    with hostile({"/fine_tuning/jobs": json_reply(small, headers={"Content-Encoding": "gzip"}),
                  "/models": json_reply(bomb, headers={"Content-Encoding": "gzip"}),
                  "/files": json_reply(b"{}", headers={"Content-Encoding": "br"})}) as (base_url, log):
        training = connect(base_url)
        jobs, _ = await training.list_jobs()
        assert [j.id for j in jobs] == ["ftjob-zipped"]
        with response_limit(MIB), pytest.raises(ResponseTooLargeError):
            await training.list_models()
        with pytest.raises(GatewayError) as caught:
            await training.list_files()
    assert "compressed" in caught.value.user_message


def sse(text: str) -> bytes:
    return f"data: {json.dumps({'choices': [{'index': 0, 'delta': {'content': text}}]})}\n\n".encode()


QUESTION = ChatRequest("gpt-4o-mini", ({"role": "user", "content": "hi"},))


async def test_an_endless_stream_of_text_stops_at_the_length_limit_and_keeps_the_text(connect):
    log = Log()
    with serve(handler({"/chat/completions": endless(sse("word "), log, "text/event-stream")}, log)) as origin:
        pieces: list[str] = []
        with pytest.raises(AnswerStoppedError) as caught:
            await ask(connect(origin + "/v1").chat_client, QUESTION, pieces.append,
                      limits=AnswerLimits(chars=5000))
        assert log.finished.wait(STREAM_SECONDS)
    assert len(caught.value.text) == 5000 and caught.value.text.startswith("word word")
    assert "".join(pieces) == caught.value.text and "5,000 characters" in caught.value.user_message


async def test_an_endless_stream_of_pings_stops_at_the_time_limit(connect):
    log = Log()
    reply = endless(b": ping\n\ndata: \n\n", log, "text/event-stream", pause=0.01)
    with serve(handler({"/chat/completions": reply}, log)) as origin:
        started = time.monotonic()
        with pytest.raises(AnswerStoppedError) as caught:
            await ask(connect(origin + "/v1").chat_client, QUESTION, lambda _: None, limits=AnswerLimits(seconds=1.0))
        assert log.finished.wait(STREAM_SECONDS)
    assert 1.0 <= time.monotonic() - started < STREAM_SECONDS and caught.value.text == ""
    assert "minutes" in caught.value.user_message


async def test_an_endless_stream_stops_at_the_size_limit_and_keeps_the_text(connect):
    log = Log()
    padding = b": " + b"p" * 60000 + b"\n\n"
    with serve(handler({"/chat/completions": endless(sse("a") + padding, log, "text/event-stream")}, log)) as origin:
        with pytest.raises(AnswerStoppedError) as caught:
            await ask(connect(origin + "/v1").chat_client, QUESTION, lambda _: None, limits=AnswerLimits(bytes=MIB))
        assert log.finished.wait(STREAM_SECONDS)
    assert caught.value.text.startswith("aaa") and "1 MB" in caught.value.user_message


# -- 9. pages that repeat for ever ----------------------------------------------------------------------------

async def test_export_ends_when_the_server_repeats_the_same_page_for_ever(tmp_path, connect):
    events = page([json.dumps({"id": "ev-1", "created_at": 1, "level": "info", "message": "again"})], has_more=True)
    routes = {"/events": json_reply(events), "/checkpoints": json_reply(page([])),
              "/fine_tuning/jobs": json_reply(page([job("ftjob-1"), job("ftjob-2")], has_more=True))}
    with hostile(routes) as (base_url, log):
        await export_all(connect(base_url), tmp_path / "export")
    lists = [p for p in log.paths if p.split("?")[0].endswith("/fine_tuning/jobs")]
    event_pages = [p for p in log.paths if "/events" in p]
    assert len(lists) == 2 and len(event_pages) == 4  # the second page of each brought nothing new
    saved = json.loads((tmp_path / "export" / "ftjob-1" / "events.json").read_text())
    assert [e["id"] for e in saved] == ["ev-1"]


async def test_a_listing_that_never_ends_stops_at_the_page_cap():
    calls = 0

    async def fetch(cursor: str | None) -> tuple[list[str], bool]:
        nonlocal calls
        calls += 1
        return [f"id-{calls}-{n}" for n in range(3)], True

    found = await all_pages(fetch, lambda item: item, max_pages=7)
    assert calls == 7 and len(found) == 21


async def test_a_cursor_that_does_not_advance_stops_the_listing():
    pages = iter([(["a", "b"], True), (["c", "b"], True), (["d"], False)])

    async def fetch(cursor: str | None) -> tuple[list[str], bool]:
        return next(pages)

    assert await all_pages(fetch, lambda item: item) == ["a", "b", "c"]


# -- 10. limits hold and odd dates are tolerated ---------------------------------------------------------------

ODD_DATES = ["\"inf\"", "1e400", "-1e400", str(10**30), "NaN", "\"nan\"", "-5", "\"99999-01-01\"", "1e18",
             "\"0001-01-01T00:00:00+14:00\""]


async def test_a_listing_holds_to_its_limit_when_the_server_sends_more(connect):
    with hostile({"/fine_tuning/jobs": json_reply(page([job(f"ftjob-{n}") for n in range(1000)]))}) as (url, _):
        jobs, _ = await connect(url).list_jobs(limit=20)
    assert [j.id for j in jobs] == [f"ftjob-{n}" for n in range(20)]


@pytest.mark.parametrize("raw", ODD_DATES)
def test_odd_dates_become_blanks_not_errors(raw):
    value = json.loads(raw)
    assert timestamp(value) is None
    parsed = job_from_openai(json.loads(job("j", raw, finished_at=value, estimated_finish=value,
                                            trained_tokens=value)), {})
    assert parsed.created_at == 0 and parsed.finished_at is None and local_time(value) == "-"


def test_odd_numbers_in_metrics_are_left_out():
    assert number("inf") is None and number(10**400) is None and number("nan") is None and number("2.5") == 2.5
    assert point({"step": "inf", "train_loss": 1.0}) is None and point({"step": 1, "train_loss": "nan"}) is None
    checkpoint = checkpoint_from_openai({"id": "c", "metrics": {"loss": float("nan"), "acc": 0.5},
                                         "step_number": 1e400})
    assert checkpoint.metrics == {"acc": 0.5} and checkpoint.step == 0
    logs = events_from_logs("j", ["step: 1e999 loss: 0.5", "step=2, loss=1e999", "step=3 loss=0.25"])
    assert points_from_logs(logs)[-1].step == 3


def test_jobs_list_holds_its_limit_and_survives_odd_dates():
    jobs = [job(f"ftjob-{n}", ODD_DATES[n % len(ODD_DATES)]) for n in range(2000)]
    with hostile({"/fine_tuning/jobs": json_reply(page(jobs))}) as (base_url, _):
        result = run("jobs", "list", "--limit", "20", "--base-url", base_url, "--api-key", "sk-test")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == [f"ftjob-{n}" for n in range(20)]


async def test_bailian_listings_hold_their_limits_and_repeated_pages_end():
    from core.providers.bailian import LOG_LINES, BailianProvider
    from core.training.export import all_jobs

    jobs = [{"job_id": f"ft-{n}", "status": "SUCCEEDED", "create_time": "inf"} for n in range(1000)]
    logs = {"output": {"logs": [f"step={n}, loss=0.5" for n in range(5000)], "total": 5000}}
    routes = {"/fine-tunes": json_reply(json.dumps({"output": {"jobs": jobs, "total": 10**9}})),
              "/logs": json_reply(json.dumps(logs))}
    with hostile(routes) as (base_url, log):
        profile = new_profile(ProfileKind.BAILIAN, "hostile")
        training = BailianProvider.connect(profile, "sk-test", base_url)
        try:
            listed, more = await training.list_jobs(limit=20)
            assert len(listed) == 20 and more and {j.created_at for j in listed} == {0}
            assert len(await training.events("ft-1")) == LOG_LINES
            assert len(await all_jobs(training)) == 100  # the same page again, and again: stopped
        finally:
            await training.close()
    assert sum("/fine-tunes?" in p and "/logs" not in p for p in log.paths) == 3
