"""`validate MODEL FILE`: the Try it tab's validation-set run against a Sandbox, with the results as CSV (cells
that Excel would run as formulas neutralised)."""

import csv
import json

from sandbox.server import SandboxServer
from tests.sandbox.conftest import chat_rows, jsonl

FORMULA = '=HYPERLINK("http://evil.example","click")'


def test_a_validation_file_is_scored_and_saved_as_csv(run_cli, tmp_path):
    data, valid = tmp_path / "train.jsonl", tmp_path / "valid.jsonl"
    data.write_bytes(jsonl(chat_rows(12)))
    questions = chat_rows(3) + [{"messages": [{"role": "user", "content": FORMULA},
                                              {"role": "assistant", "content": "@SUM(A1:A2)"}]}]
    valid.write_bytes(jsonl(questions))
    with SandboxServer(job_seconds=0.5) as server:
        connect = ("--base-url", server.base_url, "--api-key", "sk-test")
        trained = run_cli("train", str(data), "--model", "gpt-4o-mini-2024-07-18", "--suffix", "sums", "--yes",
                          *connect)
        model = trained.out.split("Your model: ")[1].strip()
        results = tmp_path / "results.csv"
        ran = run_cli("validate", model, str(valid), "--compare", "gpt-4o-mini-2024-07-18", "-o", str(results),
                      *connect)
        assert ran.code == 0, ran.err
        assert ran.out.count("[") >= 4 and f"{model}: " in ran.out and "similar on average" in ran.out
        as_json = json.loads(run_cli("validate", model, str(valid), "--sample", "2", "--json", *connect).out)
    assert len(as_json) == 2 and set(as_json[0]["answers"]) == {model}
    rows = list(csv.reader(results.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["question", "expected", f"{model} answer", "gpt-4o-mini-2024-07-18 answer",
                       f"{model} similarity", "gpt-4o-mini-2024-07-18 similarity"]
    by_question = {row[0]: row for row in rows[1:]}
    assert by_question["What is 1 plus 1?"][1:3] == ["1 plus 1 is 2.", "1 plus 1 is 2."]
    assert float(by_question["What is 1 plus 1?"][4]) == 1.0
    assert by_question["'" + FORMULA][1] == "'@SUM(A1:A2)"


def test_a_file_without_answers_is_a_clear_error(run_cli, tmp_path):
    questions = tmp_path / "questions.jsonl"
    questions.write_bytes(jsonl([{"messages": [{"role": "user", "content": "hi"}]}]))
    with SandboxServer() as server:
        result = run_cli("validate", "gpt-4o-mini-2024-07-18", str(questions), "--base-url", server.base_url,
                         "--api-key", "sk-test")
    assert result.code == 2 and "no examples that end with an expected answer" in result.err
