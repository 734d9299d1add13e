"""A server killed outright (a crash, the task manager) leaves no training running behind it: the worker notices
its parent is gone, saves a checkpoint and stops, so the next server resumes the job instead of training it twice."""

from __future__ import annotations

import sys

import openai
import pytest

from core.local.job_files import read_events
from core.local.launcher import LocalLauncher
from tests.local.test_server import TRAINING, _create, _upload
from tests.waiting import wait_until


@pytest.mark.skipif(sys.platform == "win32", reason="a worker learns its parent died from its parent process id")
@pytest.mark.timeout(120)
async def test_a_worker_whose_server_was_killed_stops_at_a_checkpoint(tiny_model, tmp_path):
    launcher = LocalLauncher(tmp_path / "state", tmp_path / "models")
    url = await launcher.base_url()
    try:
        with openai.OpenAI(base_url=url, api_key="local", max_retries=0, timeout=30) as client:
            job = _create(client, tiny_model, _upload(client, rows=24), epochs=50)  # far longer than the test
            folder = tmp_path / "state" / "jobs" / job.id
            wait_until(lambda: any(e["type"] == "metrics" for e in read_events(folder)), timeout=TRAINING)
        launcher.process.kill()  # no goodbye: the worker is left to itself
        launcher.process.wait()
        finished = wait_until(lambda: [e for e in read_events(folder) if e["type"] == "finished"], timeout=30)
    finally:
        launcher.stop()
    assert finished[-1]["status"] == "paused"
    checkpoints = [e for e in read_events(folder) if e["type"] == "checkpoint"]
    assert checkpoints and checkpoints[-1]["step"] < 50 * 6
