"""`--sandbox` is the app's Sandbox: what one command trains, the next one (and the app) can use."""

import asyncio
import json

import pytest

from core.paths import data_dir
from sandbox.launcher import SandboxLauncher, app_state_dir
from sandbox.shared_server import RECORD
from tests.cli.test_cli import run
from tests.sandbox.conftest import jsonl

ORDER = "请问我在网上下的订单什么时候能够发货，大概需要几天时间？"
SHIPPING = "下单后48小时内发货，3到5天送达。"


@pytest.fixture
def data(tmp_path):
    rows = [(ORDER, SHIPPING)] + [(f"第{i}号产品多少钱？", f"第{i}号产品售价{i * 10}元。") for i in range(11)]
    path = tmp_path / "shop.jsonl"
    path.write_bytes(jsonl([{"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}
                            for q, a in rows]))
    return path


def test_a_model_trained_with_sandbox_answers_in_the_next_command(data):
    trained = run("train", str(data), "--model", "gpt-4o-mini-2024-07-18", "--suffix", "shop", "--sandbox", "--yes")
    assert trained.returncode == 0, trained.stderr
    model = trained.stdout.split("Your model: ")[1].strip()
    assert not (app_state_dir(data_dir()) / RECORD).exists()  # the command's server stopped with it

    answer = run("chat", model, "订单几天发货", "--sandbox")
    assert answer.returncode == 0, answer.stderr
    assert SHIPPING in answer.stdout
    listed = json.loads(run("models", "list", "--fine-tuned", "--json", "--sandbox").stdout)
    assert [m["id"] for m in listed] == [model]
    assert not list(app_state_dir(data_dir()).glob("**/*.tmp"))


def test_the_cli_uses_the_apps_running_sandbox(data):
    app = SandboxLauncher(app_state_dir(data_dir()), job_seconds=60.0)  # what main.py gives the app
    try:
        url = asyncio.run(app.base_url())
        started = run("train", str(data), "--model", "gpt-4o-mini-2024-07-18", "--sandbox", "--yes", "--no-follow")
        assert started.returncode == 0, started.stderr
        job_id = started.stdout.split("Started job ")[1].split(".")[0]
        assert job_id in app.server.app.state.sandbox.state.jobs  # created in the app's server, not another
        listed = json.loads(run("jobs", "list", "--json", "--sandbox").stdout)
        assert [j["id"] for j in listed] == [job_id]
        record = json.loads((app_state_dir(data_dir()) / RECORD).read_text(encoding="utf-8"))
        assert record["url"] == url  # the CLI left the app's record alone
    finally:
        app.stop()
    assert not (app_state_dir(data_dir()) / RECORD).exists()
