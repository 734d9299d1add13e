"""`files list|download|delete` and `jobs checkpoints` against a Sandbox over HTTP; a server's file names are
data: printed plain, saved under safe names inside the chosen folder."""

import json

import openai

from sandbox.server import SandboxServer
from tests.sandbox.conftest import chat_rows, jsonl

HOSTILE_NAME = "../../outside\x1b]0;pwned\x07.jsonl"


def test_files_are_listed_downloaded_inside_the_folder_and_deleted(run_cli, tmp_path):
    content = jsonl(chat_rows(12))
    with SandboxServer() as server:
        connect = ("--base-url", server.base_url, "--api-key", "sk-test")
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        uploaded = client.files.create(file=(HOSTILE_NAME, content), purpose="fine-tune")

        listed = run_cli("files", "list", *connect)
        assert listed.code == 0, listed.err
        assert uploaded.id in listed.out and "outside" in listed.out
        assert "\x1b" not in listed.out and "\x07" not in listed.out
        [entry] = json.loads(run_cli("files", "list", "--json", *connect).out)
        assert (entry["id"], entry["filename"], entry["bytes"]) == (uploaded.id, uploaded.filename, len(content))

        folder = tmp_path / "downloads"
        saved = run_cli("files", "download", uploaded.id, "-o", str(folder), *connect)
        assert saved.code == 0, saved.err
        [path] = list(folder.iterdir())
        assert path.read_bytes() == content and ".." not in path.name and "\x1b" not in path.name
        assert not list(tmp_path.glob("outside*")) and not list(tmp_path.parent.glob("outside*"))
        again = run_cli("files", "download", uploaded.id, "-o", str(folder), *connect)
        assert again.code == 2 and "already exists" in again.err

        kept = run_cli("files", "delete", uploaded.id, *connect)
        assert kept.code == 1 and "Nothing was deleted." in kept.out
        deleted = run_cli("files", "delete", uploaded.id, "--yes", *connect)
        assert deleted.code == 0, deleted.err
        assert client.files.list().data == []


def test_a_link_in_the_folder_does_not_lead_the_download_outside(run_cli, tmp_path):
    with SandboxServer() as server:
        connect = ("--base-url", server.base_url, "--api-key", "sk-test")
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        uploaded = client.files.create(file=("train.jsonl", jsonl(chat_rows(12))), purpose="fine-tune")
        folder, elsewhere = tmp_path / "downloads", tmp_path / "elsewhere.jsonl"
        folder.mkdir()
        (folder / "train.jsonl").symlink_to(elsewhere)
        result = run_cli("files", "download", uploaded.id, "-o", str(folder), *connect)
    assert result.code == 2 and "outside" in result.err
    assert not elsewhere.exists()


def test_jobs_checkpoints_lists_the_steps_kept(run_cli, tmp_path):
    data = tmp_path / "train.jsonl"
    data.write_bytes(jsonl(chat_rows(12)))
    with SandboxServer(job_seconds=0.5) as server:
        connect = ("--base-url", server.base_url, "--api-key", "sk-test")
        trained = run_cli("train", str(data), "--model", "gpt-4o-mini-2024-07-18", "--suffix", "steps", "--yes",
                          *connect)
        assert trained.code == 0, trained.err
        job_id = trained.out.split("Started job ")[1].split(".")[0]
        shown = run_cli("jobs", "checkpoints", job_id, *connect)
        assert shown.code == 0, shown.err
        listed = json.loads(run_cli("jobs", "checkpoints", job_id, "--json", *connect).out)
    assert listed and all(c["model"].startswith("ft:gpt-4o-mini-2024-07-18:") for c in listed)
    assert [f"step {c['step']}" in shown.out for c in listed] == [True] * len(listed)
