"""The whole fine-tuning flow through the official SDK, sync and async."""

import asyncio
import base64

import openai

from tests.sandbox.conftest import TERMINAL, chat_rows, completion_rows, jsonl, wait_for_job
from tests.waiting import eventually, wait_until

LIFECYCLE = ["validating_files", "queued", "running", "succeeded"]


def test_full_flow_sync(client):
    file = client.files.create(file=("train.jsonl", jsonl(chat_rows())), purpose="fine-tune")
    assert file.purpose == "fine-tune" and file.bytes == len(jsonl(chat_rows()))
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file.id, suffix="sums",
                                         metadata={"client_id": "abc"})
    assert job.status == "validating_files"
    assert job.method.type == "supervised"
    seen = []
    job = wait_for_job(client, job.id, seen=seen)
    assert job.status == "succeeded"
    # Polling sees the statuses in order; which of them it catches depends on the machine's speed, so the
    # events below show that the job went through every one.
    assert seen == sorted(seen, key=LIFECYCLE.index)
    assert job.fine_tuned_model.startswith("ft:gpt-4o-mini-2024-07-18:sandbox:sums:")
    hyper = job.hyperparameters
    assert (hyper.n_epochs, hyper.batch_size) == (8, 1)  # 12 examples: auto epochs 100 // 12, as the cookbook
    assert job.trained_tokens > 0 and job.trained_tokens % 8 == 0

    messages = [e.message for e in client.fine_tuning.jobs.list_events(job.id, limit=30)]  # auto-paginates
    assert messages[0] == "The job has successfully completed"
    assert messages[1] == f"New fine-tuned model created: {job.fine_tuned_model}"
    assert "Sandbox: no real model is trained and nothing is billed." in messages
    assert any(m.startswith("Step 96/96: training loss=") for m in messages)
    assert messages[-1].startswith("Created fine-tuning job")
    validated, started = (messages.index(m) for m in ("Files validated, moving job to queued state",
                                                      "Fine-tuning job started"))
    assert len(messages) - 1 > validated > started > 1  # newest first: created, validated, started, ..., done

    checkpoints = client.fine_tuning.jobs.checkpoints.list(job.id).data
    assert [c.step_number for c in checkpoints] == [96, 84, 72]  # the last three epochs, newest first
    csv = base64.b64decode(client.files.content(job.result_files[0]).content).decode()
    assert csv.splitlines()[0] == "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"
    losses = [float(line.split(",")[1]) for line in csv.splitlines()[1:]]
    assert losses[0] > losses[-1] + 1  # the loss comes down

    assert job.fine_tuned_model in [m.id for m in client.models.list()]
    answer = client.chat.completions.create(model=job.fine_tuned_model,
                                            messages=[{"role": "user", "content": "What is 7 plus 7?"}])
    assert answer.choices[0].message.content == "7 plus 7 is 14."
    assert answer.usage.completion_tokens > 0
    stream = client.chat.completions.create(model=job.fine_tuned_model, stream=True,
                                            stream_options={"include_usage": True},
                                            messages=[{"role": "user", "content": "What is 11 plus 11?"}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "11 plus 11 is 22."
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) > 1
    assert chunks[-1].usage.total_tokens > 0

    again = client.fine_tuning.jobs.create(model=job.fine_tuned_model, training_file=file.id, suffix="more")
    again = wait_for_job(client, again.id)
    assert again.status == "succeeded" and again.model == job.fine_tuned_model
    assert again.fine_tuned_model.startswith("ft:gpt-4o-mini-2024-07-18:sandbox:more:")

    assert client.models.delete(job.fine_tuned_model).deleted
    assert job.fine_tuned_model not in [m.id for m in client.models.list()]


def test_full_flow_async(server):
    async def flow():
        async with openai.AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as client:
            file = await client.files.create(file=("zh.jsonl", jsonl(chat_rows(lang="zh"))), purpose="fine-tune")
            job = await client.fine_tuning.jobs.create(model="gpt-4.1-mini", training_file=file.id)

            async def finished():
                polled = await client.fine_tuning.jobs.retrieve(job.id)
                return polled if polled.status in TERMINAL else None

            job = await eventually(finished)
            assert job.fine_tuned_model.startswith("ft:gpt-4.1-mini-2025-04-14:sandbox::")  # no suffix
            answer = await client.chat.completions.create(model=job.fine_tuned_model,
                                                          messages=[{"role": "user", "content": "第3号产品多少钱？"}])
            assert answer.choices[0].message.content == "第3号产品售价30元。"
            stream = await client.chat.completions.create(model=job.fine_tuned_model, stream=True,
                                                          messages=[{"role": "user", "content": "你好"}])
            text = "".join([c.choices[0].delta.content or "" async for c in stream])
            assert text.startswith("[Sandbox]")

    asyncio.run(flow())


def test_legacy_completion_model(client):
    file = client.files.create(file=("legacy.jsonl", jsonl(completion_rows())), purpose="fine-tune")
    job = wait_for_job(client, client.fine_tuning.jobs.create(model="davinci-002", training_file=file.id).id)
    assert job.status == "succeeded"
    result = client.completions.create(model=job.fine_tuned_model, prompt="Capital of country 4 ->", max_tokens=20,
                                       stop=["\n"])
    assert result.choices[0].text == " City 4"
    short = client.completions.create(model=job.fine_tuned_model, prompt="Capital of country 4 ->", max_tokens=1)
    assert short.choices[0].finish_reason == "length"


def test_base_models_answer_with_a_marked_practice_reply(client):
    answer = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    assert "[Sandbox]" in answer.choices[0].message.content and "nothing is billed" in answer.choices[0].message.content


def test_checkpoints_answer_too(client, trained):
    checkpoint = client.fine_tuning.jobs.checkpoints.list(trained.id).data[-1].fine_tuned_model_checkpoint
    question = [{"role": "user", "content": "What is 2 plus 2?"}]
    answer = client.chat.completions.create(model=checkpoint, messages=question)
    assert answer.choices[0].message.content == "2 plus 2 is 4."


def test_dpo_job(client):
    rows = [{"input": {"messages": [{"role": "user", "content": f"Greet {i}"}]},
             "preferred_output": [{"role": "assistant", "content": f"Hello {i}!"}],
             "non_preferred_output": [{"role": "assistant", "content": "Go away."}]} for i in range(12)]
    file = client.files.create(file=("dpo.jsonl", jsonl(rows)), purpose="fine-tune")
    job = client.fine_tuning.jobs.create(model="gpt-4.1-nano", training_file=file.id,
                                         method={"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.2}}})
    job = wait_for_job(client, job.id)
    assert job.status == "succeeded"
    assert job.method.dpo.hyperparameters.beta == 0.2


def test_large_file_through_the_uploads_api(client):
    data = jsonl(chat_rows(40))
    upload = client.uploads.create(filename="big.jsonl", purpose="fine-tune", bytes=len(data),
                                   mime_type="application/jsonl")
    half = len(data) // 2
    parts = [client.uploads.parts.create(upload.id, data=data[:half]),
             client.uploads.parts.create(upload.id, data=data[half:])]
    done = client.uploads.complete(upload.id, part_ids=[p.id for p in parts])
    assert done.status == "completed"
    assert client.files.content(done.file.id).content == data
    cancelled = client.uploads.create(filename="x.jsonl", purpose="fine-tune", bytes=10, mime_type="application/jsonl")
    assert client.uploads.cancel(cancelled.id).status == "cancelled"


def last_step(client, job_id: str) -> int:
    events = client.fine_tuning.jobs.list_events(job_id, limit=100)
    return max((e.data["step"] for e in events if e.type == "metrics"), default=0)


def test_pause_resume_and_cancel(server):
    with openai.OpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as client:
        server.app.state.sandbox.job_seconds = 5.0  # running for 4 s: time enough to pause it
        file = client.files.create(file=("train.jsonl", jsonl(chat_rows())), purpose="fine-tune")
        job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file.id)
        twin = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file.id)  # never ahead of job
        job = wait_until(lambda: (polled := client.fine_tuning.jobs.retrieve(job.id)).status == "running" and polled)
        assert client.fine_tuning.jobs.pause(job.id).status == "paused"
        steps = len(list(client.fine_tuning.jobs.list_events(job.id, limit=100)))
        paused_at = last_step(client, job.id)
        # Wait until the twin, started later and not paused, is three steps past where the job was paused:
        # the job would have moved on by then too.
        wait_until(lambda: client.fine_tuning.jobs.retrieve(twin.id).status == "succeeded"
                   or last_step(client, twin.id) >= paused_at + 3)
        assert len(list(client.fine_tuning.jobs.list_events(job.id, limit=100))) == steps  # frozen while paused
        assert client.fine_tuning.jobs.resume(job.id).status == "running"
        assert client.fine_tuning.jobs.cancel(job.id).status == "cancelled"
        events = [e.message for e in client.fine_tuning.jobs.list_events(job.id, limit=100)]
        controls = [m for m in events if m.startswith("Fine-tuning job ") and m != "Fine-tuning job started"]
        assert controls == ["Fine-tuning job cancelled", "Fine-tuning job resumed", "Fine-tuning job paused"]
        try:
            client.fine_tuning.jobs.resume(job.id)
        except openai.BadRequestError as error:
            assert "Only paused jobs can be resumed" in error.message
        else:
            raise AssertionError("resuming a cancelled job must fail")
