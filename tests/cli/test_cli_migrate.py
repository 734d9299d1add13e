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
        new_id, old_id = result.out.split("Started job ")[1].split(" on “Qwen”, linked to ")
        shown = run_cli("jobs", "show", new_id, "--profile", "Qwen")  # Bailian keeps no metadata: ours does
        assert shown.code == 0 and f"Retrained from job {old_id.strip().rstrip('.')} ({model})." in shown.out
        refused = run_cli("migrate", model, "--to", "Qwen", "--export-folder", str(tmp_path / "backup"),
                          "--model", "qwen3-14b", stdin="n\n")
        assert refused.code == 1 and "Nothing was started." in refused.out
    missing = run_cli("migrate", model, "--to", "Nowhere", *connect)
    assert missing.code == 2 and "Nowhere" in missing.err


def test_the_old_and_the_new_model_answer_the_same_questions_side_by_side(tmp_path, run_cli):
    """After retraining elsewhere, one validation run asks the old model on its profile and the new one on the
    target's, and keeps both columns in the CSV."""
    training, validation, questions = tmp_path / "train.jsonl", tmp_path / "valid.jsonl", tmp_path / "ask.jsonl"
    training.write_bytes(jsonl(chat_rows(12, "zh")))
    validation.write_bytes(jsonl(chat_rows(15, "zh")[12:]))
    questions.write_bytes(jsonl(chat_rows(12, "zh")[:3]))  # what both models learned
    with SandboxServer(job_seconds=0.3) as old, SandboxServer(job_seconds=0.3, dialect="zhipu") as new:
        add_profile("Old", "openai", old.base_url)
        add_profile("New", "zhipu", new.base_url)
        trained = run_cli("train", str(training), "--validation", str(validation), "--model",
                          "gpt-4o-mini-2024-07-18", "--yes", "--profile", "Old")
        assert trained.code == 0, trained.err
        old_model = trained.out.split("Done. Your model: ")[1].split()[0]
        moved = run_cli("migrate", old_model, "--to", "New", "--from-profile", "Old", "--yes")
        assert moved.code == 0, moved.err
        assert '--compare-profile “Old”' in moved.out
        new_model = moved.out.split("New model: ")[1].split()[0]
        compared = run_cli("validate", new_model, str(questions), "--profile", "New", "--compare", old_model,
                           "--compare-profile", "Old", "-o", str(tmp_path / "compare.csv"))
    assert compared.code == 0, compared.err
    assert f"{new_model}: 100% similar on average" in compared.out
    assert f"{old_model}: 100% similar on average" in compared.out
    header = (tmp_path / "compare.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert f"{new_model} answer" in header and f"{old_model} answer" in header
