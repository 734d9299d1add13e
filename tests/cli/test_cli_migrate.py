"""`migrate JOB_OR_MODEL --to PROFILE` as a user runs it: a job trained on an OpenAI-dialect Sandbox re-created on
a saved profile of another provider, from the provider and from an export folder."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.profiles import ProfileService
from core.secrets import FileStore
from core.settings import KeyStorage, SettingsStore, new_profile
from sandbox.server import SandboxServer
from tests.providers.conftest import KINDS
from tests.sandbox.conftest import chat_rows, jsonl


def add_profile(name: str, dialect: str, base_url: str) -> None:
    service = ProfileService(SettingsStore(), keys=FileStore())
    service.switch_key_storage(KeyStorage.FILE)
    service.save_profile(replace(new_profile(KINDS[dialect], name), base_url=base_url), "sk-test")


@pytest.fixture
def source(tmp_path, run_cli):
    """(connection options of an OpenAI-dialect Sandbox, the fine-tuned model of its succeeded job)."""
    training, validation = tmp_path / "train.jsonl", tmp_path / "valid.jsonl"
    training.write_bytes(jsonl(chat_rows(12, "zh")))
    validation.write_bytes(jsonl(chat_rows(4, "en")))
    with SandboxServer(job_seconds=0.3) as server:
        connect = ("--base-url", server.base_url, "--api-key", "sk-test")
        trained = run_cli("train", str(training), "--validation", str(validation), "--model",
                          "gpt-4o-mini-2024-07-18", "--epochs", "2", "--yes", *connect)
        assert trained.code == 0, trained.err
        yield connect, trained.out.split("Done. Your model: ")[1].split()[0]


def test_migrate_a_model_to_another_profile_and_follow_it(source, run_cli):
    connect, model = source
    with SandboxServer(job_seconds=0.3, dialect="zhipu") as target:
        add_profile("Zhipu work", "zhipu", target.base_url)
        result = run_cli("migrate", model, "--to", "zhipu work", "--yes", *connect)
    assert result.code == 0, result.err
    assert "Base model: glm-4-flash (Zhipu's smallest general chat model" in result.out
    assert "training.jsonl, validation.jsonl" in result.out and "epochs 2" in result.out
    assert "bills about" in result.out and "Done. Your model: " in result.out
    assert f"Old model: {model}" in result.out
    assert f"--compare {model}" in result.out and "main.py validate " in result.out


def test_migrate_from_an_export_folder_with_a_chosen_model(source, run_cli, tmp_path):
    connect, model = source
    assert run_cli("export", str(tmp_path / "backup"), *connect).code == 0
    with SandboxServer(job_seconds=0.3, dialect="bailian") as target:
        add_profile("Qwen", "bailian", target.base_url)
        result = run_cli("migrate", model, "--to", "Qwen", "--export-folder", str(tmp_path / "backup"),
                         "--model", "qwen3-14b", "--yes", "--no-follow")
        assert result.code == 0, result.err
        assert "Base model: qwen3-14b (your choice)" in result.out and "Started job " in result.out
        refused = run_cli("migrate", model, "--to", "Qwen", "--export-folder", str(tmp_path / "backup"),
                          "--model", "qwen3-14b", stdin="n\n")
        assert refused.code == 1 and "Nothing was started." in refused.out
    missing = run_cli("migrate", model, "--to", "Nowhere", *connect)
    assert missing.code == 2 and "Nowhere" in missing.err
