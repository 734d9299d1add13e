"""The CLI against hostile or odd servers: escape codes in server text, keys in usage errors, misleading
error messages, Bailian's log lines and a reader that goes away. Servers are small real ones on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from cli.app import main as cli_main
from main import build_profile_service
from sandbox.server import SandboxServer
from tests.cli.test_cli import ROOT, run
from tests.servers import QuietHandler, closed_port, error_body, make_proxy_handler, serve

# A title change, a cleared screen, a planted link, an 8-bit CSI, a carriage return and a bidi override.
EVIL = ("\x1b]0;pwned\x07" "\x1b[2J\x1b[H" "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\" "\x9b31m"
        "\rfake\u202eevil")
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\r", "\u202e", "pwned", "evil.example")
KEY = "sk-hostile-0123456789abcdef"
Routes = dict[tuple[str, str], tuple[int, str, str]]


def route_handler(routes: Routes) -> type[QuietHandler]:
    """Answers (method, path without the query) from ``routes``: (status, body, content type)."""

    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            status, body, kind = routes.get((self.command, self.path.split("?")[0]),
                                            (404, error_body(f"Invalid URL ({self.command} {self.path})"),
                                             "application/json"))
            data = body.encode()
            self.reply(status, data, kind)

        do_GET = do_POST = do_DELETE = answer


    return Handler


@contextmanager
def hostile(routes: Routes) -> Iterator[str]:
    with serve(route_handler(routes)) as origin:
        yield origin


def ok(value: object) -> tuple[int, str, str]:
    return 200, json.dumps(value), "application/json"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli_main(list(argv), build_profile_service)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_plain(text: str) -> None:
    for bad in FORBIDDEN:
        assert bad not in text, (bad, text)


JOB = {"object": "fine_tuning.job", "id": "ftjob-1" + EVIL, "model": "gpt-4o-mini" + EVIL, "created_at": 1721172741,
       "status": "failed" + EVIL, "fine_tuned_model": "ft:gpt-4o-mini" + EVIL, "training_file": "file-1",
       "error": {"code": "bad", "message": "broken" + EVIL}, "result_files": []}
EVENT = {"object": "fine_tuning.job.event", "id": "ftevent-1", "created_at": 1721172741, "level": "info",
         "message": "step 1" + EVIL + "\nsecond line", "type": "message"}
JOB_ROUTES: Routes = {
    ("GET", "/v1/fine_tuning/jobs"): ok({"object": "list", "data": [JOB], "has_more": False}),
    ("GET", "/v1/fine_tuning/jobs/ftjob-1"): ok(JOB),
    ("GET", "/v1/fine_tuning/jobs/ftjob-1/events"): ok({"object": "list", "data": [EVENT], "has_more": False}),
    ("GET", "/v1/models"): ok({"object": "list", "data": [{"id": "ft:gpt-4o-mini:org:" + EVIL, "object": "model",
                                                          "created": 1721172741, "owned_by": "org" + EVIL}]}),
    ("POST", "/v1/chat/completions"): ok({"id": "c", "object": "chat.completion", "created": 1, "model": "m",
                                          "choices": [{"index": 0, "finish_reason": "stop",
                                                       "message": {"role": "assistant", "content": "Hi" + EVIL}}]}),
    ("GET", "/v1/fine_tuning/jobs/ftjob-1/checkpoints"): ok({"object": "list", "has_more": False, "data": [
        {"object": "fine_tuning.job.checkpoint", "id": "ftckpt-1", "created_at": 1721172741, "step_number": 1,
         "fine_tuned_model_checkpoint": "ft:gpt-4o-mini:org::ckpt-step-1" + EVIL, "fine_tuning_job_id": "ftjob-1",
         "metrics": {"train_loss" + EVIL: 0.5}}]}),
    ("GET", "/v1/files"): ok({"object": "list", "has_more": False, "data": [
        {"id": "file-1" + EVIL, "object": "file", "bytes": 10, "created_at": 1721172741, "filename": "a" + EVIL,
         "purpose": "fine-tune", "status": "processed"}]}),
}


@pytest.mark.parametrize("argv", [["jobs", "list"], ["jobs", "show", "ftjob-1"], ["jobs", "follow", "ftjob-1"],
                                  ["models", "list"], ["chat", "m", "hello", "--no-stream"],
                                  ["jobs", "checkpoints", "ftjob-1"], ["files", "list"]])
def test_server_text_is_printed_without_escape_codes(capsys, argv):
    with hostile(JOB_ROUTES) as origin:
        code, out, err = cli(capsys, *argv, "--base-url", origin + "/v1", "--api-key", KEY)
    assert_plain(out + err)
    assert "click" in out  # the text of the link stays, only its escape codes go
    assert code in (0, 1)


def test_a_streamed_answer_is_printed_without_escape_codes(capsys):
    chunks = [{"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
               "choices": [{"index": 0, "delta": {"content": part}, "finish_reason": None}]}
              for part in ("Hello ", EVIL[:9], EVIL[9:], " there\nline two")]
    stream = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
    with hostile({("POST", "/v1/chat/completions"): (200, stream, "text/event-stream")}) as origin:
        code, out, err = cli(capsys, "chat", "m", "hello", "--base-url", origin + "/v1", "--api-key", KEY)
    assert code == 0, err
    assert_plain(out)
    assert out.startswith("Hello ") and "there\nline two" in out


def test_error_messages_from_the_server_are_printed_without_escape_codes(capsys):
    with hostile({("GET", "/v1/fine_tuning/jobs"): (400, error_body("bad limit" + EVIL), "application/json")}) as url:
        code, out, err = cli(capsys, "jobs", "list", "--base-url", url + "/v1", "--api-key", KEY)
    assert code == 2 and "bad limit" in err
    assert_plain(err)


def test_json_output_keeps_the_server_text_as_it_is(capsys):
    with hostile(JOB_ROUTES) as origin:
        code, out, _ = cli(capsys, "jobs", "list", "--json", "--base-url", origin + "/v1", "--api-key", KEY)
    assert code == 0
    [job] = json.loads(out)
    assert job["id"] == JOB["id"] and job["error_message"] == "broken" + EVIL
    assert_plain(out.replace("pwned", "").replace("evil.example", ""))  # kept as \u escapes a terminal shows as text


@pytest.mark.parametrize("argv", [
    ["jobs", "list", "--api-kye", KEY],  # a mistyped flag: argparse repeats it and its value
    ["jobs", "list", "--apikey=" + KEY],
    ["jobs", "list", "--key", "zhipu-id.0123456789secret"],  # a key without sk-
    ["jobs", "list", "--api_kye=zhipu-id.0123456789secret", "--bogus"],
    ["jobs", "list", "--provider", KEY],  # an invalid choice is echoed too
])
def test_usage_errors_never_echo_the_key(capsys, argv):
    with pytest.raises(SystemExit) as exited:
        cli_main(argv, build_profile_service)
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "usage:" in err and "error:" in err
    assert "0123456789" not in err and "***" in err


def test_connection_test_takes_the_connection_options(capsys):
    models = ok({"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model", "created": 1,
                                             "owned_by": "system"}]})
    proxy = make_proxy_handler(None)
    with hostile({("GET", "/v1/models"): models}) as origin, serve(proxy) as proxy_url:
        code, out, err = cli(capsys, "connection", "test", "--base-url", origin, "--provider", "openai",
                             "--api-key", KEY, "--proxy", proxy_url)
    assert code == 0, out + err
    assert f"Testing {origin}/v1\n" in out and "The key works: 1 models available." in out
    assert "Connection works." in out
    assert proxy.forwarded == [origin + "/v1/models"]
    assert KEY not in out + err


# -- point 17: each misleading message, against a server answering that exact error ----------------------------

def test_a_base_url_without_v1_is_named_as_the_address_not_a_model(capsys):
    with hostile({}) as origin:  # OpenAI answers an unknown path with 404 "Invalid URL (GET /models)"
        code, _, err = cli(capsys, "models", "list", "--base-url", origin, "--api-key", KEY)
    assert code == 2 and "no such address" in err and "base URL" in err
    assert "model or deployment name" not in err


def test_an_unknown_job_id_is_named_as_such(capsys):
    missing = error_body("No such fine-tuning job: ftjob-nope.", "fine_tune_not_found")
    with hostile({("GET", "/v1/fine_tuning/jobs/ftjob-nope"): (404, missing, "application/json")}) as origin:
        code, _, err = cli(capsys, "jobs", "show", "ftjob-nope", "--base-url", origin + "/v1", "--api-key", KEY)
    assert code == 2 and "No such fine-tuning job: ftjob-nope." in err and "Check the id" in err
    assert "base URL" not in err


def test_a_refused_proxy_is_named(capsys):
    with hostile(JOB_ROUTES) as origin:
        code, _, err = cli(capsys, "jobs", "list", "--base-url", origin + "/v1", "--api-key", KEY,
                           "--proxy", f"http://127.0.0.1:{closed_port()}")
    assert code == 2 and "The proxy could not be reached." in err
    assert "Could not connect to the server" not in err


def test_a_web_page_instead_of_an_error_is_named_and_its_detail_logged(app_home):
    page = "<!DOCTYPE html><html><body><h1>Request blocked by policy 7</h1></body></html>"
    with hostile({("GET", "/v1/fine_tuning/jobs"): (400, page, "text/html")}) as origin:
        result = run("jobs", "list", "--base-url", origin + "/v1", "--api-key", KEY)
    assert result.returncode == 2 and "with a web page" in result.stderr
    log = app_home / "logs" / "finetune-studio.log"
    assert f"Details: {log}" in result.stderr
    assert "Request blocked by policy 7" in log.read_text(encoding="utf-8")
    assert KEY not in log.read_text(encoding="utf-8")


def test_a_web_page_where_a_list_was_expected_is_not_understood_rather_than_unexpected(capsys):
    page = (200, "<html><body>Please log in</body></html>", "text/html")
    with hostile({("GET", "/v1/fine_tuning/jobs"): page}) as origin:
        code, _, err = cli(capsys, "jobs", "list", "--base-url", origin + "/v1", "--api-key", KEY)
    assert code == 2 and "not understood" in err and "Something unexpected" not in err


def read_only_folder(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    if Path("/sys/kernel").is_dir():
        return Path("/sys/kernel")  # sysfs refuses new files even to root
    pytest.skip("no folder this user cannot write to")


def test_a_read_only_folder_names_the_file_asked_for_not_the_temporary_one(capsys, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"messages": [{"role": "user", "content": "hi"},
                                               {"role": "assistant", "content": "hello"}]}) + "\n", encoding="utf-8")
    target = read_only_folder(tmp_path) / "fixed-output.jsonl"
    code, _, err = cli(capsys, "fix", str(source), "-o", str(target))
    assert code == 2 and "The file fixed-output.jsonl could not be read or written" in err
    assert ".tmp" not in err


# -- point 18: Bailian's log lines and a reader that goes away ---------------------------------------------------

def test_bailian_log_lines_without_a_time_are_not_dated_1970(capsys):
    job = {"job_id": "ft-1", "model": "qwen3-8b", "status": "SUCCEEDED", "create_time": "2025-01-02 03:04:05",
           "finetuned_output": "qwen3-8b-ft-1"}
    logs = ["2025-01-02 03:04:06,000 - INFO - {'loss': 1.5, 'epoch': 1.0}", "training usage 1234",
            "##FT_COMPLETE##"]
    routes = {("GET", "/api/v1/fine-tunes/ft-1"): ok({"output": job}),
              ("GET", "/api/v1/fine-tunes/ft-1/logs"): ok({"output": {"total": len(logs), "logs": logs}})}
    with hostile(routes) as origin:
        code, out, err = cli(capsys, "jobs", "follow", "ft-1", "--provider", "bailian", "--base-url",
                             origin + "/api/v1", "--api-key", KEY)
    assert code == 0, err
    assert "1970" not in out and "##FT_COMPLETE##" not in out
    assert out.splitlines()[-2].endswith("] Training finished.") and "Done. Your model: qwen3-8b-ft-1" in out


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_a_reader_that_goes_away_ends_the_output_quietly(tmp_path, unbuffered):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"prompt": f"q{i}", "completion": f" a{i}"}) + "\n" for i in range(5)),
                      encoding="utf-8")
    target = tmp_path / "out.jsonl"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"} | {"PYTHONUNBUFFERED": unbuffered}
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "fix", str(source), "-o", str(target),
                                "--trim", "--dedupe", "--drop-empty", "--to-chat"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    process.stdout.close()  # like `| head -1` once head has gone: whatever is printed next meets a closed pipe
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141  # like a tool ended by SIGPIPE
    assert err == ""
    # `fix` prints what it did only after writing its files, so nothing is lost even when unbuffered.
    assert [json.loads(line)["messages"][0]["content"] for line in target.read_text().splitlines()][:2] == ["q0", "q1"]


def test_the_sandbox_bailian_dialect_follows_to_the_end_without_1970(tmp_path):
    from tests.sandbox.conftest import chat_rows, jsonl

    data = tmp_path / "train.jsonl"
    data.write_bytes(jsonl(chat_rows(12)))
    with SandboxServer(job_seconds=0.5, dialect="bailian") as server:
        result = run("train", str(data), "--model", "qwen3-8b", "--yes", "--base-url", server.base_url,
                     "--provider", "bailian", "--api-key", "sk-test")
    assert result.returncode == 0, result.stderr
    assert "1970-01-01" not in result.stdout and "Training finished." in result.stdout
