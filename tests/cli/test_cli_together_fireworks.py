"""The CLI (`main.py` in its own process) against the Sandbox's Together and Fireworks dialects: train → jobs follow →
chat → models delete, with Fireworks' deployment made (after a yes: it is billed) and removed; and `sandbox --dialect`
serving either and printing its base URL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import httpx2
import pytest

from sandbox.server import SandboxServer
from tests.cli.test_cli import ROOT, run
from tests.sandbox.conftest import chat_rows, jsonl

MODELS = {"together": "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference",
          "fireworks": "accounts/fireworks/models/llama-v3p1-8b-instruct"}


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "sums.jsonl"
    path.write_bytes(jsonl(chat_rows(12)))
    return path


@pytest.mark.parametrize("dialect", ["together", "fireworks"])
def test_train_follow_chat_and_delete(dialect, data):
    with SandboxServer(job_seconds=0.5, dialect=dialect) as server:
        connect = ("--base-url", server.base_url, "--provider", dialect, "--api-key", "sk-test")
        started = run("train", str(data), "--model", MODELS[dialect], "--suffix", "sums", "--yes", "--no-follow",
                      *connect)
        assert started.returncode == 0, started.stderr
        job_id = started.stdout.split("Started job ")[1].split(".")[0]
        followed = run("jobs", "follow", job_id, *connect)
        assert followed.returncode == 0, followed.stderr
        [job] = json.loads(run("jobs", "list", "--json", *connect).stdout)
        assert job["id"] == job_id and job["status"] == "succeeded"
        model = job["fine_tuned_model"]
        assert f"Your model: {model}" in followed.stdout

        if dialect == "fireworks":  # a LoRA answers only on a deployment, billed while it exists
            refused = run("models", "deploy", model, *connect)
            assert refused.returncode == 1 and "Nothing was deployed." in refused.stdout
            deployed = run("models", "deploy", model, "--yes", "--wait", "--interval", "0.05", *connect)
            assert deployed.returncode == 0, deployed.stderr
            assert deployed.stdout.splitlines()[-1].startswith("ready · ")
        answer = run("chat", model, "What is 3 plus 3?", *connect)
        assert answer.returncode == 0, answer.stderr
        assert "3 plus 3 is 6." in answer.stdout
        if dialect == "fireworks":
            removed = run("models", "undeploy", model, "--yes", *connect)
            assert removed.returncode == 0 and "no longer billed" in removed.stdout
        else:  # the weights kept on this computer before the model is deleted
            kept = run("models", "export", model, "--format", "merged", "-o", str(data.parent / "kept"), *connect)
            assert kept.returncode == 0, kept.stderr
            assert [p.name.endswith("-merged.tar.zst") for p in (data.parent / "kept").iterdir()] == [True]

        deleted = run("models", "delete", model, "--yes", *connect)
        assert deleted.returncode == 0, deleted.stderr
        assert json.loads(run("models", "list", "--fine-tuned", "--json", *connect).stdout) == []


@pytest.mark.parametrize("dialect", ["together", "fireworks"])
def test_sandbox_command_serves_the_dialect_and_prints_its_base_url(dialect):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "sandbox", "--dialect", dialect],
                               stdout=subprocess.PIPE, text=True, env=env)
    try:
        url = process.stdout.readline().split()[-1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        path = "/fine-tunes" if dialect == "together" else "/accounts/sandbox/supervisedFineTuningJobs"
        answer = httpx2.get(url + path, headers={"Authorization": "Bearer sk-cli"})
        assert answer.status_code == 200
        assert answer.json() in ({"data": []}, {"supervisedFineTuningJobs": [], "nextPageToken": "", "totalSize": 0})
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0
