"""The Bailian dialect judged by Alibaba's official DashScope SDK (``dashscope``): its 1.x classes
(``Files``, ``FineTunes``, ``Deployments``, pointed at the Sandbox through ``dashscope.base_http_api_url``)
and its newer 2.x client (``dashscope.Client``: ``files``, ``fine_tunes``, ``deployments``), then chat
through the ``openai`` SDK at the OpenAI-compatible address.

The 1.x answers are dataclasses that read only the fields a response carries; a declared field that is
missing fails when it is read (``'FineTuneOutput' object has no attribute 'finetuned_output'``), so every
declared field of every answer is read here. The 2.x answers are pydantic models.
"""

from __future__ import annotations

import dataclasses

import dashscope
import openai
import pytest
from dashscope.finetune.customize_types import DeploymentOutput, FineTuneOutput
from dashscope.v2.errors import NotFoundError

from sandbox.server import SandboxServer
from tests.sandbox.conftest import chat_rows, jsonl
from tests.waiting import wait_until

BASE = "qwen3-8b"
KEY = "sk-bailian"
QUESTION, TRAINED = "第3号产品多少钱？", "第3号产品售价30元。"


@pytest.fixture(scope="module")
def server():
    with SandboxServer(job_seconds=0.6, dialect="bailian") as running:
        yield running


@pytest.fixture
def sdk(server):
    """The 1.x SDK's module-wide settings, pointed at the Sandbox and put back afterwards."""
    saved = dashscope.base_http_api_url, dashscope.api_key
    dashscope.base_http_api_url, dashscope.api_key = server.base_url, KEY
    yield dashscope
    dashscope.base_http_api_url, dashscope.api_key = saved


@pytest.fixture(scope="module")
def client(server):
    with dashscope.Client(api_key=KEY, base_url=server.base_url, max_retries=0) as v2:
        yield v2


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("bailian") / "train.jsonl"
    path.write_bytes(jsonl(chat_rows(12, "zh")))
    return path


def read_all(answer: object) -> dict[str, object]:
    """Every field the SDK's dataclass declares, read as a program using it would."""
    return {field.name: getattr(answer, field.name) for field in dataclasses.fields(answer)}


def succeeded(sdk, job_id: str):
    wait_until(lambda: sdk.FineTunes.get(job_id).output.status in ("SUCCEEDED", "FAILED", "CANCELED"))
    return sdk.FineTunes.get(job_id)


def test_files_v1(sdk, data):
    uploaded = sdk.Files.upload(str(data), purpose="fine-tune", description="shop")
    assert uploaded.status_code == 200 and uploaded.request_id
    file_id = uploaded.output["uploaded_files"][0]["file_id"]
    listed = sdk.Files.list(page=1, page_size=100)
    assert file_id in [f["file_id"] for f in listed.output["files"]] and listed.output["total"] >= 1
    details = sdk.Files.get(file_id).output
    assert details["name"] == "train.jsonl" and details["size"] == data.stat().st_size and details["url"]
    assert sdk.Files.delete(file_id).status_code == 200
    missing = sdk.Files.get(file_id)
    assert missing.status_code == 400 and missing.code == "InvalidParameter" and "not found" in missing.message


