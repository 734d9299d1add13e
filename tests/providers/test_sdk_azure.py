"""The Azure dialect judged by the official ``openai`` SDK, the client Microsoft documents for Azure OpenAI.

Two clients, both with strict response validation (every answer is parsed into the SDK's pydantic types
and a field of the wrong type fails the test):
- ``AzureOpenAI`` at the v1 GA path (``…/openai/v1``) with ``api_version="preview"`` and the ``api-key``
  header, as Microsoft's v1 samples for preview features do;
- plain ``OpenAI`` at the same path with a bearer key: what our adapter sends (``core/providers/azure.py``),
  and Microsoft's recommended client for the v1 API. Chat goes through it, since ``AzureOpenAI`` rewrites
  chat to the older ``/deployments/{name}/chat/completions`` path that the v1 API replaces.
Azure reports ``pending`` and ``paused``, which the SDK's status list lacks: those answers are checked
with lenient parsing and the typed fields read one by one.
"""

from __future__ import annotations

import codecs
import re

import httpx2
import openai
import pytest
from openai.types import FileDeleted, FileObject, Model
from openai.types.fine_tuning import FineTuningJob, FineTuningJobEvent
from openai.types.fine_tuning.jobs import FineTuningJobCheckpoint

from sandbox.server import SandboxServer
from tests.sandbox.conftest import chat_rows, jsonl
from tests.waiting import wait_until

BASE = "gpt-4o-mini-2024-07-18"
KEY = "azure-key"
QUESTION, TRAINED = "第3号产品多少钱？", "第3号产品售价30元。"
TERMINAL = ("succeeded", "failed", "cancelled")


@pytest.fixture(scope="module")
def server():
    with SandboxServer(job_seconds=0.6, dialect="azure") as running:
        yield running


@pytest.fixture(scope="module")
def azure(server):
    with openai.AzureOpenAI(base_url=server.base_url, api_version="preview", api_key=KEY, max_retries=0,
                            _strict_response_validation=True) as client:
        yield client


@pytest.fixture(scope="module")
def v1(server):
    with openai.OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0,
                       _strict_response_validation=True) as client:
        yield client


@pytest.fixture(scope="module")
def uploaded(azure) -> FileObject:
    data = codecs.BOM_UTF8 + jsonl(chat_rows(12, "zh"))
    return azure.files.create(file=("train.jsonl", data), purpose="fine-tune")


def finished(client: openai.OpenAI, job_id: str) -> FineTuningJob:
    with openai.OpenAI(base_url=str(client.base_url), api_key=KEY, max_retries=0) as loose:
        wait_until(lambda: loose.fine_tuning.jobs.retrieve(job_id).status in TERMINAL)
    return client.fine_tuning.jobs.retrieve(job_id)  # strict again: a finished job has a listed status


def test_files_through_the_azure_client(azure, uploaded):
    assert isinstance(uploaded, FileObject) and uploaded.purpose == "fine-tune" and uploaded.bytes > 0
    assert uploaded.filename == "train.jsonl" and uploaded.status in ("uploaded", "processed")
    assert uploaded.id in [f.id for f in azure.files.list()]
    assert azure.files.retrieve(uploaded.id).id == uploaded.id
    assert azure.files.content(uploaded.id).content.startswith(codecs.BOM_UTF8)
    spare = azure.files.create(file=("spare.jsonl", codecs.BOM_UTF8 + jsonl(chat_rows(10))), purpose="fine-tune")
    deleted = azure.files.delete(spare.id)
    assert isinstance(deleted, FileDeleted) and deleted.deleted and deleted.id == spare.id
    with pytest.raises(openai.NotFoundError):
        azure.files.retrieve(spare.id)


