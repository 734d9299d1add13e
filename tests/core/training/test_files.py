"""The files an account keeps, with the jobs that used them, and the export of the ones no job used: against a
real Sandbox over HTTP."""

import json

import openai
import pytest

from core.files import list_kept_files, save_file
from core.providers.openai_api import OpenAIProvider
from core.providers.records import JobRequest
from core.training.export import export_all
from core.upload_cache import UploadCache
from sandbox.server import SandboxServer
from tests.sandbox.conftest import chat_rows, jsonl


@pytest.fixture
async def provider(tmp_path):
    with SandboxServer(job_seconds=1.0) as server:
        client = openai.AsyncOpenAI(api_key="sk-test", base_url=server.base_url, timeout=5)
        session = OpenAIProvider(client, UploadCache(tmp_path / "uploads.json"))
        yield session
        await session.close()


async def _upload(provider, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return (await provider.upload(path)).id


async def test_files_are_listed_with_the_jobs_that_used_them_and_unused_ones_are_exported(provider, tmp_path):
    train, valid, spare = jsonl(chat_rows(12)), jsonl(chat_rows(10, "zh")), jsonl(chat_rows(11)) + b"\n"
    train_id = await _upload(provider, tmp_path, "train.jsonl", train)
    valid_id = await _upload(provider, tmp_path, "valid.jsonl", valid)
    spare_id = await _upload(provider, tmp_path, "../spare\x1b.jsonl", spare)
    job = await provider.create_job(JobRequest("gpt-4o-mini-2024-07-18", train_id, valid_id))

    kept = {k.file.id: k for k in await list_kept_files(provider)}
    assert set(kept) == {train_id, valid_id, spare_id}
    assert [(u.job_id, u.role) for u in kept[train_id].used_by] == [(job.id, "training")]
    assert [(u.job_id, u.role) for u in kept[valid_id].used_by] == [(job.id, "validation")]
    assert kept[spare_id].used_by == () and kept[spare_id].file.purpose == "fine-tune"
    assert kept[spare_id].file.bytes == len(spare)

    saved = await save_file(provider, valid_id, tmp_path / "out" / "mine.jsonl")
    assert saved == tmp_path / "out" / "mine.jsonl" and saved.read_bytes() == valid

    folder = tmp_path / "export"
    index = json.loads((await export_all(provider, folder)).read_text(encoding="utf-8"))
    [entry] = [e for e in index if e.get("kind") == "file"]
    assert entry["id"] == spare_id and entry["path"].startswith("files/") and ".." not in entry["path"]
    assert (folder / entry["path"]).read_bytes() == spare
    assert [p.name for p in (folder / "files").iterdir()] == [entry["path"].removeprefix("files/")]
    [job_entry] = [e for e in index if "folder" in e]
    assert (folder / job_entry["folder"] / "validation.jsonl").read_bytes() == valid
    await export_all(provider, folder)  # again: resumes, saves nothing twice
    assert len(list((folder / "files").iterdir())) == 1
