"""The Zhipu dialect judged by Zhipu's official Python SDK (``zhipuai``), with strict response validation:
every answer is parsed into the SDK's pydantic types, and a field of the wrong type fails the test."""

from __future__ import annotations

import pytest
from zhipuai import ZhipuAI
from zhipuai.core import APIStatusError
from zhipuai.types.chat.chat_completion import Completion
from zhipuai.types.chat.chat_completion_chunk import ChatCompletionChunk
from zhipuai.types.files import FileDeleted, FileObject
from zhipuai.types.fine_tuning import FineTuningJob, FineTuningJobEvent, ListOfFineTuningJob
from zhipuai.types.fine_tuning.models import FineTunedModelsStatus

from sandbox.server import SandboxServer
from tests.sandbox.conftest import chat_rows, jsonl
from tests.waiting import wait_until

BASE = "glm-4-flash"
QUESTION, TRAINED = "第3号产品多少钱？", "第3号产品售价30元。"
TERMINAL = ("succeeded", "failed", "cancelled")


@pytest.fixture(scope="module")
def server():
    with SandboxServer(job_seconds=0.6, dialect="zhipu") as running:
        yield running


@pytest.fixture(scope="module")
def client(server):
    sdk = ZhipuAI(api_key="id.secret", base_url=server.base_url, max_retries=0, _strict_response_validation=True)
    yield sdk
    sdk.close()


@pytest.fixture(scope="module")
def uploaded(client) -> FileObject:
    return client.files.create(file=("train.jsonl", jsonl(chat_rows(12, "zh"))), purpose="fine-tune")


def test_files(client, uploaded):
    assert isinstance(uploaded, FileObject) and uploaded.id and uploaded.purpose == "fine-tune"
    assert uploaded.bytes and uploaded.bytes > 0 and uploaded.filename == "train.jsonl"
    assert uploaded.id in [f.id for f in client.files.list(purpose="fine-tune").data]
    assert client.files.content(uploaded.id).content == jsonl(chat_rows(12, "zh"))
    spare = client.files.create(file=("spare.jsonl", jsonl(chat_rows(10))), purpose="fine-tune")
    deleted = client.files.delete(spare.id)
    assert isinstance(deleted, FileDeleted) and deleted.deleted and deleted.id == spare.id


def test_a_job_from_upload_to_chat_and_delete(client, server, uploaded):
    job = client.fine_tuning.jobs.create(model=BASE, training_file=uploaded.id, validation_file=uploaded.id,
                                         suffix="shop", hyperparameters={"n_epochs": 2}, request_id="ours-1")
    assert isinstance(job, FineTuningJob) and job.model == BASE and job.request_id == "ours-1"
    assert job.status in ("create", "created", "pending", "validating_files", "queued", "running")
    wait_until(lambda: client.fine_tuning.jobs.retrieve(job.id).status in TERMINAL)
    final = client.fine_tuning.jobs.retrieve(job.id)
    assert final.status == "succeeded" and final.fine_tuned_model and final.trained_tokens
    assert final.fine_tuned_model.startswith(BASE + "-") and final.fine_tuned_model.endswith("-shop")
    assert final.hyperparameters and str(final.hyperparameters.n_epochs) == "2"
    assert final.created_at and final.finished_at and final.finished_at >= final.created_at
    listed = client.fine_tuning.jobs.list(limit=5)
    assert isinstance(listed, ListOfFineTuningJob) and job.id in [j.id for j in listed.data]

    events = client.fine_tuning.jobs.list_events(job.id, limit=100)
    assert isinstance(events, FineTuningJobEvent) and events.data
    metrics = [e.data for e in events.data if e.type == "metrics"]
    assert metrics and all(m and m.current_steps and m.loss is not None for m in metrics)
    assert any(m.eval_loss is not None for m in metrics if m)

    # Streamed chunks are read as the SDK reads them by default (leniently): its chunk type requires an
    # ``extra_json`` field that no documented answer carries, so strict parsing fails on any real stream.
    lenient = ZhipuAI(api_key="id.secret", base_url=server.base_url, max_retries=0)
    chunks = list(lenient.chat.completions.create(model=final.fine_tuned_model,
                                                  messages=[{"role": "user", "content": QUESTION}], stream=True))
    lenient.close()
    assert all(isinstance(c, ChatCompletionChunk) and c.model == final.fine_tuned_model for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == TRAINED
    assert chunks[-1].choices[0].finish_reason == "stop"
    whole = client.chat.completions.create(model=final.fine_tuned_model,
                                           messages=[{"role": "user", "content": QUESTION}])
    assert isinstance(whole, Completion) and whole.choices[0].message.content == TRAINED
    assert whole.usage and whole.usage.total_tokens > 0

    status = client.fine_tuning.models.delete(final.fine_tuned_model)
    assert isinstance(status, FineTunedModelsStatus) and status.delete_status in ("deleting", "deleted")
    assert status.model_name == final.fine_tuned_model
    gone = client.fine_tuning.jobs.delete(job.id)
    assert isinstance(gone, FineTuningJob) and gone.id == job.id
    with pytest.raises(APIStatusError):
        client.fine_tuning.jobs.retrieve(job.id)


def test_cancel(client, uploaded):
    with SandboxServer(job_seconds=30, dialect="zhipu") as slow:
        sdk = ZhipuAI(api_key="id.secret", base_url=slow.base_url, max_retries=0, _strict_response_validation=True)
        file = sdk.files.create(file=("t.jsonl", jsonl(chat_rows(12))), purpose="fine-tune")
        job = sdk.fine_tuning.jobs.create(model=BASE, training_file=file.id)
        cancelled = sdk.fine_tuning.jobs.cancel(job.id)
        assert isinstance(cancelled, FineTuningJob) and cancelled.status in ("cancelled", "cancelling")
        with pytest.raises(APIStatusError) as refused:
            sdk.fine_tuning.jobs.cancel(job.id)
        assert refused.value.status_code == 400
        sdk.close()
