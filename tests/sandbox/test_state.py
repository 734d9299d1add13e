"""State survives a restart with --state-dir; concurrent requests are safe."""

from concurrent.futures import ThreadPoolExecutor

import openai

from sandbox.server import SandboxServer
from tests.sandbox.conftest import chat_rows, jsonl, wait_for_job


def sdk(server):
    return openai.OpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0)


def test_files_jobs_and_models_survive_a_restart(tmp_path):
    with SandboxServer(state_dir=tmp_path, job_seconds=0.5) as server, sdk(server) as client:
        file = client.files.create(file=("t.jsonl", jsonl(chat_rows())), purpose="fine-tune")
        job = wait_for_job(client, client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file.id).id)
    with SandboxServer(state_dir=tmp_path, job_seconds=0.5) as server, sdk(server) as client:
        assert client.files.content(file.id).content == jsonl(chat_rows())
        again = client.fine_tuning.jobs.retrieve(job.id)
        assert again.status == "succeeded" and again.fine_tuned_model == job.fine_tuned_model
        assert job.fine_tuned_model in [m.id for m in client.models.list()]
        answer = client.chat.completions.create(model=job.fine_tuned_model,
                                                messages=[{"role": "user", "content": "What is 3 plus 3?"}])
        assert answer.choices[0].message.content == "3 plus 3 is 6."
    assert not list(tmp_path.glob("**/*.tmp"))


def test_a_job_running_at_shutdown_finishes_after_restart(tmp_path):
    with SandboxServer(state_dir=tmp_path, job_seconds=1.0) as server, sdk(server) as client:
        file = client.files.create(file=("t.jsonl", jsonl(chat_rows())), purpose="fine-tune")
        job_id = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file.id).id
    with SandboxServer(state_dir=tmp_path, job_seconds=1.0) as server, sdk(server) as client:
        assert wait_for_job(client, job_id).status == "succeeded"


def test_concurrent_uploads_and_jobs(server):
    with sdk(server) as client:
        def upload_and_train(i):
            file = client.files.create(file=(f"t{i}.jsonl", jsonl(chat_rows())), purpose="fine-tune")
            return client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file.id).id

        with ThreadPoolExecutor(max_workers=16) as pool:
            job_ids = list(pool.map(upload_and_train, range(32)))
        assert len(set(job_ids)) == 32
        assert len(client.files.list().data) == 32
        assert {j.id for j in client.fine_tuning.jobs.list(limit=100)} == set(job_ids)
