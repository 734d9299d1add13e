"""Spreadsheets exported by real users: GBK CSV from Chinese Excel, TSV, XLSX."""

import pytest

from core.dataset.io import read_rows
from core.dataset.model import Format
from core.errors import CoreError


def test_gbk_csv_with_chinese_headers(tmp_path):
    path = tmp_path / "客服.csv"
    text = ("系统,问题,回答\r\n你是客服。,退款要多久？,\"一般3到5个工作日,请耐心等待。\"\r\n"
            ",,\r\n,发票怎么开？,在订单页申请。\r\n")
    path.write_bytes(text.encode("gbk"))
    rows, info = read_rows(path)
    assert info.kind == "csv" and info.encoding == "gb18030" and info.line_ending == "CRLF"
    assert info.mapping == ("column “系统” → system", "column “问题” → user", "column “回答” → assistant")
    assert [r.line for r in rows] == [2, 4]  # the empty spreadsheet line 3 is not an example
    assert rows[0].data["messages"][2] == {"role": "assistant", "content": "一般3到5个工作日,请耐心等待。"}
    assert [m["role"] for m in rows[1].data["messages"]] == ["user", "assistant"]  # empty system left out
    assert all(r.format is Format.CHAT for r in rows)


def test_tsv_prompt_completion(tmp_path):
    path = tmp_path / "legacy.tsv"
    path.write_text("Prompt\tCompletion\nCapital of France ->\t Paris\n", encoding="utf-8-sig")
    rows, info = read_rows(path)
    assert info.kind == "tsv" and info.encoding == "utf-8-sig"
    assert rows[0].data == {"prompt": "Capital of France ->", "completion": " Paris"}


def test_xlsx_question_answer(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Question", "Answer", "notes"])
    sheet.append(["What is 2+2?", 4, "ignored"])
    sheet.append(["你好", "您好！", None])
    path = tmp_path / "qa.xlsx"
    workbook.save(path)
    rows, info = read_rows(path)
    assert info.kind == "xlsx" and info.mapping == ("column “Question” → user", "column “Answer” → assistant",
                                                  "not used: notes")
    assert rows[0].data["messages"] == [{"role": "user", "content": "What is 2+2?"},
                                        {"role": "assistant", "content": "4"}]
    assert rows[1].line == 3


def test_unknown_headers_say_what_to_name_them(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(CoreError) as info:
        read_rows(path)
    assert "foo, bar" in info.value.user_message and "问题" in info.value.hint


def test_a_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(CoreError) as info:
        read_rows(path)
    assert "Excel" in info.value.user_message
