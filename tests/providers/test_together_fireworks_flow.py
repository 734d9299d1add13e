"""Our Together and Fireworks adapters end to end against their Sandbox dialects over real HTTP (the dialects being
the ones their official SDKs accept: test_sdk_together.py, test_sdk_fireworks.py): upload → train → watch → loss
curve → chat → delete, with the Fireworks deployment made and removed, and a lost answer never making a second job."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from core.chat import ChatRequest, ask, transcript_messages
from core.errors import CoreError
from core.providers.records import Hyperparameters, JobRequest
from core.training.jobs import watch
from sandbox.catalogue import PREFIXES
from tests.lost_answers import LostAnswers
from tests.providers.conftest import BASE_MODELS
from tests.waiting import eventually

QUESTION, TRAINED = "第3号产品多少钱？", "第3号产品售价30元。"


async def train(provider, data, dialect, **options):
    uploaded = await provider.upload(data)
    job = await provider.create_job(JobRequest(BASE_MODELS[dialect], uploaded.id, validation_file=uploaded.id,
                                               suffix="shop", **options))
    return uploaded, [u async for u in watch(provider, job.id, interval=0.1)]


@pytest.mark.parametrize("dialect_server", ["together"], indirect=True)
async def test_together_upload_train_chat_and_delete(dialect_server, provider, data, tmp_path):
    assert (await provider.probe()).startswith("The key works")
    uploaded, updates = await train(provider, data, "together", hyperparameters=Hyperparameters(n_epochs=2))
    assert [f.id for f in await provider.list_files()] == [uploaded.id]
    final = updates[-1].job
    assert final.status == "succeeded" and final.raw_status == "completed" and final.trained_tokens
    assert final.fine_tuned_model.startswith("sandbox/Meta-Llama-3.1-8B-Instruct-Reference-shop-")
    assert final.hyperparameters.n_epochs == 2
    events = [e for u in updates for e in u.events]
    assert {"job_pending", "training_start", "checkpoint_save", "job_complete"} <= {e.type for e in events}
    assert len({e.id for e in events}) == len(events)  # each event once, although Together gives them no ids
    points = await provider.metrics(final, events)
    assert len(points) > 5 and points[0].train_loss is not None and points[-1].valid_loss is not None
    checkpoints = await provider.checkpoints(final.id)
    assert checkpoints[-1].model == final.fine_tuned_model and checkpoints[0].id.startswith(final.id + ":")
    mine = [m for m in await provider.list_models() if m.fine_tuned]
    assert [m.id for m in mine] == [final.fine_tuned_model] and mine[0].base == BASE_MODELS["together"]

    answer = await ask(provider.chat_client, ChatRequest(await provider.chat_model(final.fine_tuned_model),
                                                         transcript_messages("", [], QUESTION)), lambda _: None)
    assert answer.text == TRAINED  # serverless LoRA: no deployment
    kept = tmp_path / "kept"  # the weights downloaded, to keep the model off the provider
    [adapter] = await provider.export_model(final.fine_tuned_model, "adapter", kept)
    [again] = await provider.export_model(final.fine_tuned_model, "adapter", kept)
    assert adapter.name.endswith("-adapter.tar.zst") and again != adapter  # an earlier download is never replaced
    assert b"(adapter)" in adapter.read_bytes() and not list(kept.glob("*.part"))
    with pytest.raises(CoreError, match="not as GGUF"):
        await provider.export_model(final.fine_tuned_model, "gguf", kept)
    await provider.delete_model(final.fine_tuned_model)
    assert not [m for m in await provider.list_models() if m.fine_tuned]
    assert (await provider.file_content(uploaded.id)) == data.read_bytes()
    await provider.delete_file(uploaded.id)
    assert await provider.list_files() == []


@pytest.mark.parametrize("dialect_server", ["together"], indirect=True)
async def test_together_full_dpo_and_cancel(dialect_server, provider, tmp_path):
    provider.profile = replace(provider.profile, training_type="full")
    dialect_server.app.state.sandbox.job_seconds = 30.0  # still running when it is cancelled
    rows = [{"input": {"messages": [{"role": "user", "content": f"第{i}号产品多少钱？"}]},
             "preferred_output": [{"role": "assistant", "content": f"第{i}号产品售价{i * 10}元。"}],
             "non_preferred_output": [{"role": "assistant", "content": "不知道。"}]} for i in range(12)]
    path = tmp_path / "prefs.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    job = await provider.create_job(JobRequest(BASE_MODELS["together"], (await provider.upload(path)).id,
                                               method="dpo", hyperparameters=Hyperparameters(beta=0.2)))
    sent = dialect_server.app.state.sandbox.state.jobs[job.id]
    assert job.method == "dpo" and json.loads(sent.training_type) == {"type": "Full"}
    assert (await provider.control(job.id, "cancel")).status == "cancelled"
    with pytest.raises(CoreError, match="does not offer"):
        await provider.control(job.id, "pause")


@pytest.mark.parametrize("dialect_server", ["fireworks"], indirect=True)
async def test_fireworks_upload_train_deploy_chat_undeploy_and_delete(dialect_server, provider, data):
    assert (await provider.probe()).startswith("The key works")
    assert await provider.account() == "sandbox"  # no account id in the profile: the key's own is found
    uploaded, updates = await train(provider, data, "fireworks")
    assert [f.id for f in await provider.list_files()] == [uploaded.id]
    final = updates[-1].job
    assert final.status == "succeeded" and final.raw_status == "JOB_STATE_COMPLETED"
    assert final.fine_tuned_model.startswith("accounts/sandbox/models/shop-")
    assert [e.message for u in updates for e in u.events][-1] == "completed · 100 %"
    mine = [m for m in await provider.list_models() if m.fine_tuned]
    assert [m.id for m in mine] == [final.fine_tuned_model] and mine[0].base == BASE_MODELS["fireworks"]

    model = final.fine_tuned_model
    with pytest.raises(CoreError, match="not deployed"):  # a LoRA answers only on a deployment
        await ask(provider.chat_client, ChatRequest(await provider.chat_model(model),
                                                    transcript_messages("", [], QUESTION)), lambda _: None)
    deployment = await provider.deploy(model)
    assert deployment.status == "deploying" and deployment.raw_status == "CREATING"
    with pytest.raises(CoreError, match="not ready yet"):
        await provider.chat_model(model)

    async def ready():
        return (found := await provider.deployment(model)) is not None and found.ready

    await eventually(ready)
    name = await provider.chat_model(model)
    assert name == f"{model}#{deployment.name}"
    answer = await ask(provider.chat_client, ChatRequest(name, transcript_messages("", [], QUESTION)), lambda _: None)
    assert answer.text == TRAINED and answer.streamed
    await provider.undeploy(await provider.deployment(model))  # billed while it exists
    assert await provider.deployment(model) is None
    await provider.delete_model(model)
    assert not [m for m in await provider.list_models() if m.fine_tuned]
    assert (await provider.file_content(uploaded.id)) == data.read_bytes()
    await provider.delete_file(uploaded.id)
    assert await provider.list_files() == []


@pytest.mark.parametrize("dialect_server", ["together", "fireworks"], indirect=True)
async def test_a_lost_answer_never_creates_a_second_job(dialect_server, provider, data):
    path = "/v1/fine-tunes" if dialect_server.dialect == "together" else "/v1/accounts/sandbox/supervisedFine"
    lost = LostAnswers(dialect_server, "POST", path)
    uploaded = await provider.upload(data)
    provider.api = provider.api.with_options(timeout=2.0)
    job = await provider.create_job(JobRequest(BASE_MODELS[dialect_server.dialect], uploaded.id))
    assert lost.lost == 1 and PREFIXES[dialect_server.dialect] == "/v1"
    jobs, _ = await provider.list_jobs()
    assert [j.id for j in jobs] == [job.id]  # found again, not created twice
