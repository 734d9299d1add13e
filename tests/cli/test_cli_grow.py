"""`grow`: five Chinese examples grown to thirty rows, and rows from a document, into a review file (Sandbox)."""

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.faults import Faults
from sandbox.server import SandboxServer
from tests.core.grow.shop import SHOP, ZH_PAIRS
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "grow"
CJK = re.compile("[\u4e00-\u9fff]")


@pytest.fixture
def sandbox():
    with SandboxServer() as server:
        yield server


@pytest.fixture
def connect(sandbox):
    return "--base-url", sandbox.base_url, "--api-key", "sk-test"


@pytest.fixture
def examples(tmp_path):
    path = tmp_path / "shop.jsonl"
    path.write_text("".join(json.dumps({"messages": [
        {"role": "system", "content": SHOP}, {"role": "user", "content": q}, {"role": "assistant", "content": a}]},
        ensure_ascii=False) + "\n" for q, a in ZH_PAIRS), encoding="utf-8")
    return path


def review(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_five_chinese_examples_grow_to_thirty(run_cli, tmp_path, examples, connect):
    out = tmp_path / "review.jsonl"
    result = run_cli("grow", str(examples), "-o", str(out), "--to", "30", "--model", "gpt-4o-mini", *connect)
    assert result.code == 0, result.err
    rows = review(out)
    assert len(rows) == 25
    for row in rows:
        assert [m["role"] for m in row["messages"]] == ["system", "user", "assistant"]
        assert row["messages"][0]["content"] == SHOP and CJK.search(row["messages"][1]["content"])
        assert row["generated"]["origin"] == "examples" and row["generated"]["error"] == ""
        assert set(row["generated"]) == {"origin", "passage", "similar_to", "error"}
    assert re.search(r"Estimated cost for 25 new rows: [\d,]+ input \+ [\d,]+ output tokens, about \$0\.0", result.err)
    assert re.search(r"Spent: [\d,]+ input \+ [\d,]+ output tokens, about \$0\.0", result.err)
    assert "Done. 25 of 25 rows" in result.err
    assert f"Wrote 25 rows to {out} for review: 0 with errors" in result.out
    assert len(examples.read_text(encoding="utf-8").splitlines()) == 5  # the training file is left alone


def test_rows_from_a_document_keep_their_passage(run_cli, tmp_path, connect):
    out = tmp_path / "from_policy.jsonl"
    result = run_cli("grow", "-o", str(out), "--to", "6", "--model", "gpt-4.1-mini",
                     "--from-document", str(DATA / "shop_policy_gbk.txt"), *connect)
    assert result.code == 0, result.err
    rows = review(out)
    assert len(rows) == 6 and all(r["generated"]["origin"] == "document" for r in rows)
    for row in rows:
        question, answer = (m["content"] for m in row["messages"])
        assert CJK.search(question) and (answer in row["generated"]["passage"] or answer == "文中没有提到这一点。")


def test_malformed_output_is_reported_per_row_and_the_exit_code_says_so(run_cli, tmp_path, sandbox, examples,
                                                                        connect):
    sandbox.set_faults(Faults(malformed_output=True))
    out = tmp_path / "review.jsonl"
    result = run_cli("grow", str(examples), "-o", str(out), "--to", "10", "--model", "gpt-4o-mini", *connect)
    assert result.code == 1
    rows = review(out)
    assert rows and all(r["generated"]["error"].startswith("The model's reply was not a list") for r in rows)
    assert "Row 1: The model's reply was not a list of questions" in result.err


def test_what_cannot_be_grown_is_refused_plainly(run_cli, tmp_path, examples, connect):
    out = tmp_path / "review.jsonl"
    same = run_cli("grow", str(examples), "-o", str(examples), "--to", "9", "--model", "gpt-4o-mini", *connect)
    assert same.code == 2 and "The review file must not be the training file." in same.err
    nothing = run_cli("grow", "-o", str(out), "--to", "9", "--model", "gpt-4o-mini", *connect)
    assert nothing.code == 2 and "Give a training file" in nothing.err
    enough = run_cli("grow", str(examples), "-o", str(out), "--to", "5", "--model", "gpt-4o-mini", *connect)
    assert enough.code == 0 and "nothing to add" in enough.err
    legacy = run_cli("grow", str(examples), "-o", str(out), "--to", "9", "--model", "davinci-002", *connect)
    assert legacy.code == 2 and "davinci-002 is a completion model" in legacy.err


def test_ctrl_c_keeps_the_rows_written_so_far(tmp_path, sandbox, examples, connect):
    sandbox.set_faults(Faults(answer_delay=0.2))  # slow enough to stop it half-way
    out = tmp_path / "review.jsonl"
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "grow", str(examples), "-o", str(out),
                                "--to", "30", "--model", "gpt-4o-mini", *connect], stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    try:
        wait_until(lambda: out.exists() and len(out.read_text(encoding="utf-8").splitlines()) >= 2)
    finally:
        process.send_signal(signal.SIGINT)
        err = process.communicate(timeout=20)[1]
    assert process.returncode == 130, err
    kept = review(out)
    assert 2 <= len(kept) < 25 and all(row["messages"][-1]["role"] == "assistant" for row in kept)
    assert f"Stopped: the {len(kept)} rows written so far are kept in {out}." in err
