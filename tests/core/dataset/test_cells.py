"""Rows as table cells, cell edits and the clipboard formats."""

from core.dataset.cells import Column, can_edit, cell_text, rows_from_text, rows_to_jsonl, rows_to_tsv, with_cell
from core.dataset.model import Format, Row

CHAT = Row(3, {"messages": [{"role": "system", "content": "你是客服"}, {"role": "user", "content": "你好"},
                            {"role": "assistant", "content": "您好！"}, {"role": "user", "content": "再见"},
                            {"role": "assistant", "content": "再见"}]})
DPO = Row(1, {"input": {"messages": [{"role": "user", "content": "Q"}]},
              "preferred_output": [{"role": "assistant", "content": "good"}],
              "non_preferred_output": [{"role": "assistant", "content": "bad"}]})


def test_cells_show_the_first_message_of_each_role():
    assert [cell_text(CHAT, c) for c in (Column.SYSTEM, Column.USER, Column.ASSISTANT, Column.TURNS)] == [
        "你是客服", "你好", "您好！", "2"]
    assert [cell_text(DPO, c) for c in (Column.INPUT, Column.PREFERRED, Column.NON_PREFERRED)] == ["Q", "good", "bad"]
    broken = Row(7, None, '{"messages": [', "unexpected end")
    assert cell_text(broken, Column.SYSTEM) == '{"messages": [' and not can_edit(broken, Column.SYSTEM)


def test_editing_a_cell_makes_a_new_row():
    assert can_edit(CHAT, Column.SYSTEM) and not can_edit(CHAT, Column.USER)  # two user turns: row editor
    edited = with_cell(CHAT, Column.SYSTEM, "新的系统")
    assert cell_text(edited, Column.SYSTEM) == "新的系统" and cell_text(CHAT, Column.SYSTEM) == "你是客服"
    no_system = Row(1, {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]})
    added = with_cell(no_system, Column.SYSTEM, "Be brief.")
    assert added.data["messages"][0] == {"role": "system", "content": "Be brief."}
    assert with_cell(DPO, Column.PREFERRED, "better").data["preferred_output"][0]["content"] == "better"
    assert with_cell(Row(1, {"prompt": "a", "completion": "b"}), Column.COMPLETION, "c").data["completion"] == "c"


def test_tsv_round_trip_keeps_tabs_and_newlines():
    row = Row(1, {"messages": [{"role": "user", "content": "line 1\nline\t2"},
                               {"role": "assistant", "content": "答案"}]})
    text = rows_to_tsv([row], Format.CHAT)
    assert text.splitlines()[0] == "system\tuser\tassistant"
    assert rows_from_text(text, Format.CHAT)[0].data == row.data


def test_paste_from_excel_without_a_header_uses_the_table_columns():
    rows = rows_from_text("问题一\t回答一\r\n问题二\t回答二\r\n", Format.CHAT)
    assert [r.data["messages"][1]["content"] for r in rows] == ["回答一", "回答二"]
    completion = rows_from_text("p\tc\n", Format.COMPLETION)
    assert completion[0].data == {"prompt": "p", "completion": "c"}
    dpo = rows_from_text("input\tpreferred\tnon_preferred\nQ\tgood\tbad\n", Format.DPO)
    assert dpo[0].data == DPO.data


def test_paste_jsonl_keeps_broken_lines():
    rows = rows_from_text(rows_to_jsonl([CHAT]) + '{"messages": [\n', Format.CHAT)
    assert rows[0].data == CHAT.data and rows[1].data is None and rows[1].raw == '{"messages": ['


def test_paste_of_plain_text_becomes_a_user_message_to_answer():
    rows = rows_from_text("just words", Format.CHAT)
    assert rows[0].data["messages"] == [{"role": "user", "content": "just words"},
                                        {"role": "assistant", "content": ""}]
