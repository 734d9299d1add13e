"""Every adapter end to end against the Sandbox speaking its provider's dialect, over real HTTP:
upload → create → watch to success → loss curve → chat with the result → delete (where the provider can)."""

from __future__ import annotations

import codecs
from dataclasses import replace

import httpx2
import pytest

from core.chat import ChatRequest, ask, transcript_messages
from core.dataset.estimate import price_table
from core.errors import CoreError
from core.providers.records import JobRequest
from core.providers.registry import spec_for
from core.training.jobs import watch
from sandbox.catalogue import PREFIXES
from tests.lost_answers import LostAnswers
from tests.providers.conftest import BASE_MODELS
from tests.waiting import eventually

ALL = ["openai", "azure", "zhipu", "bailian"]
QUESTION, TRAINED = "第3号产品多少钱？", "第3号产品售价30元。"


async def train(provider, data, dialect):
    uploaded = await provider.upload(data)
    job = await provider.create_job(JobRequest(BASE_MODELS[dialect], uploaded.id, validation_file=uploaded.id,
                                               suffix="shop"))
    updates = [u async for u in watch(provider, job.id, interval=0.1)]
    return uploaded, updates


async def callable_name(provider, server, model):
    """What a user does before chatting where a deployment is needed."""
    if server.dialect == "azure":  # in the Azure portal: Deploy, name it
        httpx2.put(server.origin + "/_sandbox/deployments/shop-bot", json={"model": model})
        return "shop-bot"
    if provider.capabilities.can_deploy:
        deployment = await provider.deploy(model)
        assert deployment.status == "deploying"

        async def ready():
            return (found := await provider.deployment(model)) is not None and found.ready

        await eventually(ready)
    return await provider.chat_model(model)


@pytest.mark.parametrize("dialect_server", ALL, indirect=True)
async def test_upload_train_chat_and_delete(dialect_server, provider, data):
    assert (await provider.probe()).startswith("The key works")
    uploaded, updates = await train(provider, data, dialect_server.dialect)
    assert uploaded.id in [f.id for f in await provider.list_files()]
    final = updates[-1].job
    assert final.status == "succeeded" and final.raw_status and final.fine_tuned_model
    events = [e for u in updates for e in u.events]
    assert events, "every provider shows what the job is doing (events or log lines)"
    points = await provider.metrics(final, events)
    assert len(points) > 5 and points[0].train_loss is not None and points[-1].valid_loss is not None
    mine = [m for m in await provider.list_models() if m.fine_tuned]
    assert [m.id for m in mine] == [final.fine_tuned_model] and mine[0].base == BASE_MODELS[dialect_server.dialect]
    offered = await provider.base_models()  # the spec's models, then the account's own to continue training
    listed = spec_for(provider.profile.kind).base_models or sorted(price_table().per_million)
    assert [m.id for m in offered if not m.own] == list(listed)
    assert final.fine_tuned_model in [m.id for m in offered if m.own]

    name = await callable_name(provider, dialect_server, final.fine_tuned_model)
    answer = await ask(provider.chat_client, ChatRequest(name, transcript_messages("", [], QUESTION)),
                       lambda _: None)
    assert answer.text == TRAINED and answer.streamed

    if provider.capabilities.supports_delete_model:
        await provider.delete_model(final.fine_tuned_model)
        assert not [m for m in await provider.list_models() if m.fine_tuned]
    else:
        with pytest.raises(CoreError, match="does not offer"):
            await provider.delete_model(final.fine_tuned_model)
    if provider.capabilities.can_deploy:  # the deployment is billed while it exists: remove it
        await provider.undeploy(await provider.deployment(final.fine_tuned_model))
        assert await provider.deployment(final.fine_tuned_model) is None
    assert (await provider.file_content(uploaded.id)).lstrip(codecs.BOM_UTF8) == data.read_bytes()
    await provider.delete_file(uploaded.id)
    assert uploaded.id not in [f.id for f in await provider.list_files()]


@pytest.mark.parametrize("dialect_server", ["zhipu"], indirect=True)
async def test_a_file_too_large_for_the_provider_is_refused_before_sending(dialect_server, provider, data):
    provider.capabilities = replace(provider.capabilities, max_file_bytes=100)
    with pytest.raises(CoreError, match="at most 0 MB"):
        await provider.upload(data)
    assert await provider.list_files() == []


