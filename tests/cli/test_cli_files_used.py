"""`files list` with purpose, size, date and the jobs that used each file; `files download FILE_ID -o PATH`
writing PATH itself; `files delete` naming the jobs first: against a Sandbox over HTTP."""

import json

import openai

from sandbox.server import SandboxServer
from tests.sandbox.conftest import chat_rows, jsonl


def test_list_shows_the_jobs_download_writes_the_path_and_delete_names_the_jobs(run_cli, tmp_path):
    train, spare = jsonl(chat_rows(12)), jsonl(chat_rows(11))
    with SandboxServer(job_seconds=60) as server:
        connect = ("--base-url", server.base_url, "--api-key", "sk-test")
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        used = client.files.create(file=("train.jsonl", train), purpose="fine-tune")
        unused = client.files.create(file=("spare.jsonl", spare), purpose="fine-tune")
        job = client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=used.id)

        listed = run_cli("files", "list", *connect)
        assert listed.code == 0, listed.err
        [used_line] = [line for line in listed.out.splitlines() if used.id in line]
        assert "fine-tune" in used_line and f"{len(train):,}" in used_line and job.id in used_line
        [unused_line] = [line for line in listed.out.splitlines() if unused.id in line]
        assert "used by: no job" in unused_line
        entries = {e["id"]: e for e in json.loads(run_cli("files", "list", "--json", *connect).out)}
        assert entries[used.id]["used_by"] == [{"job_id": job.id, "role": "training", "status": job.status}]
        assert entries[unused.id]["used_by"] == [] and entries[unused.id]["purpose"] == "fine-tune"

        target = tmp_path / "keep" / "my-copy.jsonl"
        saved = run_cli("files", "download", used.id, "-o", str(target), *connect)
        assert saved.code == 0, saved.err
        assert target.read_bytes() == train and list(target.parent.iterdir()) == [target]
        again = run_cli("files", "download", unused.id, "-o", str(target), *connect)
        assert again.code == 2 and "already exists" in again.err and target.read_bytes() == train
        into = run_cli("files", "download", unused.id, "-o", str(tmp_path / "keep"), *connect)
        assert into.code == 0, into.err
        assert (tmp_path / "keep" / "spare.jsonl").read_bytes() == spare

        kept = run_cli("files", "delete", used.id, *connect)
        assert kept.code == 1 and job.id in kept.out and "Nothing was deleted." in kept.out
        assert run_cli("files", "delete", used.id, unused.id, "--yes", *connect).code == 0
        assert client.files.list().data == []
