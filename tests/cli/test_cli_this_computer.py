"""The "This computer" profile from the command line: `train` with a model folder on disk trains the tiny model for
real through the local server the CLI starts itself (a child process, as the app does), then `jobs`, `chat`,
`export` and `models delete` work as for any provider; `local-server` serves until it is stopped."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from core.profiles import ProfileService
from core.providers.registry import spec_for
from core.settings import SettingsStore, new_profile
from tests.local.tiny_model import make_tiny_model, memorisable_rows
from tests.sandbox.conftest import jsonl

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ("--profile", "This computer")


@pytest.mark.timeout(180)
def test_train_follow_chat_export_and_delete_on_this_computer(run_cli, tmp_path):
    ProfileService(SettingsStore()).save_profile(new_profile(spec_for("this_computer").kind, "This computer"), "")
    tiny = make_tiny_model(tmp_path / "tiny-chat")
    training = tmp_path / "train.jsonl"
    training.write_bytes(jsonl(memorisable_rows(12)))
    trained = run_cli("train", str(training), "--model", str(tiny), "--epochs", "2", "--yes", *PROFILE)
    assert trained.code == 0, trained.err
    assert "on this computer takes" in trained.out and "Nothing is billed" in trained.out and "$" not in trained.out
    model = trained.out.split("Done. Your model: ")[1].split()[0]
    assert model.startswith("ft:tiny-chat:local:")
    listed = run_cli("jobs", "list", *PROFILE)  # a new server on the same state folder knows the job
    assert listed.code == 0 and model in listed.out and "succeeded" in listed.out
    answered = run_cli("chat", model, "hello", "--max-tokens", "8", *PROFILE)
    assert answered.code == 0, answered.err
    assert run_cli("export", str(tmp_path / "backup"), *PROFILE).code == 0
    saved = {p.name for p in (tmp_path / "backup").rglob("*")}
    assert {"adapter_config.json", "adapter_model.safetensors"} <= saved, saved
    adapter = run_cli("models", "export", model, "-o", str(tmp_path / "out"), *PROFILE)
    assert adapter.code == 0, adapter.err
    assert list((tmp_path / "out").glob("*-adapter/adapter_model.safetensors"))
    gguf_run = run_cli("models", "export", model, "--format", "gguf", "-o", str(tmp_path / "out"), *PROFILE)
    assert gguf_run.code == 0, gguf_run.err
    assert "ollama create NAME -f Modelfile" in gguf_run.out
    [written] = (tmp_path / "out").glob("*-gguf/model.gguf")
    import gguf

    reader = gguf.GGUFReader(written)
    assert reader.tensors and "general.architecture" in reader.fields
    assert (written.parent / "Modelfile").read_text().startswith("FROM ./model.gguf")
    deleted = run_cli("models", "delete", model, "--yes", *PROFILE)
    assert deleted.code == 0, deleted.err
    assert model not in run_cli("models", "list", *PROFILE).out


def test_local_server_prints_its_address_and_serves(tmp_path):
    server = subprocess.Popen([sys.executable, "main.py", "local-server", "--port", "0", "--state-dir",
                               str(tmp_path / "state"), "--models-dir", str(tmp_path / "models")], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = server.stdout.readline()
        assert first.startswith("Local server listening on http://127.0.0.1:") and first.rstrip().endswith("/v1")
        request = urllib.request.Request(first.split()[-1] + "/models", headers={"Authorization": "Bearer local"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert json.loads(answer.read())["object"] == "list"
    finally:
        server.terminate()
        server.wait(timeout=15)