@pytest.mark.parametrize("dialect_server", ["azure"], indirect=True)
async def test_azure_gets_bom_files_and_a_training_type(dialect_server, provider, data):
    uploaded = await provider.upload(data)
    assert (await provider.file_content(uploaded.id)).startswith(codecs.BOM_UTF8)
    assert data.read_bytes()[:3] != codecs.BOM_UTF8  # the user's file is left as it was
    # Without the byte-order mark Azure fails the job, and without a training type it refuses it.
    plain = await provider.client.files.create(file=("plain.jsonl", data.read_bytes()), purpose="fine-tune")
    job = await provider.client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=plain.id,
                                                        extra_body={"trainingType": "Developer"})
    final = [u async for u in watch(provider, job.id, interval=0.1)][-1].job
    assert final.status == "failed" and "byte-order mark" in final.error_message
    with pytest.raises(Exception, match="trainingType"):
        await provider.client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=uploaded.id)


@pytest.mark.parametrize("dialect_server", ["zhipu", "bailian"], indirect=True)
async def test_a_lost_answer_never_creates_a_second_job(dialect_server, provider, data):
    # The job is created, but its answer never comes: the client gives up waiting.
    lost = LostAnswers(dialect_server, "POST", PREFIXES[dialect_server.dialect] + "/fine")
    uploaded = await provider.upload(data)
    client = "api" if dialect_server.dialect == "bailian" else "client"
    setattr(provider, client, getattr(provider, client).with_options(timeout=2.0))
    job = await provider.create_job(JobRequest(BASE_MODELS[dialect_server.dialect], uploaded.id))
    assert lost.lost == 1
    jobs, _ = await provider.list_jobs()
    assert [j.id for j in jobs] == [job.id]  # found again by the mark it was sent with, not created twice


@pytest.mark.parametrize("dialect_server", ["zhipu"], indirect=True)
async def test_zhipu_has_no_pause_or_checkpoints(dialect_server, provider, data):
    dialect_server.app.state.sandbox.job_seconds = 30.0  # still running when it is cancelled below
    job = await provider.create_job(JobRequest("glm-4-flash", (await provider.upload(data)).id))
    with pytest.raises(CoreError, match="does not offer"):
        await provider.control(job.id, "pause")
    assert (await provider.control(job.id, "cancel")).status == "cancelled"
    assert await provider.checkpoints(job.id) == []


@pytest.mark.parametrize("dialect_server", ["bailian"], indirect=True)
async def test_bailian_explains_its_errors_and_waits_for_the_deployment(dialect_server, provider, data):
    uploaded = await provider.upload(data)
    with pytest.raises(CoreError, match="not supported for fine-tuning"):
        await provider.create_job(JobRequest("gpt-4o-mini", uploaded.id))
    _, updates = await train(provider, data, "bailian")
    model = updates[-1].job.fine_tuned_model
    assert await provider.chat_model("qwen3-8b") == "qwen3-8b"  # base models answer without a deployment
    deployment = await provider.deploy(model)
    with pytest.raises(CoreError, match="not ready yet"):
        await provider.chat_model(model)
    assert deployment.raw_status == "PENDING"
    with pytest.raises(CoreError):
        await provider.deploy(model)  # one deployment per model (409 Conflict)


@pytest.mark.parametrize("dialect_server", ["bailian"], indirect=True)
async def test_bailian_dpo_from_preference_rows(dialect_server, provider, tmp_path):
    import json

    rows = [{"input": {"messages": [{"role": "user", "content": f"第{i}号产品多少钱？"}]},
             "preferred_output": [{"role": "assistant", "content": f"第{i}号产品售价{i * 10}元。"}],
             "non_preferred_output": [{"role": "assistant", "content": "不知道。"}]} for i in range(12)]
    path = tmp_path / "prefs.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    uploaded = await provider.upload(path)
    sent = [json.loads(line) for line in (await provider.file_content(uploaded.id)).splitlines()]
    assert sent[3] == {"messages": rows[3]["input"]["messages"], "chosen": rows[3]["preferred_output"][0],
                       "rejected": rows[3]["non_preferred_output"][0]}  # Bailian's own DPO shape
    job = await provider.create_job(JobRequest("qwen3-8b", uploaded.id, method="dpo"))
    final = [u async for u in watch(provider, job.id, interval=0.1)][-1].job
    assert final.status == "succeeded" and final.method == "dpo"
    assert dialect_server.app.state.sandbox.state.jobs[job.id].training_type == "dpo_lora"


@pytest.mark.parametrize("dialect_server", ["azure"], indirect=True)
async def test_asking_an_undeployed_model_says_so(dialect_server, provider, data):
    _, updates = await train(provider, data, "azure")
    with pytest.raises(CoreError) as caught:
        await ask(provider.chat_client, ChatRequest(updates[-1].job.fine_tuned_model,
                                                    transcript_messages("", [], QUESTION)), lambda _: None)
    assert "deployment" in caught.value.user_message and "deployment name" in caught.value.hint
