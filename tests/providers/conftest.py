"""A Sandbox speaking one provider's dialect, and that provider's adapter pointed at it over HTTP."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.providers import provider_for
from core.settings import ProfileKind, new_profile
from core.upload_cache import UploadCache
from sandbox.server import SandboxServer
from tests.sandbox.conftest import chat_rows, jsonl

KINDS = {"openai": ProfileKind.COMPATIBLE, "azure": ProfileKind.AZURE, "zhipu": ProfileKind.ZHIPU,
         "bailian": ProfileKind.BAILIAN, "together": ProfileKind.TOGETHER, "fireworks": ProfileKind.FIREWORKS}
BASE_MODELS = {"openai": "gpt-4o-mini-2024-07-18", "azure": "gpt-4o-mini-2024-07-18", "zhipu": "glm-4-flash",
               "bailian": "qwen3-8b", "together": "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference",
               "fireworks": "accounts/fireworks/models/llama-v3p1-8b-instruct"}


def profile_for(dialect: str, base_url: str, **changes: str):
    return replace(new_profile(KINDS[dialect], dialect), base_url=base_url, **changes)


@pytest.fixture
def dialect_server(request):
    with SandboxServer(job_seconds=1.0, dialect=request.param) as server:
        yield server


@pytest.fixture
async def provider(dialect_server, tmp_path):
    adapter = provider_for(profile_for(dialect_server.dialect, dialect_server.base_url), "sk-test")
    if hasattr(adapter, "uploader"):
        adapter.uploader.cache = UploadCache(tmp_path / "uploads.json")
    yield adapter
    await adapter.close()


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_bytes(jsonl(chat_rows(12, "zh")))
    return path
