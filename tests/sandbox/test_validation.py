"""The Sandbox's own reading of a fine-tuning file, by the API reference's rules (without a server: the HTTP side is
in test_errors)."""

import json

import pytest

from sandbox.catalogue import base_model
from sandbox.errors import ApiError
from sandbox.validation import analyse_file, job_file_problem

USER, ANSWER = {"role": "user", "content": "What is 1 plus 1?"}, {"role": "assistant", "content": "1 plus 1 is 2."}
CALL = {"role": "assistant", "content": None,
        "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "add", "arguments": "{\"a\": 1}"}}]}
TOOLS = [{"type": "function", "function": {"name": "add", "parameters": {"type": "object"}}}]


def lines(*rows: object) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


def refusal(content: bytes) -> str:
    with pytest.raises(ApiError) as info:
        analyse_file(content)
    assert info.value.status == 400 and info.value.code == "invalid_file_format" and info.value.param == "file"
    return info.value.message


@pytest.mark.parametrize(("row", "words"), [
    ([1, 2], "Line 1 is not a JSON object"),
    ({"messages": []}, "'messages' must be a non-empty list of objects"),
    ({"messages": [USER, {"content": "hi"}]}, "Line 1, message 2: 'role' is missing"),
    ({"messages": [{"role": "robot", "content": "hi"}, ANSWER]}, "message 1: unrecognized role 'robot'"),
    ({"messages": [USER, ANSWER | {"weight": 2}]}, "'weight' must be 0 or 1"),
    ({"messages": [USER | {"weight": 1}, ANSWER]}, "on assistant messages only"),
    ({"messages": [USER | {"content": 5}, ANSWER]}, "message 1: 'content' must be a string or a list"),
    ({"messages": [USER, {"role": "assistant"}]}, "message 2: 'content' must be"),
    ({"messages": [USER, ANSWER], "weight": 1}, "Line 1 contains an extra \"weight\""),
    ({"messages": [USER, ANSWER], "tools": "add"}, "'tools' must be a list"),
    ({"messages": [USER, ANSWER], "functions": []}, "'functions' must be a list of 1 to 128 objects"),
    ({"prompt": "Q ->", "completion": 5}, "'completion' must be a string"),
    ({"prompt": "Q", "completion": " A", "note": "x"}, "contains an extra \"note\""),
    ({"input": {"messages": [USER]}, "preferred_output": [], "non_preferred_output": [ANSWER]},
     "'preferred_output' must be a list with one assistant message"),
    ({"input": [USER], "preferred_output": [ANSWER], "non_preferred_output": [ANSWER]},
     "'input' must be an object with 'messages'"),
])
def test_lines_the_api_refuses(row, words):
    assert words in refusal(lines(row))


def test_a_line_nested_too_deeply_is_refused_not_a_crash():
    assert "Line 1 is not valid JSON" in refusal(b"[" * 100_000 + b"]" * 100_000)


def test_what_the_api_accepts_is_accepted_and_counted_by_the_cookbook():
    facts = analyse_file(lines({"messages": [{"role": "system", "content": "You answer sums."}, USER, ANSWER]}))
    # 3 messages x 3, "system" 1 + 4, "user" 1 + 8, "assistant" 1 + 8 (o200k_base), 3 for the reply
    assert (facts.format, facts.n_examples, facts.total_tokens) == ("chat", 1, 35)
    assert facts.pairs == [("What is 1 plus 1?", "1 plus 1 is 2.")]
    tools = analyse_file(lines({"messages": [USER, CALL, {"role": "tool", "tool_call_id": "c1", "content": "2"},
                                             ANSWER | {"weight": 0}, ANSWER | {"weight": 1}], "tools": TOOLS,
                                "parallel_tool_calls": False}))
    assert tools.total_tokens > facts.total_tokens
    parts = analyse_file(lines({"messages": [USER | {"content": [{"type": "text", "text": "1 + 1?"}]}, ANSWER]}))
    assert parts.pairs == [("1 + 1?", "1 plus 1 is 2.")]


def test_a_file_keeps_to_one_format_and_bailian_preference_rows_read_as_openai_ones():
    assert "Line 2 is a completion example" in refusal(lines({"messages": [USER, ANSWER]},
                                                              {"prompt": "Q", "completion": " A"}))
    bailian = analyse_file(lines({"messages": [USER], "chosen": ANSWER, "rejected": ANSWER | {"content": "3"}}))
    assert bailian.format == "dpo" and bailian.pairs == [("What is 1 plus 1?", "1 plus 1 is 2.")]


@pytest.mark.parametrize(("rows", "model", "method", "code"), [
    ([{"messages": [USER, ANSWER]}] * 9, "gpt-4o-mini", "supervised", "invalid_n_examples"),
    ([{"messages": [USER, ANSWER]}] * 10, "gpt-4o-mini", "supervised", None),
    ([{"messages": [USER, ANSWER]}] * 10, "davinci-002", "supervised", "invalid_file_format"),
    ([{"prompt": "Q ->", "completion": " A\n"}] * 10, "babbage-002", "supervised", None),
    ([{"messages": [USER, ANSWER]}] * 10, "gpt-4.1-nano", "dpo", "invalid_file_format"),
])
def test_jobs_check_the_file_against_the_model_and_method(rows, model, method, code):
    problem = job_file_problem(analyse_file(lines(*rows)), base_model(model), method, "training")
    assert (problem[0] if problem else None) == code