def test_a_job_from_upload_to_deployment_and_chat_v1(sdk, server, data):
    file_id = sdk.Files.upload(str(data)).output["uploaded_files"][0]["file_id"]
    created = sdk.FineTunes.call(model=BASE, training_file_ids=file_id, validation_file_ids=[file_id],
                                 mode="efficient_sft", hyper_parameters={"n_epochs": 2})
    assert created.status_code == 200, created.message
    assert isinstance(created.output, FineTuneOutput) and created.output.status == "PENDING"
    fields = read_all(created.output)  # the reported failure: finetuned_output missing from the create answer
    assert fields["finetuned_output"] == f"{BASE}-{created.output.job_id}" and fields["training_file_ids"] == [file_id]
    assert fields["training_type"] == "efficient_sft" and fields["hyper_parameters"]["n_epochs"] == 2
    assert str(created)

    final = succeeded(sdk, created.output.job_id)
    job = read_all(final.output)
    assert job["status"] == "SUCCEEDED" and job["finetuned_output"] == fields["finetuned_output"]
    assert job["usage"] > 0 and job["end_time"] >= job["create_time"]
    listed = sdk.FineTunes.list(page_no=1, page_size=10)
    assert created.output.job_id in [j.job_id for j in listed.output.jobs]
    assert all(isinstance(j, FineTuneOutput) and read_all(j) for j in listed.output.jobs)
    assert listed.output.total >= 1 and listed.output.page_no == 1

    logs = sdk.FineTunes.logs(created.output.job_id, offset=0, line=1000)
    assert logs.status_code == 200 and logs.output["total"] == len(logs.output["logs"])
    assert any("'loss'" in line for line in logs.output["logs"]) and logs.output["logs"][-1] == "##FT_COMPLETE##"
    events = list(sdk.FineTunes.stream_events(created.output.job_id))
    assert events and all(e.status_code == 200 and isinstance(e.output, str) for e in events)
    assert [e.output for e in events] == logs.output["logs"]

    model = job["finetuned_output"]
    deployed = sdk.Deployments.call(model=model, capacity=1, plan="lora")
    assert deployed.status_code == 200 and isinstance(deployed.output, DeploymentOutput)
    deployment = read_all(deployed.output)
    assert deployment["model_name"] == model and deployment["status"] in ("PENDING", "DEPLOYING")
    name = deployment["deployed_model"]
    wait_until(lambda: sdk.Deployments.get(name).output.status == "RUNNING")
    assert read_all(sdk.Deployments.get(name).output)["ready_capacity"] == 1
    assert name in [d.deployed_model for d in sdk.Deployments.list().output.deployments]
    with openai.OpenAI(base_url=server.origin + "/compatible-mode/v1", api_key=KEY, max_retries=0,
                       _strict_response_validation=True) as chat:
        chunks = list(chat.chat.completions.create(model=name, messages=[{"role": "user", "content": QUESTION}],
                                                   stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == TRAINED
    removed = sdk.Deployments.delete(name)
    assert removed.status_code == 200 and removed.output.status == "DELETING"
    assert sdk.FineTunes.delete(created.output.job_id).output.status == "success"


def test_cancel_and_refusals_v1(sdk, server, data):
    with SandboxServer(job_seconds=30, dialect="bailian") as slow:
        dashscope.base_http_api_url = slow.base_url
        file_id = sdk.Files.upload(str(data)).output["uploaded_files"][0]["file_id"]
        job = sdk.FineTunes.call(model=BASE, training_file_ids=[file_id])
        busy = sdk.FineTunes.delete(job.output.job_id)  # "a job in training cannot be deleted" (the docs)
        assert busy.status_code == 400 and busy.code == "UnsupportedOperation"
        cancelled = sdk.FineTunes.cancel(job.output.job_id)
        assert cancelled.status_code == 200 and cancelled.output.status == "success"
        assert sdk.FineTunes.get(job.output.job_id).output.status in ("CANCELING", "CANCELED")
        refused = sdk.FineTunes.call(model=BASE, training_file_ids=[file_id], finetuned_output="mine")
        assert refused.status_code == 400 and refused.code == "InvalidParameter"
        missing = sdk.FineTunes.get("ft-202401010000-0000")
        assert missing.status_code == 404 and missing.code == "NotFound"


def test_the_v2_client(client, server, data):
    uploaded = client.files.upload(file_path=str(data), description="shop")
    assert uploaded.file_id and uploaded.name == "train.jsonl" and not uploaded.is_error
    assert uploaded.file_id in [f.file_id for f in client.files.list(page_size=100).files]
    assert client.files.get(uploaded.file_id).size == data.stat().st_size

    job = client.fine_tunes.create(model=BASE, training_file_ids=uploaded.file_id, mode="efficient_sft",
                                   hyper_parameters={"n_epochs": 1}, finetuned_model="shop bot")
    assert job.job_id and job.status == "PENDING" and job.created_at and not job.is_error
    wait_until(lambda: client.fine_tunes.get(job.job_id).finished)
    final = client.fine_tunes.get(job.job_id)
    assert final.succeeded and final.finetuned_model == f"{BASE}-{job.job_id}" and final.finished_at and final.usage
    assert final.usage.total_tokens > 0 and final.hyper_parameters["n_epochs"] == 1
    listed = client.fine_tunes.list(page_size=100)
    assert job.job_id in [j.job_id for j in listed.jobs] and listed.total_count >= 1
    logs = client.fine_tunes.logs(job.job_id, offset=0)
    assert "##FT_COMPLETE##" in logs.content and "'loss'" in logs.content
    frames = list(client.fine_tunes.stream_events(job.job_id))
    assert frames and not any(f.is_error for f in frames) and frames[-1].output == "##FT_COMPLETE##"

    deployed = client.deployments.create(model=final.finetuned_model, capacity=1, plan="lora", suffix="bot")
    assert deployed.deployed_model and deployed.model == final.finetuned_model and deployed.created_at
    wait_until(lambda: client.deployments.get(deployed.deployed_model).status == "RUNNING")
    assert deployed.deployed_model in [d.deployed_model for d in client.deployments.list().deployments]
    assert client.deployments.delete(deployed.deployed_model).status == "DELETING"
    assert client.fine_tunes.delete(job.job_id).status == "success"
    assert client.files.delete(uploaded.file_id).deleted
    with pytest.raises(NotFoundError):  # the service's 400 "File not found.", as the SDK reads it
        client.files.get(uploaded.file_id)
