"""`train` and `jobs` as a user runs them, against a Sandbox over HTTP."""

import json

import openai
import pytest

from sandbox.server import SandboxServer
from tests.cli.test_cli import run
from tests.sandbox.conftest import chat_rows, jsonl


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_bytes(jsonl(chat_rows(12, "zh")))
    return path


def test_train_in_a_private_sandbox_follows_to_the_model_name(data):
    result = run("train", str(data), "--model", "gpt-4o-mini-2024-07-18", "--suffix", "demo", "--epochs", "2",
                 "--sandbox", "--yes", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "bills about" in result.stdout and "Started job ftjob-" in result.stdout
    assert "Done. Your model: ft:gpt-4o-mini-2024-07-18:sandbox:demo:" in result.stdout


def test_train_refuses_a_file_with_errors_before_anything_is_sent(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": []}\n', encoding="utf-8")
    with SandboxServer() as server:
        result = run("train", str(bad), "--model", "gpt-4o-mini-2024-07-18", "--yes", "--base-url",
                     server.base_url, "--api-key", "sk-test")
        assert result.returncode == 2 and "fix them before training" in result.stderr
        assert "“messages” must be a non-empty list." in result.stderr
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        assert client.files.list().data == []


def test_bad_suffix_is_a_clear_error(data):
    result = run("train", str(data), "--model", "gpt-4o-mini-2024-07-18", "--suffix", "has space", "--sandbox",
                 "--yes")
    assert result.returncode == 2 and "suffix" in result.stderr


def test_jobs_commands_against_a_server_by_url(data):
    with SandboxServer(job_seconds=20.0) as server:
        connect = ("--base-url", server.base_url, "--api-key", "sk-test")
        started = run("train", str(data), "--model", "gpt-4o-mini-2024-07-18", "--yes", "--no-follow", *connect)
        assert started.returncode == 0, started.stderr
        job_id = started.stdout.split("Started job ")[1].split(".")[0]
        listed = json.loads(run("jobs", "list", "--json", *connect).stdout)
        assert [j["id"] for j in listed] == [job_id]
        shown = json.loads(run("jobs", "show", job_id, "--json", *connect).stdout)
        assert shown["status"] in ("validating_files", "queued", "running")
        cancelled = run("jobs", "cancel", job_id, *connect)
        assert cancelled.returncode == 0 and "cancel" in cancelled.stdout


def test_export_saves_every_job_and_can_resume(data, tmp_path):
    with SandboxServer(job_seconds=1.0) as server:
        connect = ("--base-url", server.base_url, "--api-key", "sk-test")
        assert run("train", str(data), "--model", "gpt-4o-mini-2024-07-18", "--yes", *connect).returncode == 0
        folder = tmp_path / "backup"
        result = run("export", str(folder), *connect)
        assert result.returncode == 0, result.stderr
        [entry] = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        job_dir = folder / entry["id"]
        assert entry["status"] == "succeeded" and entry["fine_tuned_model"].startswith("ft:")
        assert (job_dir / "training.jsonl").read_bytes() == data.read_bytes()
        assert (job_dir / "result_1.csv").read_text().startswith("step,")
        assert len(json.loads((job_dir / "events.json").read_text())) > 20
        assert run("export", str(folder), *connect).returncode == 0  # again: resumes, nothing breaks


def test_without_a_terminal_and_without_yes_nothing_is_started(data):
    import subprocess
    import sys

    from tests.cli.test_cli import ROOT

    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "train", str(data), "--model",
                             "gpt-4o-mini-2024-07-18", "--sandbox"], stdin=subprocess.DEVNULL, capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1 and "Nothing was started." in result.stdout and "Traceback" not in result.stderr


def test_train_and_export_with_another_provider_by_url(data, tmp_path):
    with SandboxServer(job_seconds=1.0, dialect="bailian") as server:
        connect = ("--base-url", server.base_url, "--provider", "bailian", "--api-key", "sk-test")
        result = run("train", str(data), "--model", "qwen3-8b", "--suffix", "shop", "--yes", *connect)
        assert result.returncode == 0, result.stderr
        assert "Started job ft-" in result.stdout and "Done. Your model: qwen3-8b-shop-ft-" in result.stdout
        assert "training usage" in result.stdout  # Bailian's log lines are followed like events
        assert run("export", str(tmp_path / "backup"), *connect).returncode == 0
        [entry] = json.loads((tmp_path / "backup" / "index.json").read_text(encoding="utf-8"))
        assert (tmp_path / "backup" / entry["id"] / "training.jsonl").read_bytes() == data.read_bytes()


def test_price_follows_the_epochs_and_base_urls_follow_profile_rules(data):
    with SandboxServer(job_seconds=0.5) as server:
        host = server.base_url.removesuffix("/v1")  # pasted without /v1: an OpenAI profile adds it
        billed = {}
        for epochs in ("1", "3"):
            result = run("train", str(data), "--model", "gpt-4o-mini-2024-07-18", "--epochs", epochs, "--yes",
                         "--no-follow", "--provider", "openai", "--base-url", host + "/", "--api-key", "sk-test")
            assert result.returncode == 0, result.stderr
            assert f"for {epochs} epochs" in result.stdout
            billed[epochs] = int(result.stdout.split("bills about ")[1].split(" ")[0])
        assert billed["3"] == 3 * billed["1"]
        refused = run("train", str(data), "--model", "gpt-4o-mini-2024-07-18", "--suffix", "has space", "--yes",
                      "--base-url", server.base_url, "--api-key", "sk-test")
        assert refused.returncode == 2 and "bills about" not in refused.stdout  # the suffix is checked first
