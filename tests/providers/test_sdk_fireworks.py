"""The official `fireworks-ai` SDK (1.x) judges the Sandbox's Fireworks dialect: its own client, pointed at the
Sandbox, runs dataset create → upload → supervised fine-tuning job create → get → list → cancel → delete, the
resulting model, a deployment of it (billed while it exists) with chat through it, and the removals; every answer is
checked again, strictly, against the SDK's own types."""

from __future__ import annotations

import time
from typing import Any

import pytest

fireworks = pytest.importorskip("fireworks")

from fireworks.types import Account, Dataset, Deployment, Model, SupervisedFineTuningJob  # noqa: E402

from sandbox.server import SandboxServer  # noqa: E402
from tests.sandbox.conftest import chat_rows, jsonl  # noqa: E402
from tests.waiting import DEADLINE  # noqa: E402

ACCOUNT = "my-team"
BASE = "accounts/fireworks/models/llama-v3p1-8b-instruct"
FINISHED = ("JOB_STATE_COMPLETED", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED")


def strictly(type_: Any, value: Any) -> Any:
    """``value`` (an SDK object) validated by pydantic against the SDK type; raises on a mismatch."""
    return type_.model_validate(value.to_dict())


@pytest.fixture
def server():
    with SandboxServer(job_seconds=0.6, dialect="fireworks") as found:
        yield found


@pytest.fixture
def client(server):
    """The SDK at the Sandbox's origin (its control-plane paths carry /v1 themselves)."""
    found = fireworks.Fireworks(api_key="fw-test", account_id=ACCOUNT, base_url=server.origin, max_retries=0)
    yield found
    found.close()


def until(check, what: str) -> Any:
    """Poll ``check()`` until it gives something truthy (never a fixed sleep)."""
    deadline = time.monotonic() + DEADLINE
    while not (found := check()):
        assert time.monotonic() < deadline, what
        time.sleep(0.05)
    return found


def dataset(client, tmp_path, dataset_id: str = "prices") -> str:
    path = tmp_path / f"{dataset_id}.jsonl"
    path.write_bytes(jsonl(chat_rows(12)))
    created = client.datasets.create(dataset_id=dataset_id, dataset={"display_name": "Prices", "example_count": "12",
                                                                     "user_uploaded": {}})
    assert strictly(Dataset, created).state == "UPLOADING" and created.name == f"accounts/{ACCOUNT}/datasets/prices"
    uploaded = client.datasets.upload(dataset_id, file=path)
    assert uploaded.bytes == path.stat().st_size
    ready = strictly(Dataset, client.datasets.get(dataset_id))
    assert ready.state == "READY" and ready.example_count == "12" and ready.display_name == "Prices"
    return created.name


def test_dataset_job_model_deployment_chat_and_removal(client, server, tmp_path):
    name = dataset(client, tmp_path)
    assert [d.name for d in client.datasets.list()] == [name]
    job = client.supervised_fine_tuning_jobs.create(dataset=name, base_model=BASE, epochs=2, learning_rate=1e-4,
                                                    lora_rank=8, output_model="prices-bot", display_name="Prices",
                                                    evaluation_dataset=name, supervised_fine_tuning_job_id="prices-1")
    assert strictly(SupervisedFineTuningJob, job).name == f"accounts/{ACCOUNT}/supervisedFineTuningJobs/prices-1"
    assert job.state in ("JOB_STATE_VALIDATING", "JOB_STATE_PENDING") and job.output_model.endswith("/prices-bot")
    done = until(lambda: (found := client.supervised_fine_tuning_jobs.get("prices-1")).state in FINISHED and found,
                 "the job did not end")
    strictly(SupervisedFineTuningJob, done)
    assert done.state == "JOB_STATE_COMPLETED" and done.job_progress.percent == 100 and done.completed_time
    assert [j.name for j in client.supervised_fine_tuning_jobs.list()] == [done.name]

    model = strictly(Model, client.models.get("prices-bot"))
    assert model.kind == "HF_PEFT_ADDON" and model.peft_details.base_model == BASE and model.state == "READY"
    assert [m.name for m in client.models.list()] == [done.output_model]
    chat = fireworks.Fireworks(api_key="fw-test", account_id=ACCOUNT, base_url=server.origin + "/inference")
    question = [{"role": "user", "content": "What is 3 plus 3?"}]
    with pytest.raises(fireworks.NotFoundError, match="not deployed"):  # a LoRA answers only once deployed
        chat.chat.completions.create(model=done.output_model, messages=question)

    deployment = client.deployments.create(base_model=done.output_model, deployment_id="prices-live")
    assert strictly(Deployment, deployment).state == "CREATING"
    until(lambda: client.deployments.get("prices-live").state == "READY", "the deployment never became ready")
    answer = chat.chat.completions.create(model=f"{done.output_model}#{deployment.name}", messages=question)
    assert answer.choices[0].message.content == "3 plus 3 is 6."
    with pytest.raises(fireworks.APIStatusError, match="deployed"):
        client.models.delete("prices-bot")  # not while a deployment uses it
    client.deployments.delete("prices-live")
    assert list(client.deployments.list()) == []
    client.models.delete("prices-bot")
    assert list(client.models.list()) == []
    client.supervised_fine_tuning_jobs.delete("prices-1")
    client.datasets.delete("prices")
    assert list(client.datasets.list()) == []
    chat.close()


def test_the_key_names_its_account(client):
    [account] = list(client.accounts.list())
    assert strictly(Account, account).name == "accounts/sandbox" and account.state == "READY"


def test_cancel_and_refusals(client, server, tmp_path):
    server.app.state.sandbox.job_seconds = 30.0  # still running when it is cancelled
    name = dataset(client, tmp_path)
    client.supervised_fine_tuning_jobs.create(dataset=name, base_model=BASE, supervised_fine_tuning_job_id="slow")
    with pytest.raises(fireworks.ConflictError):  # the client names the job: a second create is refused
        client.supervised_fine_tuning_jobs.create(dataset=name, base_model=BASE, supervised_fine_tuning_job_id="slow")
    client.supervised_fine_tuning_jobs.cancel("slow", body={})  # the SDK requires a (empty) body
    assert client.supervised_fine_tuning_jobs.get("slow").state == "JOB_STATE_CANCELLED"
    with pytest.raises(fireworks.NotFoundError) as caught:
        client.supervised_fine_tuning_jobs.get("missing")
    assert caught.value.body["code"] == 5  # the gRPC gateway's NOT_FOUND
    with pytest.raises(fireworks.BadRequestError, match="baseModel"):
        client.supervised_fine_tuning_jobs.create(dataset=name, base_model="gpt-4o-mini")
    with pytest.raises(fireworks.BadRequestError, match="dataset"):
        client.supervised_fine_tuning_jobs.create(dataset="accounts/my-team/datasets/none", base_model=BASE)
