"""`chat` and `models` as a user runs them, against a Sandbox over HTTP."""

import json
import subprocess
import sys

from sandbox.server import SandboxServer
from tests.cli.test_cli import ROOT, run
from tests.sandbox.conftest import chat_rows, jsonl


def test_train_chat_list_and_delete(tmp_path):
    data = tmp_path / "train.jsonl"
    data.write_bytes(jsonl(chat_rows(12)))
    with SandboxServer(job_seconds=1.0) as server:
        connect = ("--base-url", server.base_url, "--api-key", "sk-test")
        trained = run("train", str(data), "--model", "gpt-4o-mini-2024-07-18", "--suffix", "sums", "--yes", *connect)
        model = trained.stdout.split("Your model: ")[1].strip()
        answer = run("chat", model, "What is 3 plus 3?", *connect)
        assert answer.returncode == 0 and "3 plus 3 is 6." in answer.stdout and "tokens" in answer.stderr
        piped = subprocess.run([sys.executable, str(ROOT / "main.py"), "chat", model, "--no-stream", *connect],
                               input="What is 4 plus 4?", capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert "4 plus 4 is 8." in piped.stdout
        listed = json.loads(run("models", "list", "--fine-tuned", "--json", *connect).stdout)
        assert [(m["id"], m["suffix"], m["base"]) for m in listed] == [(model, "sums", "gpt-4o-mini-2024-07-18")]
        assert listed[0]["job_id"].startswith("ftjob-")
        assert run("models", "delete", model, "--yes", *connect).returncode == 0
        assert json.loads(run("models", "list", "--fine-tuned", "--json", *connect).stdout) == []
