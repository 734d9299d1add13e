"""`chat` with a legacy completion model: the separator and stop sequence of its training data are filled in, as
the Try it tab does, unless they are given (\\n written as such)."""

import pytest

from sandbox.server import SandboxServer
from tests.sandbox.conftest import jsonl

ROWS = [{"prompt": f"Question {i} ->", "completion": f" Answer {i} END"} for i in range(12)]


@pytest.fixture
def legacy(run_cli, tmp_path):
    data = tmp_path / "legacy.jsonl"
    data.write_bytes(jsonl(ROWS))
    with SandboxServer(job_seconds=0.5) as server:
        connect = ("--base-url", server.base_url, "--api-key", "sk-test")
        result = run_cli("train", str(data), "--model", "davinci-002", "--suffix", "legacy", "--yes", *connect)
        assert result.code == 0, result.err
        yield result.out.split("Your model: ")[1].strip(), connect


def test_the_training_datas_markers_are_used(run_cli, legacy):
    model, connect = legacy
    result = run_cli("chat", model, "Question 4", "--no-stream", *connect)
    assert result.code == 0, result.err
    assert "separator “ ->”, stop “ END”" in result.err
    assert "Answer 4" in result.out and "END" not in result.out


def test_given_markers_win_and_take_escapes(run_cli, legacy):
    model, connect = legacy
    result = run_cli("chat", model, "Question 4", "--separator", " ->", "--stop", " 4", "--stop", "\\n", *connect)
    assert result.code == 0, result.err
    assert "training data" not in result.err
    assert "Answer" in result.out and "4" not in result.out
