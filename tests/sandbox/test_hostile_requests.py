"""A careless or hostile client gets a 4xx that says why, never a 500, and cannot make the Sandbox hold
more than a part's worth of memory or break it for later requests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.request
from pathlib import Path

import httpx2
import openai
import pytest

from sandbox.faults import Faults
from sandbox.server import SandboxServer, is_loopback
from tests.sandbox.conftest import chat_rows, jsonl

ROOT = Path(__file__).resolve().parents[2]
AUTH = {"Authorization": "Bearer sk-test"}
NOT_OBJECTS = ["[]", "5", '"text"', "null", "true"]


@pytest.fixture
def raw(server):
    with httpx2.Client(base_url=server.origin, headers=AUTH, trust_env=False, timeout=10) as http:
        yield http


def new_upload(raw, size: int, purpose: str = "batch") -> str:
    answer = raw.post("/v1/uploads", json={"filename": "x.jsonl", "purpose": purpose, "bytes": size,
                                           "mime_type": "application/jsonl"})
    assert answer.status_code == 200, answer.text
    return answer.json()["id"]


@pytest.mark.parametrize("body", NOT_OBJECTS)
def test_json_bodies_that_are_not_objects_are_a_400(server, raw, body):
    upload = new_upload(raw, 10)
    paths = [("POST", "/v1/fine_tuning/jobs"), ("POST", "/v1/chat/completions"), ("POST", "/v1/completions"),
             ("POST", "/v1/uploads"), ("POST", f"/v1/uploads/{upload}/complete"), ("PUT", "/_sandbox/faults"),
             ("PUT", "/_sandbox/deployments/mine")]
    for method, path in paths:
        answer = raw.request(method, path, content=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400, (path, answer.status_code, answer.text)


def test_json_bodies_nested_too_deeply_or_too_large_are_refused(server, raw):
    nested = "[" * 100_000 + "]" * 100_000
    answer = raw.post("/v1/chat/completions", content=nested, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    head = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n"
            f"Content-Type: application/json\r\nContent-Length: {900 * 1024**2}\r\n\r\n").encode()
    assert raw_request(server, head).startswith(b"HTTP/1.1 413")


def test_bailian_bodies_that_are_not_objects_are_a_400():
    with SandboxServer(dialect="bailian") as bailian, httpx2.Client(
            base_url=bailian.base_url, headers=AUTH, trust_env=False) as http:
        for path in ("/fine-tunes", "/deployments"):
            for body in NOT_OBJECTS:
                assert http.post(path, content=body).status_code == 400, (path, body)
        assert http.post("/fine-tunes", json={"model": "qwen-plus", "training_file_ids": ["f"],
                                              "hyper_parameters": []}).status_code == 400
        for query in ("page_no=abc", "page_no=0", "page_size=-1", "page_size=abc"):
            assert http.get(f"/fine-tunes?{query}").status_code == 400, query


@pytest.mark.parametrize(("query", "status"), [("limit=abc", 400), ("limit=-1", 400), ("limit=0", 400),
                                               ("limit=10001", 400), ("limit=1e3", 400), ("limit=5", 200)])
def test_file_list_limits(raw, query, status):
    assert raw.get(f"/v1/files?{query}").status_code == status


BAD_FAULTS = [{"status": "500"}, {"status": 200}, {"status": True}, {"retry_after": "soon"}, {"retry_after": -1},
              {"times": 0}, {"times": 1.5}, {"path": 5}, {"path": "v1"}, {"first_byte_delay": -1},
              {"answer_delay": "slow"}, {"chunk_delay": float("inf")}, {"chunk_delay": 1e9}, {"ping": "yes"},
              {"no_stream": 1}, {"drop_stream_after": True}, {"drop_stream_after": -3}, {"buffer": None}]


@pytest.mark.parametrize("knobs", BAD_FAULTS, ids=[next(iter(k)) + "=" + repr(next(iter(k.values())))
                                                   for k in BAD_FAULTS])
def test_fault_settings_of_the_wrong_type_are_refused_and_break_nothing(server, raw, client, knobs):
    answer = raw.put("/_sandbox/faults", content=json.dumps(knobs), headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert raw.get("/_sandbox/faults").json() == Faults().to_dict()
    assert client.models.list().data  # every later request still works


@pytest.mark.parametrize("body", [
    {"messages": [5]}, {"messages": ["hello"]}, {"model": 5}, {"model": ["gpt-4o-mini"]}, {"max_tokens": "abc"},
    {"max_tokens": -1}, {"max_completion_tokens": 1.5}, {"stop": 5}, {"stop": [1, 2]}, {"stream_options": "yes"}])
def test_odd_chat_requests_are_a_400(raw, body):
    request = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]} | body
    answer = raw.post("/v1/chat/completions", json=request)
    assert answer.status_code == 400, answer.text


@pytest.mark.parametrize("body", [{"model": 5}, {"max_tokens": "many"}, {"stop": {"a": 1}}])
def test_odd_completion_requests_are_a_400(raw, body):
    assert raw.post("/v1/completions", json={"model": "davinci-002", "prompt": "Hi"} | body).status_code == 400


@pytest.mark.parametrize("body", [{"method": "dpo"}, {"method": {"type": "dpo", "dpo": []}},
                                  {"hyperparameters": [1]}, {"suffix": 5}, {"request_id": 5}, {"model": 5}])
def test_odd_job_requests_are_a_400_and_nothing_is_stored(client, raw, body):
    file = client.files.create(file=("train.jsonl", jsonl(chat_rows())), purpose="fine-tune")
    answer = raw.post("/v1/fine_tuning/jobs", json={"model": "gpt-4o-mini", "training_file": file.id} | body)
    assert answer.status_code == 400, answer.text
    assert raw.get("/v1/fine_tuning/jobs").status_code == 200 and client.fine_tuning.jobs.list().data == []


@pytest.mark.parametrize("body", [{"bytes": "abc"}, {"bytes": -1}, {"bytes": 0}, {"bytes": 1.5}, {"bytes": True},
                                  {"bytes": float("inf")}, {"bytes": 9 * 1024**3}, {"filename": 5},
                                  {"purpose": "nonsense"}, {"mime_type": None}])
def test_odd_upload_announcements_are_a_400(raw, body):
    request = {"filename": "x.jsonl", "purpose": "fine-tune", "bytes": 10, "mime_type": "text/jsonl"} | body
    answer = raw.post("/v1/uploads", content=json.dumps(request), headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text


def test_parts_beyond_the_announced_size_are_refused(client, raw):
    upload = client.uploads.create(bytes=10, filename="x.jsonl", mime_type="application/jsonl", purpose="batch")
    with pytest.raises(openai.BadRequestError):
        client.uploads.parts.create(upload.id, data=b"x" * 11)
    first = client.uploads.parts.create(upload.id, data=b"x" * 6)
    with pytest.raises(openai.BadRequestError):
        client.uploads.parts.create(upload.id, data=b"x" * 5)  # 6 + 5 > 10
    second = client.uploads.parts.create(upload.id, data=b"y" * 4)
    done = client.uploads.complete(upload.id, part_ids=[first.id, second.id])
    assert client.files.content(done.file.id).content == b"xxxxxxyyyy"
    for part_ids in ([first.id, first.id], "abc", [5]):
        again = client.uploads.create(bytes=10, filename="x.jsonl", mime_type="application/jsonl", purpose="batch")
        part = client.uploads.parts.create(again.id, data=b"z" * 10)
        answer = raw.post(f"/v1/uploads/{again.id}/complete", json={"part_ids": part_ids})
        assert answer.status_code == 400, answer.text
        assert client.uploads.complete(again.id, part_ids=[part.id]).status == "completed"


def raw_request(server, head: bytes, body: bytes = b"") -> bytes:
    """Send a request by hand (a client that announces more than it sends) and read the whole answer."""
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(head + body)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
            if b"\r\n\r\n" in received and b'"error"' in received:
                break
        return received


def test_a_part_announcing_900_mb_is_refused_before_it_is_sent(server, raw):
    upload = new_upload(raw, 10)
    head = (f"POST /v1/uploads/{upload}/parts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n"
            f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {900 * 1024**2}\r\n\r\n").encode()
    started = time.monotonic()
    answer = raw_request(server, head)  # nothing of the body is sent: the answer cannot wait for it
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert time.monotonic() - started < 5
    assert raw.get("/v1/files").status_code == 200


def test_a_chunked_part_over_the_announced_size_is_cut_off(server, raw):
    upload = new_upload(raw, 10)
    data = b"--b\r\nContent-Disposition: form-data; name=\"data\"; filename=\"d\"\r\n\r\n" + b"x" * 300_000
    head = (f"POST /v1/uploads/{upload}/parts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    body = f"{len(data):x}\r\n".encode() + data + b"\r\n"  # no last chunk: a sender that would go on for ever
    assert raw_request(server, head, body).startswith(b"HTTP/1.1 400")
    assert server.app.state.sandbox.state.uploads[upload].parts == {}


PART = 16 * 1024 * 1024


def test_parts_are_streamed_to_disk_not_held_in_memory(server, client):
    data = os.urandom(1024) * (PART // 1024)
    warm_up = client.uploads.create(bytes=1, filename="a.jsonl", mime_type="application/jsonl", purpose="batch")
    client.uploads.parts.create(warm_up.id, data=b"x")  # imports and connection pools, before measuring
    upload = client.uploads.create(bytes=3 * PART, filename="big.jsonl", mime_type="application/jsonl",
                                   purpose="batch")
    record = server.app.state.sandbox.state.uploads[upload.id]
    tracemalloc.start()
    try:
        parts = [client.uploads.parts.create(upload.id, data=data) for _ in range(3)]
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        done = client.uploads.complete(upload.id, part_ids=[p.id for p in parts])
        _, completion_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PART / 3, f"{peak / 1e6:.1f} MB held while three {PART // 2**20} MB parts arrived"
    assert completion_peak < 3 * PART * 1.25, f"{completion_peak / 1e6:.1f} MB to join {3 * PART / 1e6:.0f} MB"
    assert done.status == "completed" and done.bytes == 3 * PART
    assert record.parts == {}  # the parts on disk are gone once joined


def test_a_damaged_state_file_is_set_aside_and_the_sandbox_starts(tmp_path):
    with SandboxServer(state_dir=tmp_path) as first, openai.OpenAI(
            api_key="sk-test", base_url=first.base_url, max_retries=0) as client:
        client.files.create(file=("train.jsonl", jsonl(chat_rows())), purpose="fine-tune")
    state = tmp_path / "state.json"
    whole = state.read_bytes()
    for damaged in (whole[: len(whole) // 2], b'{"files": 5}', b"[]",
                    whole.replace(b'"id": "file-', b'"id": "../../file-', 1)):
        state.write_bytes(damaged)
        with SandboxServer(state_dir=tmp_path) as server, openai.OpenAI(
                api_key="sk-test", base_url=server.base_url, max_retries=0) as client:
            assert client.files.list().data == []
            kept = server.app.state.sandbox.state.set_aside
            assert kept is not None and kept.read_bytes() == damaged and not state.exists()
        for old in tmp_path.glob("state.json.damaged-*"):
            old.unlink()


def test_loopback_hosts():
    assert all(map(is_loopback, ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.168.1.10", "example.com", ""]))


def _serving(url: str, deadline: float) -> None:
    """Wait until ``url`` answers (the server's signal handlers are in place by then)."""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer")


def test_the_cli_warns_when_the_sandbox_listens_beyond_this_computer(tmp_path):
    (tmp_path / "state.json").write_text('{"files": [', encoding="utf-8")
    command = [sys.executable, str(ROOT / "main.py"), "sandbox", "--host", "0.0.0.0", "--port", "0",
               "--state-dir", str(tmp_path)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True)
    reader.start()
    try:
        first = process.stdout.readline()
        assert "Sandbox listening on http://0.0.0.0:" in first
        deadline = time.monotonic() + 20
        while sum("Warning" in line for line in lines) < 2 and time.monotonic() < deadline and reader.is_alive():
            reader.join(0.05)
        port = first.split("0.0.0.0:")[1].split("/")[0]
        _serving(f"http://127.0.0.1:{port}/_sandbox/info", deadline)  # Ctrl+C once it serves, as a user would
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    text = "".join(lines)
    assert "other computers on your network can reach it" in text
    assert "state.json.damaged-" in text and "Traceback" not in text
