"""One Sandbox server per state folder: a second launcher, in this process or another, uses the first's."""

import asyncio
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import openai

from sandbox.launcher import SandboxLauncher
from sandbox.shared_server import RECORD
from tests.cli.test_cli import ROOT
from tests.sandbox.conftest import chat_rows, jsonl
from tests.servers import closed_port

APP = """
import asyncio
import sys
from pathlib import Path
from sandbox.launcher import SandboxLauncher
launcher = SandboxLauncher(Path(sys.argv[1]), job_seconds=1.0)
print(asyncio.run(launcher.base_url()), flush=True)
sys.stdin.read()  # until the test closes our input
launcher.stop()
"""


def url_of(launcher):
    return asyncio.run(launcher.base_url())


def record(state_dir):
    return json.loads((state_dir / RECORD).read_text(encoding="utf-8"))


def test_a_second_launcher_reuses_the_first_server_and_takes_over_when_it_stops(tmp_path):
    first, second = SandboxLauncher(tmp_path, job_seconds=1.0), SandboxLauncher(tmp_path, job_seconds=1.0)
    try:
        url = url_of(first)
        assert url_of(second) == url and second.server is None
        assert record(tmp_path)["url"] == url
        second.stop()  # it started nothing, so it stops nothing
        assert url_of(first) == url and record(tmp_path)["url"] == url
        first.stop()
        assert not (tmp_path / RECORD).exists()
        own = url_of(second)
        assert second.server is not None and record(tmp_path)["url"] == own
    finally:
        first.stop()
        second.stop()
    assert not (tmp_path / RECORD).exists()


def test_launchers_starting_together_share_one_server(tmp_path):
    launchers = [SandboxLauncher(tmp_path, job_seconds=1.0) for _ in range(4)]
    try:
        with ThreadPoolExecutor(4) as pool:
            urls = set(pool.map(url_of, launchers))
        assert len(urls) == 1 and sum(launcher.server is not None for launcher in launchers) == 1
    finally:
        for launcher in launchers:
            launcher.stop()


def test_a_stale_record_is_cleared(tmp_path):
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    port = closed_port()
    address = {"url": f"http://127.0.0.1:{port}/v1", "origin": f"http://127.0.0.1:{port}"}
    # a process that has ended; this process, but nothing answers at its URL; a broken file
    for stale in (json.dumps(address | {"pid": ended.pid}), json.dumps(address | {"pid": os.getpid()}), "not json"):
        (tmp_path / RECORD).write_text(stale, encoding="utf-8")
        launcher = SandboxLauncher(tmp_path, job_seconds=1.0)
        try:
            url = url_of(launcher)
            assert launcher.server is not None and url != address["url"] and record(tmp_path)["url"] == url
        finally:
            launcher.stop()
        assert not (tmp_path / RECORD).exists()


def test_another_process_server_is_used_and_its_state_kept_after_it_ends(tmp_path):
    app = subprocess.Popen([sys.executable, "-c", APP, str(tmp_path)], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True, cwd=ROOT)
    launcher = SandboxLauncher(tmp_path, job_seconds=1.0)
    try:
        app_url = app.stdout.readline().strip()
        assert url_of(launcher) == app_url and launcher.server is None
        with openai.OpenAI(api_key="sk-test", base_url=app_url, max_retries=0) as client:
            file_id = client.files.create(file=("t.jsonl", jsonl(chat_rows())), purpose="fine-tune").id
        app.stdin.close()
        assert app.wait(timeout=20) == 0
        assert not (tmp_path / RECORD).exists()
        own = url_of(launcher)
        assert own != app_url and launcher.server is not None
        with openai.OpenAI(api_key="sk-test", base_url=own, max_retries=0) as client:
            assert file_id in [f.id for f in client.files.list()]
    finally:
        launcher.stop()
        if app.poll() is None:
            app.kill()
            app.wait()
