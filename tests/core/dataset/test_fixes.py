from core.dataset.fixes import (
    add_system_message,
    completion_to_chat,
    drop_duplicates,
    drop_empty,
    split,
    trim_whitespace,
)
from core.dataset.model import Format, Row


def chat(line, *pairs):
    return Row(line, {"messages": [{"role": r, "content": c} for r, c in pairs]})


def test_trim_whitespace_touches_only_texts():
    rows = [chat(1, ("user", "  你好 \n"), ("assistant", "您好！")), Row(2, {"prompt": "x", "completion": " y "})]
    result = trim_whitespace(rows)
    assert result.changed == 2
    assert result.rows[0].data["messages"][0] == {"role": "user", "content": "你好"}
    assert result.rows[1].data == {"prompt": "x", "completion": "y"}
    assert rows[0].data["messages"][0]["content"] == "  你好 \n"  # the original rows are untouched (undo)


def test_drop_duplicates_keeps_the_first_and_key_order_does_not_matter():
    a = Row(1, {"prompt": "p", "completion": "c"})
    rows = [a, Row(2, {"completion": "c", "prompt": "p"}), Row(3, {"prompt": "q", "completion": "c"})]
    result = drop_duplicates(rows)
    assert [r.line for r in result.rows] == [1, 3] and result.changed == 1


def test_drop_empty_keeps_broken_rows_with_text():
    rows = [chat(1, ("user", " "), ("assistant", "")), Row(2, None, "{oops", "err"), chat(3, ("user", "a"))]
    assert [r.line for r in drop_empty(rows).rows] == [2, 3]


def test_add_system_message_only_where_missing():
    rows = [chat(1, ("user", "a"), ("assistant", "b")), chat(2, ("system", "s"), ("user", "a"))]
    result = add_system_message(rows, "你是客服助手。")
    assert result.changed == 1
    assert result.rows[0].data["messages"][0] == {"role": "system", "content": "你是客服助手。"}
    assert result.rows[1] is rows[1]


def test_completion_to_chat_removes_legacy_separators():
    rows = [Row(1, {"prompt": "Where is my order?\n\n###\n\n", "completion": " It ships today. END"}),
            Row(2, {"prompt": "退款 ->", "completion": " 3天\n"}), chat(3, ("user", "a"))]
    result = completion_to_chat(rows, system="Be brief.")
    assert result.changed == 2
    assert result.rows[0].data["messages"] == [{"role": "system", "content": "Be brief."},
                                               {"role": "user", "content": "Where is my order?"},
                                               {"role": "assistant", "content": "It ships today."}]
    assert result.rows[1].data["messages"][1:] == [{"role": "user", "content": "退款"},
                                                   {"role": "assistant", "content": "3天"}]
    assert all(r.format is Format.CHAT for r in result.rows)


def test_split_is_seeded_and_complete():
    rows = [chat(i, ("user", str(i))) for i in range(1, 101)]
    train, valid = split(rows, 0.2, seed=7)
    assert len(train) == 80 and len(valid) == 20
    assert sorted(r.line for r in train + valid) == list(range(1, 101))
    assert split(rows, 0.2, seed=7) == (train, valid)
    assert split(rows, 0.2, seed=8)[1] != valid
