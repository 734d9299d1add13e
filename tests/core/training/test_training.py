"""Training against a real Sandbox over HTTP with the official SDK: upload, create, watch, control."""

import asyncio
import base64

import openai
import pytest

import core.providers.uploads as uploads
from core.errors import CoreError
from core.providers.base import check_suffix, model_name_preview
from core.providers.metrics import decode_result_file, points_from_csv
from core.providers.openai_api import OpenAIProvider
from core.providers.records import CLIENT_ID_KEY, Hyperparameters, JobRequest
from core.training.jobs import watch
from core.upload_cache import UploadCache
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from tests.lost_answers import LostAnswers
from tests.sandbox.conftest import chat_rows, jsonl
from tests.waiting import eventually


@pytest.fixture
def server():
    with SandboxServer(job_seconds=1.0) as running:
        yield running


@pytest.fixture
async def provider(server, tmp_path):
    client = openai.AsyncOpenAI(api_key="sk-test", base_url=server.base_url, timeout=5)
    session = OpenAIProvider(client, UploadCache(tmp_path / "uploads.json"))
    yield session
    await session.close()


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_bytes(jsonl(chat_rows(12, "zh")))
    return path


async def fast_watch(provider, job_id):
    return [update async for update in watch(provider, job_id, interval=0.1)]


async def test_upload_with_progress_and_reuse(provider, data):
    progress = []
    first = await provider.upload(data, lambda done, total: progress.append((done, total)))
    assert progress[-1] == (data.stat().st_size,) * 2 and not first.reused
    again = await provider.upload(data)
    assert again.id == first.id and again.reused


async def test_big_files_go_through_the_uploads_api_in_parts(provider, data, monkeypatch):
    monkeypatch.setattr(uploads, "SINGLE_REQUEST_BYTES", 100)
    monkeypatch.setattr(uploads, "PART_BYTES", 300)
    progress = []
    uploaded = await provider.upload(data, lambda done, total: progress.append(done))
    assert len(progress) >= 3 and progress == sorted(progress)
    content = await provider.client.files.content(uploaded.id)
    assert content.read() == data.read_bytes()


async def test_create_with_every_option_watch_to_success_and_read_the_curve(provider, data):
    file = await provider.upload(data)
    request = JobRequest("gpt-4o-mini-2024-07-18", file.id, validation_file=file.id, suffix="support-v1",
                         hyperparameters=Hyperparameters(3, 2, 0.5), seed=7, metadata={"team": "cs"})
    job = await provider.create_job(request)
    assert job.metadata["team"] == "cs" and CLIENT_ID_KEY in job.metadata
    updates = await fast_watch(provider, job.id)
    final = updates[-1].job
    assert final.status == "succeeded" and final.fine_tuned_model.startswith("ft:gpt-4o-mini-2024-07-18:")
    assert final.fine_tuned_model.split(":")[3] == "support-v1"
    assert any(e.type == "metrics" for u in updates for e in u.events)
    points = await provider.metrics(final, [])
    assert points and points[0].step == 1 and points[-1].train_loss is not None
    checkpoints = await provider.checkpoints(job.id)
    assert checkpoints and checkpoints[-1].model.startswith(final.fine_tuned_model)
    continued = await provider.create_job(JobRequest(final.fine_tuned_model, file.id, suffix="v2"))
    assert continued.model == final.fine_tuned_model
    assert any(m.id == final.fine_tuned_model and m.own for m in await provider.base_models())


async def test_dpo_with_beta(provider, tmp_path):
    path = tmp_path / "dpo.jsonl"
    rows = [{"input": {"messages": [{"role": "user", "content": f"Q{i}"}]},
             "preferred_output": [{"role": "assistant", "content": f"good {i}"}],
             "non_preferred_output": [{"role": "assistant", "content": f"bad {i}"}]} for i in range(12)]
    path.write_bytes(jsonl(rows))
    file = await provider.upload(path)
    job = await provider.create_job(JobRequest("gpt-4.1-mini-2025-04-14", file.id, method="dpo",
                                                hyperparameters=Hyperparameters(beta=0.2)))
    assert job.method == "dpo"


