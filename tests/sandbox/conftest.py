"""A real Sandbox on 127.0.0.1 and the official SDK pointed at it."""

from __future__ import annotations

import json
import time

import openai
import pytest

from sandbox.server import SandboxServer

TERMINAL = ("succeeded", "failed", "cancelled")


def chat_rows(count: int = 12, lang: str = "en") -> list[dict]:
    if lang == "zh":
        return [{"messages": [{"role": "user", "content": f"第{i}号产品多少钱？"},
                              {"role": "assistant", "content": f"第{i}号产品售价{i * 10}元。"}]} for i in range(count)]
    return [{"messages": [{"role": "system", "content": "You answer sums."},
                          {"role": "user", "content": f"What is {i} plus {i}?"},
                          {"role": "assistant", "content": f"{i} plus {i} is {2 * i}."}]} for i in range(count)]


def completion_rows(count: int = 12) -> list[dict]:
    return [{"prompt": f"Capital of country {i} ->", "completion": f" City {i}\n"} for i in range(count)]


def jsonl(rows: list[dict]) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


def wait_for_job(client: openai.OpenAI, job_id: str, timeout: float = 20, seen: list[str] | None = None) -> object:
    """Poll the job until it ends (fails after ``timeout`` seconds); ``seen`` collects each status polled."""
    deadline = time.monotonic() + timeout
    job = client.fine_tuning.jobs.retrieve(job_id)
    while job.status not in TERMINAL:
        if seen is not None:
            seen.append(job.status)
        assert time.monotonic() < deadline, f"job stuck in {job.status}"
        time.sleep(0.1)
        job = client.fine_tuning.jobs.retrieve(job_id)
    return job


@pytest.fixture
def server():
    with SandboxServer(job_seconds=1.0) as running:
        yield running


@pytest.fixture
def client(server):
    with openai.OpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as sdk:
        yield sdk


@pytest.fixture
def trained(client):
    """A succeeded job on gpt-4o-mini and its training file."""
    file = client.files.create(file=("train.jsonl", jsonl(chat_rows())), purpose="fine-tune")
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=file.id, suffix="sums")
    return wait_for_job(client, job.id)
