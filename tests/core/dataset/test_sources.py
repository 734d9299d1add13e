"""Other tools' formats become OpenAI rows; checks follow the chosen model and method."""

import json

import pytest

from core.dataset.check import check_rows, mostly_latin
from core.dataset.io import read_rows
from core.dataset.model import Format, Row
from core.dataset.sources import convert, describe
from core.errors import CoreError
from core.training.start import StartRequest, prepare


def test_alpaca_with_system_history_and_input():
    data, origin, notes = convert({"instruction": "翻译", "input": "你好", "output": "Hello", "system": "你是翻译。",
                                   "history": [["你是谁？", "翻译助手。"]]})
    assert origin == "alpaca" and notes == ("input_appended", "history")
    assert data == {"messages": [{"role": "system", "content": "你是翻译。"}, {"role": "user", "content": "你是谁？"},
                                 {"role": "assistant", "content": "翻译助手。"},
                                 {"role": "user", "content": "翻译\n你好"}, {"role": "assistant", "content": "Hello"}]}


def test_alpaca_ranking_output_and_chosen_rejected_become_dpo():
    for record in ({"instruction": "q", "input": "", "output": ["good", "bad"]},
                   {"instruction": "q", "chosen": "good", "rejected": "bad"},
                   {"question": "q", "response_chosen": "good", "response_rejected": "bad"}):
        data, _, _ = convert(record)
        assert Row(1, data).format is Format.DPO
        assert data["preferred_output"] == [{"role": "assistant", "content": "good"}]


def test_sharegpt_function_calls_become_tool_calls_and_tool_messages():
    data, origin, notes = convert({"conversations": [
        {"from": "human", "value": "天气？"},
        {"from": "function_call", "value": '[{"name": "a", "arguments": {"x": 1}}, {"name": "b", "arguments": {}}]'},
        {"from": "observation", "value": "A"}, {"from": "observation", "value": "B"},
        {"from": "gpt", "value": "好"}], "tools": '[{"name": "a", "description": "d", "parameters": {}}]'})
    assert origin == "sharegpt" and notes == ("tools",)
    calls = data["messages"][1]["tool_calls"]
    assert [c["function"]["name"] for c in calls] == ["a", "b"] and calls[0]["function"]["arguments"] == '{"x":1}'
    assert [m.get("tool_call_id") for m in data["messages"][2:4]] == [calls[0]["id"], calls[1]["id"]]
    assert data["tools"] == [{"type": "function", "function": {"name": "a", "description": "d", "parameters": {}}}]
    assert check_rows([Row(1, data)] * 10).errors == []


@pytest.mark.parametrize("record", [
    {"conversations": [{"from": "alien", "value": "x"}]},
    {"conversations": [{"from": "human", "value": "x"}], "tools": "not json"},
    {"instruction": {"nested": 1}, "output": "a"},
    {"messages": [{"role": "user", "content": [{"type": "image", "value": "/home/me/cat.png"}]}]},
    {"foo": "bar"},
])
def test_rows_that_cannot_be_converted_stay_as_they_were(record):
    assert convert(record) is None
    codes = {p.code for p in check_rows([Row(1, record)]).errors}
    assert codes & {"unknown_format", "unknown_part"}


def test_openai_rows_are_left_alone():
    row = {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}
    assert convert(row) is None and convert({"prompt": "p", "completion": "c"}) is None


def test_describe_says_what_was_recognised():
    assert describe((("alpaca", 1000),), (("input_appended", 230),), "chat") == \
        "Alpaca → chat, 1,000 rows, “input” appended to the question in 230"
    assert describe((), (), "chat") == ""


def test_completion_rows_for_a_chat_model_and_chat_rows_for_a_legacy_model_are_errors():
    completion = [Row(i, {"prompt": f"p{i} ->", "completion": f" c{i}\n"}) for i in range(1, 13)]
    chat = [Row(i, {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": f"{i}"}]})
            for i in range(1, 13)]
    assert [p.code for p in check_rows(completion, "gpt-4o-mini-2024-07-18").errors] == ["needs_chat"]
    assert check_rows(completion, "davinci-002").usable
    assert [p.code for p in check_rows(chat, "babbage-002").errors] == ["needs_completion"]
    assert [p.code for p in check_rows(chat, method="dpo").errors] == ["needs_dpo"]


def test_legacy_hints_only_for_legacy_models_and_chinese_is_not_english():
    rows = [Row(i, {"prompt": f"问题{i}", "completion": text}) for i, text in
            enumerate(["2023年6月30日前", "500万元", "ABC公司的产品"] * 4, start=1)]
    legacy = {p.code for p in check_rows(rows, "davinci-002").warnings}
    assert "completion_leading_space" not in legacy and "no_prompt_separator" in legacy
    chat_model = {p.code for p in check_rows(rows, "gpt-4o-mini-2024-07-18").problems}
    assert not chat_model & {"no_prompt_separator", "no_completion_ending", "completion_leading_space"}
    assert mostly_latin("Paris is the capital") and not mostly_latin("2023年6月30日") and not mostly_latin("500万元")


def test_few_examples_wording_and_threshold():
    chat = [Row(i, {"messages": [{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": "a"}]})
            for i in range(1, 92)]
    assert "few_examples" not in {p.code for p in check_rows(chat).warnings}  # 91 is within 50 to 100
    message = next(p.message for p in check_rows(chat[:20]).warnings if p.code == "few_examples")
    assert message.startswith("Only 20 examples: 50 to 100")


def _write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def test_start_checks_the_validation_file_and_the_overlap(tmp_path):
    rows = [{"messages": [{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": f"a{i}"}]}
            for i in range(12)]
    training = _write_jsonl(tmp_path / "train.jsonl", rows)
    broken = _write_jsonl(tmp_path / "bad.jsonl", [{"messages": []}])
    with pytest.raises(CoreError, match="The validation file bad.jsonl has 1 errors"):
        prepare(StartRequest(training, "gpt-4o-mini-2024-07-18", broken))
    overlap = _write_jsonl(tmp_path / "valid.jsonl", rows[:2])
    with pytest.raises(CoreError, match="The training file train.jsonl has 2 errors") as raised:
        prepare(StartRequest(training, "gpt-4o-mini-2024-07-18", overlap))
    assert "also in the validation file" in raised.value.hint
    prepared, validation = prepare(StartRequest(training, "gpt-4o-mini-2024-07-18",
                                                _write_jsonl(tmp_path / "v.jsonl", [{"question": "x", "answer": "y"}])))
    assert prepared.upload == training and prepared.converted == ""
    assert validation is not None and validation.upload.suffix == ".jsonl" and validation.converted
    assert read_rows(validation.upload)[0][0].data["messages"][0] == {"role": "user", "content": "x"}