async def test_cancel_pause_and_resume(server, provider, data):
    server.app.state.sandbox.job_seconds = 8
    file = await provider.upload(data)
    job = await provider.create_job(JobRequest("gpt-4o-mini-2024-07-18", file.id))

    async def running():
        return (await provider.get_job(job.id)).status == "running"

    await eventually(running)  # and it stays running for seconds: a poll cannot miss it
    assert (await provider.control(job.id, "pause")).status == "paused"
    assert (await provider.control(job.id, "resume")).status in ("running", "queued", "validating_files")
    assert (await provider.control(job.id, "cancel")).status in ("cancelled", "cancelling")


async def test_a_lost_answer_never_creates_a_second_job(server, provider, data):
    lost = LostAnswers(server, "POST", "/v1/fine_tuning/jobs")  # the job is created, its answer never comes
    file = await provider.upload(data)
    provider.client = provider.client.with_options(timeout=2.0)
    job = await provider.create_job(JobRequest("gpt-4o-mini-2024-07-18", file.id))
    assert lost.lost == 1  # the client gave up waiting, then found the job by the mark it was sent with
    page = await provider.client.fine_tuning.jobs.list()
    assert [j.id for j in page.data] == [job.id]


@pytest.mark.parametrize("status", [429, 503])
async def test_watching_rides_out_429_and_5xx(server, provider, data, status):
    file = await provider.upload(data)
    job = await provider.create_job(JobRequest("gpt-4o-mini-2024-07-18", file.id))
    server.set_faults(Faults(status=status, retry_after=0.1, times=4, path="/v1/fine_tuning"))
    updates = await fast_watch(provider, job.id)
    assert sum(u.reconnecting for u in updates) >= 1 and updates[-1].job.status == "succeeded"


async def test_a_failed_job_says_why(provider, tmp_path):
    path = tmp_path / "few.jsonl"
    path.write_bytes(jsonl(chat_rows(3)))  # too few examples: the Sandbox fails the job like the API
    file = await provider.upload(path)
    job = await provider.create_job(JobRequest("gpt-4o-mini-2024-07-18", file.id))
    final = (await fast_watch(provider, job.id))[-1].job
    assert final.status == "failed" and final.error_message


def test_suffix_rules_and_preview():
    assert check_suffix(" sales-bot_2 ") == "sales-bot_2"
    with pytest.raises(CoreError):
        check_suffix("has space")
    with pytest.raises(CoreError):
        check_suffix("x" * 65)
    assert model_name_preview("ft:gpt-4o-mini-2024-07-18:acme::abc", "v2") == "ft:gpt-4o-mini-2024-07-18:<org>:v2:<id>"


def test_result_files_may_be_base64():
    text = "step,train_loss,train_accuracy,valid_loss\n1,2.5,0.1,2.6\n2,1.5,0.4,\n"
    for content in (text.encode(), base64.b64encode(text.encode())):
        points = points_from_csv(decode_result_file(content))
        assert [(p.step, p.train_loss, p.valid_loss) for p in points] == [(1, 2.5, 2.6), (2, 1.5, None)]


async def test_a_provider_that_refuses_fine_tuning_is_explained(server, provider, data):
    file = await provider.upload(data)
    server.set_faults(Faults(status=403, path="/v1/fine_tuning/jobs"))
    with pytest.raises(CoreError) as caught:
        await provider.create_job(JobRequest("gpt-4o-mini-2024-07-18", file.id))
    assert "does not let this account" in caught.value.user_message and "Azure OpenAI" in caught.value.hint


async def test_an_interrupted_upload_in_parts_resumes(provider, data, monkeypatch):
    monkeypatch.setattr(uploads, "SINGLE_REQUEST_BYTES", 100)
    monkeypatch.setattr(uploads, "PART_BYTES", 200)
    sent = []

    def stop_after_two(done, total):
        sent.append(done)
        if len(sent) == 2:
            raise asyncio.CancelledError  # the user cancels, or the app is closed

    with pytest.raises(asyncio.CancelledError):
        await provider.upload(data, stop_after_two)
    resumed = []
    uploaded = await provider.upload(data, lambda done, total: resumed.append(done))
    assert resumed[0] == 600 and resumed[-1] == data.stat().st_size  # only the rest was sent
    assert (await provider.client.files.content(uploaded.id)).read() == data.read_bytes()
