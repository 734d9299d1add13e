"""Real answers the providers published (tests/data/recorded/*/SOURCES.md), read by our adapters' readers,
and compared with what our Sandbox dialects answer and what the providers' SDKs read."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
from dashscope.finetune.customize_types import FineTune
from fireworks.types import Dataset
from together.types import FineTuningListMetricsResponse, FineTuningListResponse

from core.providers.azure import AzureProvider
from core.providers.bailian_payloads import events_from_logs, job_from_bailian, output, points_from_logs
from core.providers.fireworks import file_from_fireworks
from core.providers.payloads import as_dict, checkpoint_from_openai, event_from_openai, job_from_openai, timestamp
from core.providers.together import job_from_together, points_from_metrics
from sandbox.server import SandboxServer
from tests.sandbox.conftest import chat_rows, jsonl

RECORDED = Path(__file__).parents[1] / "data" / "recorded"


def recorded(name: str) -> dict[str, Any]:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def azure_body(name: str) -> dict[str, Any]:
    """The documented response body of an Azure REST API specification example."""
    responses = recorded(f"azure/{name}")["responses"]
    return next(iter(responses.values()))["body"]


def test_every_recorded_file_has_its_source():
    for folder in (p for p in RECORDED.iterdir() if p.is_dir()):
        sources = (folder / "SOURCES.md").read_text(encoding="utf-8")
        for data in folder.glob("*.json"):
            assert data.name in sources, f"{data} has no source in {folder / 'SOURCES.md'}"


# -- Azure OpenAI -----------------------------------------------------------------------------------------------

def test_azure_jobs_as_microsoft_documents_them():
    statuses = AzureProvider.statuses
    created = job_from_openai(azure_body("post_finetuning_job.json"), statuses)
    assert (created.id, created.model, created.status, created.raw_status) == (
        "ft-72a2792ef7d24ba7b82c7fe4a37e379f", "curie", "queued", "pending")
    assert created.created_at == 1_646_126_127 and created.fine_tuned_model is None and not created.finished
    assert created.hyperparameters.n_epochs is None  # "auto" is written -1
    done = job_from_openai(azure_body("get_finetuning_job.json"), statuses)
    assert done.status == "succeeded" and done.fine_tuned_model == "curie.ft-72a2792ef7d24ba7b82c7fe4a37e379f"
    assert (done.trained_tokens, done.finished_at, done.result_files) == (
        2342, 1_646_127_311, ("file-181a1cbdcdcf4677ada87f63a0928099",))
    assert AzureProvider.parse_name(None, done.fine_tuned_model) == ("curie", "", True)  # type: ignore[arg-type]


def test_azure_events_and_checkpoints():
    events = [event_from_openai(e) for e in azure_body("get_finetuning_job_events.json")["data"]]
    assert [e.message for e in events] == ["Job enqueued. Waiting for jobs ahead to complete.", "Job started.",
                                           "Job succeeded."]
    assert all(e.level == "info" and e.type == "message" and e.created_at > 1_600_000_000 for e in events)
    checkpoints = [checkpoint_from_openai(c) for c in azure_body("get_finetuning_job_checkpoints.json")["data"]]
    assert [c.step for c in checkpoints] == [10, 20, 30]
    assert checkpoints[0].model.endswith(":ckpt-step-10") and checkpoints[0].metrics["train_loss"] == 0.478
    assert checkpoints[-1].metrics["full_valid_loss"] == 0.114


def test_the_azure_dialect_answers_with_the_documented_fields():
    documented = set(azure_body("get_finetuning_job.json"))
    with SandboxServer(job_seconds=0.3, dialect="azure") as server:
        headers = {"api-key": "k"}
        file_id = httpx2.post(server.base_url + "/files", headers=headers, data={"purpose": "fine-tune"},
                              files={"file": ("t.jsonl", b"\xef\xbb\xbf" + jsonl(chat_rows(10)))}).json()["id"]
        job = httpx2.post(server.base_url + "/fine_tuning/jobs", headers=headers,
                          json={"model": "gpt-4o-mini-2024-07-18", "training_file": file_id,
                                "trainingType": "GlobalStandard"}).json()
    assert documented - set(job) <= {"finished_at", "fine_tuned_model", "result_files", "trained_tokens"}
    assert job["status"] in ("pending", "validating_files")


# -- Alibaba Bailian ------------------------------------------------------------------------------------------

def test_bailian_jobs_as_alibaba_documents_them():
    created = job_from_bailian(output(recorded("bailian/create_job.json")))
    assert (created.id, created.model, created.status, created.raw_status) == (
        "ft-202511272033-8ae7", "qwen3-8b", "queued", "PENDING")
    assert created.fine_tuned_model is None, "finetuned_output names the model only once the job succeeded"
    assert created.training_file == "9e9ffdfa-c3bf-436e-9613-6f053c66aa6e" and created.validation_file is None
    assert created.created_at == timestamp("2025-11-27 20:33:15")
    assert (created.hyperparameters.n_epochs, created.hyperparameters.batch_size) == (3, 16)
    assert created.hyperparameters.learning_rate_multiplier == pytest.approx(1.6)  # "1.6e-5" ÷ 1e-5
    running = job_from_bailian(output(recorded("bailian/get_job_running.json")))
    assert running.status == "running" and running.fine_tuned_model is None
    done = job_from_bailian(output(recorded("bailian/get_job_succeeded.json")))
    assert done.status == "succeeded" and done.fine_tuned_model == "qwen3-14b-suffix-ft-202410291653-1c7f"
    assert done.trained_tokens == 279_808 and done.finished_at == timestamp("2024-10-29 17:11:26")
    assert done.method == "supervised" and done.error_message is None


def test_bailian_upload_and_logs():
    uploaded = output(recorded("bailian/upload_file.json"))
    assert as_dict(uploaded["uploaded_files"][0])["file_id"] == "976bd01a-f30b-4414-86fd-50c54486e3ef"
    logs = output(recorded("bailian/job_logs.json"))
    events = events_from_logs("ft-202410291653-1c7f", logs["logs"])
    assert len(events) == 10 and events[-1].message.endswith("Training finished.")
    assert events[5].created_at == timestamp("2024-10-29 17:03:47")
    assert events[-1].created_at == timestamp("2024-10-29 17:11:25")
    assert not points_from_logs(events), "the closing train_runtime summary is no point on the curve"
    assert all(e.level == "info" for e in events)


def test_the_dashscope_sdk_reads_the_recorded_answers_and_ours_alike(tmp_path):
    """The SDK's FineTune reads every field it declares from the documented answer; our dialect's answer
    carries the same fields (the documented extra ``max_output_cnt`` aside)."""
    documented = FineTune(status_code=200, **recorded("bailian/create_job.json"))
    assert {f.name: getattr(documented.output, f.name) for f in dataclasses.fields(documented.output)}
    path = tmp_path / "train.jsonl"
    path.write_bytes(jsonl(chat_rows(10)))
    with SandboxServer(job_seconds=0.3, dialect="bailian") as server:
        headers = {"Authorization": "Bearer k"}
        upload = httpx2.post(server.base_url + "/files", headers=headers, data={"purpose": "fine-tune"},
                             files={"files": ("train.jsonl", path.read_bytes())}).json()
        file_id = upload["data"]["uploaded_files"][0]["file_id"]
        ours = httpx2.post(server.base_url + "/fine-tunes", headers=headers,
                           json={"model": "qwen3-8b", "training_file_ids": [file_id]}).json()
    assert set(recorded("bailian/create_job.json")["output"]) - set(ours["output"]) == {"max_output_cnt"}
    assert set(ours) == set(recorded("bailian/create_job.json"))


# -- Together AI -----------------------------------------------------------------------------------------------

def test_together_job_as_the_openapi_document_shows_it():
    """The truncated fine-tune (what create, list and cancel answer): ISO times with milliseconds, the model named
    by ``model_output_name`` once ``completed``, the tokens in ``token_count``."""
    job = job_from_together(recorded("together/finetune_truncated.json"))
    assert (job.id, job.model, job.status, job.raw_status) == (
        "ft-01234567890123456789", "meta-llama/Llama-2-7b-hf", "succeeded", "completed")
    assert job.fine_tuned_model == "mynamespace/meta-llama/Llama-2-7b-hf-32162631"
    assert (job.created_at, job.finished_at) == (timestamp("2023-05-17T17:35:45Z"), timestamp("2023-05-17T18:46:23Z"))
    assert job.trained_tokens == 850_000 and job.training_file == "file-01234567890123456789"
    assert job.validation_file is None and job.method == "supervised" and job.hyperparameters.n_epochs == 3
    assert job.hyperparameters.batch_size is None and job.hyperparameters.learning_rate_multiplier is None


def test_together_metrics_as_the_openapi_document_shows_them():
    points = points_from_metrics(recorded("together/metrics.json")["metrics"])
    assert [(p.step, p.train_loss, p.valid_loss) for p in points] == [(7, 0.5, None), (14, 0.45, None)]


def test_the_together_sdk_reads_the_recorded_answers_and_our_dialect_answers_alike(tmp_path):
    """The official SDK's types read the documented answers; our dialect's truncated job carries every documented
    field (``wandb_project_name`` only with a W&B project)."""
    documented = recorded("together/finetune_truncated.json")
    FineTuningListResponse.model_validate({"data": [documented]})
    FineTuningListMetricsResponse.model_validate(recorded("together/metrics.json"))
    with SandboxServer(job_seconds=0.3, dialect="together") as server:
        headers = {"Authorization": "Bearer k"}
        file_id = httpx2.post(server.base_url + "/files/upload", headers=headers,
                              data={"purpose": "fine-tune", "file_name": "t.jsonl", "file_type": "jsonl"},
                              files={"file": ("t.jsonl", jsonl(chat_rows(10)))}).json()["id"]
        ours = httpx2.post(server.base_url + "/fine-tunes", headers=headers,
                           json={"model": "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference",
                                 "training_file": file_id}).json()
    assert set(documented) - set(ours) == {"wandb_project_name"}
    assert ours["events"] == [] and job_from_together(ours).status == "queued"
    FineTuningListResponse.model_validate({"data": [ours]})


# -- Fireworks AI ----------------------------------------------------------------------------------------------

def test_fireworks_dataset_as_its_cookbook_recorded_it():
    """A new dataset is ``UPLOADING`` (no file yet, so not offered as one); its count is text, its time has
    microseconds."""
    created = recorded("fireworks/create_dataset.json")
    assert file_from_fireworks(created) is None
    ready = file_from_fireworks(created | {"state": "READY"})
    assert ready is not None and (ready.id, ready.filename, ready.purpose) == (
        "my-sample-dataset", "mySampleDataset", "fine-tune")
    assert ready.created_at == timestamp("2024-10-28T04:51:26Z")
    assert Dataset.model_validate(created).example_count == "5"


def test_the_fireworks_dialect_answers_a_new_dataset_with_the_recorded_fields():
    documented = recorded("fireworks/create_dataset.json")
    with SandboxServer(job_seconds=0.3, dialect="fireworks") as server:
        ours = httpx2.post(server.base_url + "/accounts/acct/datasets", headers={"Authorization": "Bearer k"},
                           json={"datasetId": "my-sample-dataset",
                                 "dataset": {"displayName": "mySampleDataset", "exampleCount": "5"}}).json()
    assert set(documented) <= set(ours)
    assert (ours["state"], ours["status"], ours["exampleCount"]) == ("UPLOADING", {"code": "OK", "message": ""}, "5")
    assert ours["name"] == "accounts/acct/datasets/my-sample-dataset" and file_from_fireworks(ours) is None
    Dataset.model_validate(ours)
