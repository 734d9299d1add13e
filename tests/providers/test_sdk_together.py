"""The official `together` SDK (3.x) judges the Sandbox's Together dialect: its own client, pointed at the Sandbox,
runs upload → create (SFT and DPO, LoRA and full) → retrieve → list → events → checkpoints → metrics → download →
cancel → delete, and every answer is checked again, strictly, against the SDK's own types (the SDK builds its objects
without checking them, so a wrong field would otherwise pass unnoticed)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

together = pytest.importorskip("together")

from together.types import FileResponse, FinetuneEvent, FinetuneResponse  # noqa: E402
from together.types.fine_tuning_cancel_response import FineTuningCancelResponse  # noqa: E402
from together.types.fine_tuning_list_checkpoints_response import FineTuningListCheckpointsResponse  # noqa: E402
from together.types.fine_tuning_list_response import FineTuningListResponse  # noqa: E402
from together.types.finetune_model_limits import FinetuneModelLimits  # noqa: E402

from sandbox.server import SandboxServer  # noqa: E402
from tests.sandbox.conftest import chat_rows, jsonl  # noqa: E402
from tests.waiting import DEADLINE  # noqa: E402

MODEL = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"
FINISHED = ("completed", "error", "cancelled")


def strictly(type_: Any, value: Any) -> Any:
    """``value`` (an SDK object or plain JSON) validated by pydantic against the SDK type; raises on a mismatch."""
    data = value.to_dict() if hasattr(value, "to_dict") else value
    return type_.model_validate(data)


@pytest.fixture
def server():
    with SandboxServer(job_seconds=0.6, dialect="together") as found:
        yield found


@pytest.fixture
def client(server):
    """The SDK at the Sandbox's origin (its paths carry /v1 themselves)."""
    found = together.Together(api_key="sk-test", base_url=server.origin, max_retries=0)
    yield found
    found.close()


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_bytes(jsonl(chat_rows(12)))
    return path


def finished(client, job_id: str) -> Any:
    """The job once it has ended (polled, never slept on)."""
    deadline = time.monotonic() + DEADLINE
    while (job := client.fine_tuning.retrieve(job_id)).status not in FINISHED:
        assert time.monotonic() < deadline, f"job {job_id} still {job.status}"
        time.sleep(0.05)
    return job


def test_upload_train_watch_download_and_delete(client, data):
    uploaded = client.files.upload(file=data, purpose="fine-tune", check=True)  # signed-URL flow, then preprocess
    assert strictly(FileResponse, uploaded).file_type == "jsonl" and uploaded.id.startswith("file-")
    assert uploaded.bytes == data.stat().st_size and uploaded.purpose == "fine-tune"
    assert [f.id for f in client.files.list().data] == [uploaded.id]
    assert client.files.content(uploaded.id).read() == data.read_bytes()
    assert strictly(FinetuneModelLimits, client.fine_tuning.model_limits(model_name=MODEL)).lora_training.max_rank

    created = client.fine_tuning.create(training_file=uploaded.id, validation_file=uploaded.id, model=MODEL,
                                        n_epochs=2, n_evals=2, suffix="shop", lora=True)
    assert created.id.startswith("ft-") and created.status in ("pending", "queued")
    assert created.training_type.type == "Lora" and created.training_method.method == "sft"
    job = finished(client, created.id)
    strictly(FinetuneResponse, job)
    assert job.status == "completed" and job.x_model_output_name.startswith("sandbox/Meta-Llama-3.1-8B")
    assert "-shop-" in job.x_model_output_name and job.created_at.year >= 2024 and job.token_count > 0

    listed = strictly(FineTuningListResponse, client.fine_tuning.list())
    assert [j.id for j in listed.data] == [job.id] and listed.data[0].status == "completed"
    events = client.fine_tuning.list_events(job.id).data
    assert [strictly(FinetuneEvent, e).type for e in events][0] == "job_pending"
    assert {"training_start", "epoch_complete", "checkpoint_save", "job_complete"} <= {e.type for e in events}
    checkpoints = strictly(FineTuningListCheckpointsResponse, client.fine_tuning.list_checkpoints(job.id)).data
    assert checkpoints[0].checkpoint_type == "Final" and checkpoints[0].path == job.x_model_output_name
    assert all(c.step > 0 for c in checkpoints)
    metrics = client.fine_tuning.list_metrics(job.id).metrics
    assert metrics and "train/loss" in metrics[0] and any("eval/loss" in m for m in metrics)
    weights = client.fine_tuning.content(ft_id=job.id, checkpoint="adapter").read()
    assert b"no real model" in weights

    assert client.fine_tuning.delete(job.id).message
    assert client.fine_tuning.list().data == []
    assert client.files.delete(uploaded.id).deleted is True


def test_dpo_full_training_and_cancel(client, server, tmp_path):
    server.app.state.sandbox.job_seconds = 30.0  # still running when it is cancelled
    rows = [{"input": {"messages": [{"role": "user", "content": f"Price of item {i}?"}]},
             "preferred_output": [{"role": "assistant", "content": f"Item {i} costs {i} dollars."}],
             "non_preferred_output": [{"role": "assistant", "content": "No idea."}]} for i in range(12)]
    path = tmp_path / "prefs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    uploaded = client.files.upload(file=path, purpose="fine-tune")
    created = client.fine_tuning.create(training_file=uploaded.id, model=MODEL, lora=False, training_method="dpo",
                                        dpo_beta=0.2)
    assert created.training_type.type == "Full" and created.training_method.method == "dpo"
    assert created.training_method.dpo_beta == 0.2
    cancelled = client.fine_tuning.cancel(created.id)
    assert strictly(FineTuningCancelResponse, cancelled).status == "cancelled"
    with pytest.raises(together.BadRequestError):
        client.fine_tuning.cancel(created.id)  # already cancelled


def test_refusals_are_the_sdks_errors(client, data):
    uploaded = client.files.upload(file=data, purpose="fine-tune")
    with pytest.raises(together.BadRequestError, match="not supported for fine-tuning"):
        client.fine_tuning.model_limits(model_name="gpt-4o-mini")
    with pytest.raises(together.NotFoundError):
        client.fine_tuning.retrieve("ft-missing")
    with pytest.raises(together.BadRequestError, match="suffix"):
        client.fine_tuning.create(training_file=uploaded.id, model=MODEL, suffix="x" * 41)
