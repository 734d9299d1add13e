"""The local server through the official SDK, training the tiny model for real on the CPU: upload, jobs with events,
metrics, checkpoints and result files, pause and resume, cancel, a restart in the middle of a job, chat with the
fine-tuned model, models list and delete; and hostile requests answered with OpenAI-shaped 4xx errors."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import httpx
import openai
import pytest

from core.local.launcher import LocalLauncher
from core.local.server import api_files
from core.local.server.record import process_alive
from core.local.server.serve import LocalServer
from core.local.server.state import LocalState
from tests.local.tiny_model import memorisable_rows
from tests.waiting import wait_until

TRAINING = 60.0  # seconds: a worker imports torch (~10 s on two busy cores), then trains two dozen tiny steps
FINISHED = ("succeeded", "failed", "cancelled")


def _upload(client: openai.OpenAI, rows: int = 16) -> str:
    data = "\n".join(json.dumps(row, ensure_ascii=False) for row in memorisable_rows(rows)).encode()
    return client.files.create(file=("train.jsonl", data), purpose="fine-tune").id


def _create(client: openai.OpenAI, model: Path, file_id: str, epochs: int = 6, **options):  # noqa: ANN202
    hyper = {"n_epochs": epochs, "batch_size": 4, "learning_rate_multiplier": 2.0}
    return client.fine_tuning.jobs.create(model=str(model), training_file=file_id, seed=7,
                                          method={"type": "supervised", "supervised": {"hyperparameters": hyper}},
                                          **options)


def _status(client: openai.OpenAI, job_id: str, *wanted: str, timeout: float = TRAINING):  # noqa: ANN202
    def reached():  # noqa: ANN202
        job = client.fine_tuning.jobs.retrieve(job_id)
        assert job.status in wanted or job.status not in FINISHED, job.error
        return job if job.status in wanted else None

    return wait_until(reached, timeout=timeout, interval=0.1)


def _events(client: openai.OpenAI, job_id: str) -> list:
    """Every event, oldest first, read page by page as the app does."""
    found, after = [], None
    while True:
        page = client.fine_tuning.jobs.list_events(job_id, limit=7, **({"after": after} if after else {}))
        found += page.data
        if not page.has_more:
            return found[::-1]
        after = page.data[-1].id


def _losses(events: list) -> list[tuple[int, float]]:
    return [(e.data["step"], e.data["train_loss"]) for e in events if e.type == "metrics"]


@pytest.mark.timeout(150)
def test_a_job_survives_a_restart_and_a_pause_then_its_model_answers(tmp_path, tiny_model):
    """One job through everything that can happen to it (a worker start costs ~10 s of imports, so they share it)."""
    folders = {"state_dir": tmp_path / "state", "models_dir": tmp_path / "models"}
    server = LocalServer(**folders).start()
    try:
        with openai.OpenAI(base_url=server.base_url, api_key="local", max_retries=0) as client:
            job = _create(client, tiny_model, _upload(client), suffix="tiny", metadata={"run": "first"})
            assert job.status == "validating_files" and job.hyperparameters.n_epochs == 6
            wait_until(lambda: client.fine_tuning.jobs.checkpoints.list(job.id).data, timeout=TRAINING)
            worker = server.local.runner.process
    finally:
        server.stop()
    assert worker is not None and worker.poll() is not None, "the worker ends with its server"
    assert LocalState(folders["state_dir"]).jobs[job.id].status == "running"

    server = LocalServer(**folders).start()
    try:
        with openai.OpenAI(base_url=server.base_url, api_key="local", max_retries=0) as client:
            done = _pause_and_resume(client, job.id)
            _check_events(client, job.id, folders["state_dir"])
            assert done.fine_tuned_model == f"ft:{tiny_model.name}:local:tiny:{job.id.removeprefix('ftjob-')[:8]}"
            assert done.trained_tokens and done.trained_tokens > 0
            assert [j.id for j in client.fine_tuning.jobs.list(metadata={"run": "first"}).data] == [job.id]
            assert client.fine_tuning.jobs.list(metadata={"run": "other"}).data == []
            checkpoints = client.fine_tuning.jobs.checkpoints.list(job.id).data
            assert checkpoints[0].step_number == 24 and checkpoints[0].fine_tuned_model_checkpoint.startswith(
                done.fine_tuned_model + ":ckpt-step-")
            _results(client, done.result_files)
            _chat(client, done.fine_tuned_model, tiny_model)
            _delete(client, server, done.fine_tuned_model, job.id)
    finally:
        server.stop()


def _pause_and_resume(client: openai.OpenAI, job_id: str):  # noqa: ANN202
    """Once the job trains again after the restart: pause it, then resume it and wait for its end."""
    restarted = wait_until(lambda: max((s for s, _ in _losses(_events(client, job_id))), default=0) > 4,
                           timeout=TRAINING)
    assert restarted
    client.fine_tuning.jobs.pause(job_id)
    _status(client, job_id, "paused")
    assert max(step for step, _ in _losses(_events(client, job_id))) < 24
    assert client.fine_tuning.jobs.resume(job_id).status == "queued"
    return _status(client, job_id, "succeeded")


def _check_events(client: openai.OpenAI, job_id: str, state_dir: Path) -> None:
    events = _events(client, job_id)
    losses = _losses(events)
    assert [step for step, _ in losses] == list(range(1, 25)), "each step once, across the restart and the pause"
    assert losses[-1][1] < losses[0][1] / 2, losses
    assert any("continues from its newest checkpoint" in e.message for e in events)
    assert any(e.message == "Fine-tuning job paused" for e in events)
    assert json.loads((state_dir / "jobs" / job_id / "spec.json").read_text())["resume"] is True


def _results(client: openai.OpenAI, file_ids: list[str]) -> None:
    files = {client.files.retrieve(f).filename: f for f in file_ids}
    assert sorted(files) == ["adapter_config.json", "adapter_model.safetensors", "step_metrics.csv"]
    csv = base64.b64decode(client.files.content(files["step_metrics.csv"]).read()).decode().splitlines()
    assert csv[0] == "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy" and len(csv) == 25
    assert json.loads(client.files.content(files["adapter_config.json"]).read())["peft_type"] == "LORA"
    weights = client.files.content(files["adapter_model.safetensors"]).read()
    header = int.from_bytes(weights[:8], "little")
    assert any(name.startswith("base_model") for name in json.loads(weights[8:8 + header]))


def _chat(client: openai.OpenAI, model: str, base: Path) -> None:
    question = [{"role": "user", "content": "What is the capital of France?"}]
    stream = client.chat.completions.create(model=model, stream=True, stream_options={"include_usage": True},
                                            max_tokens=12, temperature=0, messages=question)
    chunks = list(stream)
    pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(pieces) >= 2, chunks
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0
    assert chunks[-2].choices[0].finish_reason in ("stop", "length")
    answer = "".join(pieces)
    stop = answer[len(answer) // 2:len(answer) // 2 + 2]
    whole = client.chat.completions.create(model=model, max_tokens=12, temperature=0, messages=question, stop=stop)
    assert whole.choices[0].message.content == answer[:answer.index(stop)]
    assert whole.choices[0].finish_reason == "stop" and whole.usage.prompt_tokens > 5
    side_by_side = client.chat.completions.create(model=str(base), max_tokens=4, messages=question)
    assert side_by_side.model == str(base) and side_by_side.usage.completion_tokens <= 4


def _delete(client: openai.OpenAI, server: LocalServer, model: str, job_id: str) -> None:
    assert model in [m.id for m in client.models.list().data]
    assert client.models.retrieve(model).owned_by == "local"
    assert client.models.delete(model).deleted
    assert model not in [m.id for m in client.models.list().data]
    assert not (server.state_dir / "jobs" / job_id / "adapter").exists()
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}])


@pytest.mark.timeout(90)
def test_cancel_ends_the_worker_within_seconds(local_client, local_server, tiny_model):
    job = _create(local_client, tiny_model, _upload(local_client))
    runner = local_server.local.runner
    wait_until(lambda: _losses(_events(local_client, job.id)), timeout=TRAINING)  # the worker is training
    worker = runner.process
    assert local_client.fine_tuning.jobs.cancel(job.id).status == "cancelled"
    wait_until(lambda: runner.process is None and not process_alive(worker.pid), timeout=8)
    assert local_client.fine_tuning.jobs.retrieve(job.id).status == "cancelled"
    with pytest.raises(openai.BadRequestError) as refused:
        local_client.fine_tuning.jobs.resume(job.id)
    assert refused.value.code == "invalid_job_state"


def _error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert isinstance(error["message"], str) and "type" in error and "code" in error
    return error


def test_hostile_requests_get_openai_shaped_errors(local_server, tiny_model, monkeypatch):
    key = {"Authorization": "Bearer local"}
    with httpx.Client(base_url=local_server.base_url, headers=key, timeout=30) as http:
        _error(http.get("/files/..%2F..%2Fstate.json"), 404)
        _error(http.get("/files/../state.json"), 404)
        _error(http.get("/fine_tuning/jobs/..%2F..%2Fstate.json/events"), 404)
        _error(http.delete("/models/ft:..%2F..%2Fx:local::1"), 404)
        _error(http.post("/fine_tuning/jobs", json={"model": "../../etc", "training_file": "file-x"}), 400)
        assert _error(http.post("/fine_tuning/jobs", json={"model": str(tiny_model), "training_file": "../x"}),
                      400)["param"] == "training_file"
        _error(http.post("/fine_tuning/jobs", json={"model": "/" + "a" * 5000, "training_file": "f"}), 400)
        _error(http.post("/chat/completions", content=b"{not json"), 400)
        _error(http.post("/chat/completions", content=b"[" * 100_000), 400)
        _error(http.post("/chat/completions", json=["a list"]), 400)
        _error(http.post("/chat/completions", content=b" " * (9 * 1024**2)), 413)
        _error(http.post("/chat/completions", json={"model": "nothing-here", "messages": [{"role": "user"}]}), 404)
        _error(http.get("/fine_tuning/jobs", params={"limit": "many"}), 400)
        _error(http.get("/no/such/route"), 404)
        _error(http.put("/files"), 405)
        monkeypatch.setattr(api_files, "MAX_FILE_BYTES", 1000)
        _error(http.post("/files", files={"file": ("big.jsonl", b"x" * 5000)}, data={"purpose": "fine-tune"}), 413)
        _error(http.post("/files", files={"file": ("a.jsonl", b"{}")}, data={"purpose": "batch"}), 400)
        _error(httpx.get(local_server.base_url + "/models"), 401)
    assert not list((local_server.state_dir / "files").iterdir()), "nothing refused was kept"


def test_a_bad_training_file_fails_the_job_and_a_damaged_state_is_set_aside(local_client, local_server, tiny_model):
    bad = local_client.files.create(file=("bad.jsonl", b'{"messages": []}\nnot json\n'), purpose="fine-tune")
    job = _create(local_client, tiny_model, bad.id)
    failed = _status(local_client, job.id, "failed", timeout=20)
    assert failed.error.code == "invalid_file" and "Line 1" in failed.error.message

    folder = local_server.state_dir.parent / "damaged"
    folder.mkdir()
    (folder / "state.json").write_text('{"files": [{"id": "../../x"}], "jobs": [], "models": []}')
    state = LocalState(folder)
    assert state.files == {} and state.set_aside is not None and state.set_aside.exists()


async def test_the_launcher_starts_a_child_server_that_the_cli_shares(tmp_path):
    launcher = LocalLauncher(tmp_path / "state", tmp_path / "models")
    url = await launcher.base_url()
    try:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        child = launcher.process
        assert child is not None and child.pid != os.getpid()
        assert await launcher.base_url() == url  # reused while it lives
        cli = LocalLauncher(tmp_path / "state", tmp_path / "models")
        assert await cli.base_url() == url and cli.process is None  # the CLI uses the app's server
        with pytest.raises(Exception, match="Another local server already uses this folder"):
            LocalServer(state_dir=tmp_path / "state", models_dir=tmp_path / "models").start()
        async with openai.AsyncOpenAI(base_url=url, api_key="local", max_retries=0) as client:
            assert (await client.models.list()).data == []
    finally:
        launcher.stop()
    assert child.poll() is not None and not (tmp_path / "state" / "server.json").exists()