def test_a_job_from_upload_to_chat(azure, v1, server, uploaded):
    job = azure.fine_tuning.jobs.create(
        model=BASE, training_file=uploaded.id, validation_file=uploaded.id, suffix="shop",
        method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 2}}},
        extra_body={"trainingType": "GlobalStandard"})
    assert isinstance(job, FineTuningJob) and job.model == BASE and job.training_file == uploaded.id
    final = finished(azure, job.id)
    assert final.status == "succeeded" and final.trained_tokens and final.finished_at
    assert re.fullmatch(rf"{re.escape(BASE)}\.ft-[0-9a-f]{{32}}", final.fine_tuned_model or "")
    assert final.method and final.method.type == "supervised" and final.method.supervised
    assert final.method.supervised.hyperparameters.n_epochs == 2
    assert final.hyperparameters.n_epochs == 2
    assert job.id in [j.id for j in azure.fine_tuning.jobs.list(limit=5)]

    events = list(azure.fine_tuning.jobs.list_events(job.id, limit=100))
    assert events and all(isinstance(e, FineTuningJobEvent) for e in events)
    metrics = [e for e in events if e.type == "metrics"]
    assert metrics and all(isinstance(e.data, dict) and "train_loss" in e.data and "step" in e.data for e in metrics)
    assert {e.level for e in events} <= {"info", "warn", "error"}
    checkpoints = azure.fine_tuning.jobs.checkpoints.list(job.id).data
    assert checkpoints and all(isinstance(c, FineTuningJobCheckpoint) for c in checkpoints)
    assert checkpoints[0].fine_tuned_model_checkpoint and checkpoints[0].metrics.train_loss is not None

    models = azure.models.list().data
    assert all(isinstance(m, Model) for m in models) and final.fine_tuned_model in [m.id for m in models]
    # Deploying is the portal's part (control plane); the Sandbox's admin route stands in for it.
    httpx2.put(server.origin + "/_sandbox/deployments/shop-bot", json={"model": final.fine_tuned_model})
    stream = v1.chat.completions.create(model="shop-bot", messages=[{"role": "user", "content": QUESTION}],
                                        stream=True)
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == TRAINED
    whole = v1.chat.completions.create(model="shop-bot", messages=[{"role": "user", "content": QUESTION}])
    assert whole.choices[0].message.content == TRAINED and whole.usage and whole.usage.total_tokens > 0
    with pytest.raises(openai.NotFoundError, match="DeploymentNotFound|deployment"):
        v1.chat.completions.create(model=final.fine_tuned_model, messages=[{"role": "user", "content": "hi"}])


def test_pause_resume_and_cancel(azure, uploaded, server):
    with SandboxServer(job_seconds=5, dialect="azure") as slow, openai.OpenAI(
            base_url=slow.base_url, api_key=KEY, max_retries=0) as loose:
        file = loose.files.create(file=("t.jsonl", codecs.BOM_UTF8 + jsonl(chat_rows(12))), purpose="fine-tune")
        job = loose.fine_tuning.jobs.create(model=BASE, training_file=file.id,
                                            extra_body={"trainingType": "Developer"})
        assert job.status in ("pending", "validating_files", "queued")  # Azure says pending where OpenAI says queued
        wait_until(lambda: loose.fine_tuning.jobs.retrieve(job.id).status == "running")
        paused = loose.fine_tuning.jobs.pause(job.id)
        assert paused.status == "paused"  # reported by Azure, not in the SDK's list
        assert loose.fine_tuning.jobs.resume(job.id).status == "running"
        cancelled = loose.fine_tuning.jobs.cancel(job.id)
        assert cancelled.status in ("cancelled", "cancelling")
        with pytest.raises(openai.BadRequestError):
            loose.fine_tuning.jobs.resume(job.id)


def test_the_api_key_header_and_errors(server, azure):
    with pytest.raises(openai.BadRequestError) as refused:
        azure.fine_tuning.jobs.create(model=BASE, training_file="file-missing",
                                      extra_body={"trainingType": "GlobalStandard"})
    assert refused.value.status_code == 400 and refused.value.param == "training_file"
    answer = httpx2.get(server.base_url + "/models", params={"api-version": "preview"}, headers={"api-key": KEY})
    assert answer.status_code == 200
    assert httpx2.get(server.base_url + "/models").status_code == 401
