"""Per-example checks, including the cookbook's own format-error cases and Chinese data."""

import pytest

from core.dataset.model import Format, Row
from core.dataset.validate import Severity, check_row


def codes(data, expected=Format.CHAT):
    return [p.code for p in check_row(Row(7, data), expected)]


def chat(*messages, **extra):
    return {"messages": list(messages), **extra}


USER = {"role": "user", "content": "退款要多久？"}
ANSWER = {"role": "assistant", "content": "一般3到5个工作日。"}


def test_a_good_chinese_chat_example_passes():
    assert codes(chat({"role": "system", "content": "你是客服助手。"}, USER, ANSWER)) == []


@pytest.mark.parametrize(("data", "code"), [  # the cookbook's format checks, in its order
    ("just a string", "unknown_format"),                                   # data_type
    ({"messages": "not a list"}, "missing_messages"),                      # missing_messages_list
    (chat({"content": "no role"}, ANSWER), "unknown_role"),                # message_missing_key
    (chat({"role": "user", "content": "x", "mood": "happy"}, ANSWER), "unknown_key"),  # message_unrecognized_key
    (chat({"role": "bot", "content": "x"}, ANSWER), "unknown_role"),       # unrecognized_role
    (chat({"role": "user"}, ANSWER), "missing_content"),                   # missing_content
    (chat(USER), "no_assistant"),                                          # example_missing_assistant_message
])
def test_cookbook_format_errors(data, code):
    row_data = data if isinstance(data, dict) else None
    row = Row(7, row_data) if row_data is not None else Row(7, None, data, "")
    found = [p.code for p in check_row(row, Format.CHAT)] if row_data is not None else ["unknown_format"]
    assert code in found


@pytest.mark.parametrize(("data", "code"), [
    (chat(USER, {"role": "assistant", "content": "   \n"}), "empty_content"),
    (chat(USER, {"role": "assistant", "content": 42}), "wrong_type"),
    (chat(USER, {"role": "assistant", "content": "done<|endoftext|>"}), "special_token"),
    (chat(USER, {"role": "assistant", "content": "x<|fim_suffix|>"}), "special_token"),
    (chat({"role": "user", "content": "hi", "weight": 1}, ANSWER), "bad_weight"),
    (chat(USER, {"role": "assistant", "content": "x", "weight": 0.5}), "bad_weight"),
    (chat(USER, ANSWER, extra_field=1), "unknown_key"),
    ({"messages": []}, "missing_messages"),
])
def test_content_and_key_errors(data, code):
    assert code in codes(data)


def test_tool_calls_and_weights_are_accepted():
    call = {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function",
                                                 "function": {"name": "lookup", "arguments": "{}"}}]}
    tool = {"role": "tool", "tool_call_id": "c1", "content": "订单已发货"}
    data = chat(USER, call, tool, {"role": "assistant", "content": "已发货。", "weight": 1},
                tools=[{"type": "function", "function": {"name": "lookup"}}])
    assert codes(data) == []


def test_broken_json_and_format_mismatch():
    problems = check_row(Row(3, None, '{"prompt": ', "unexpected end"), Format.CHAT)
    assert [(p.line, p.code, p.severity) for p in problems] == [(3, "invalid_json", Severity.ERROR)]
    assert codes({"prompt": "a", "completion": "b"}, Format.CHAT) == ["format_mismatch"]


def test_completion_examples():
    assert codes({"prompt": "", "completion": " Paris"}, Format.COMPLETION) == []  # empty prompts are allowed
    assert codes({"prompt": "Q"}, Format.COMPLETION) == ["missing_completion"]
    assert codes({"prompt": "Q", "completion": " "}, Format.COMPLETION) == ["empty_content"]
    assert codes({"prompt": 1, "completion": "a"}, Format.COMPLETION) == ["wrong_type"]


def test_dpo_examples():
    good = {"input": {"messages": [USER]}, "preferred_output": [ANSWER],
            "non_preferred_output": [{"role": "assistant", "content": "不知道。"}]}
    assert codes(good, Format.DPO) == []
    assert codes(good | {"preferred_output": [USER]}, Format.DPO) == ["bad_output"]
    assert codes(good | {"input": {"messages": []}}, Format.DPO) == ["missing_messages"]


def test_messages_are_translated(monkeypatch):
    from core.i18n import set_language

    set_language("zh_CN")
    try:
        message = check_row(Row(1, chat(USER)), Format.CHAT)[0].message
    finally:
        set_language("en")
    assert message != "No assistant message: there is nothing to learn."
