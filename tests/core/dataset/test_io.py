"""Reading training files in the encodings and line endings people really have, and saving safely."""

import json

import pytest

from core.dataset.io import read_rows, save_jsonl
from core.dataset.model import Format
from core.errors import CoreError

ROWS = [{"messages": [{"role": "system", "content": "你是客服助手。"}, {"role": "user", "content": "退款要多久？"},
                      {"role": "assistant", "content": "一般3到5个工作日。"}]},
        {"prompt": "Capital of France ->", "completion": " Paris"}]


def lines(rows, newline="\n"):
    return newline.join(json.dumps(r, ensure_ascii=False) for r in rows) + newline


@pytest.mark.parametrize(("encoding", "bom", "expected"), [
    ("utf-8", b"", "utf-8"), ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"), ("utf-16-le", b"\xff\xfe", "utf-16"),
    ("gb18030", b"", "gb18030"),
])
def test_encodings_are_detected_and_rows_read(tmp_path, encoding, bom, expected):
    path = tmp_path / "data.jsonl"
    path.write_bytes(bom + lines(ROWS * 20).encode(encoding))
    rows, info = read_rows(path)
    assert info.encoding == expected
    assert len(rows) == 40 and rows[0].data == ROWS[0]
    assert rows[0].format is Format.CHAT and rows[1].format is Format.COMPLETION


def test_crlf_and_broken_lines_are_kept_with_their_line_numbers(tmp_path):
    path = tmp_path / "data.jsonl"
    text = lines(ROWS[:1], "\r\n") + '{"prompt": "unterminated\r\n' + "\r\n" + "[1, 2]\r\n" + lines(ROWS[1:], "\r\n")
    path.write_bytes(text.encode("utf-8"))
    rows, info = read_rows(path)
    assert info.line_ending == "CRLF"
    assert [r.line for r in rows] == [1, 2, 4, 5]  # the blank line 3 is skipped, nothing else
    broken = rows[1]
    assert broken.data is None and broken.raw == '{"prompt": "unterminated' and broken.parse_error
    assert rows[2].data is None and "JSON object" in rows[2].parse_error
    assert rows[3].data == ROWS[1]


def test_json_arrays(tmp_path):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(ROWS + ["not an object"], ensure_ascii=False), encoding="utf-8")
    rows, info = read_rows(path)
    assert info.kind == "json" and [r.data for r in rows[:2]] == ROWS
    assert rows[2].data is None and rows[2].raw == '"not an object"'
    (tmp_path / "one.json").write_text('{"prompt": "x"}', encoding="utf-8")
    assert read_rows(tmp_path / "one.json")[0][0].data == {"prompt": "x"}  # a single object: one example
    (tmp_path / "broken.json").write_text('[{"prompt": "x"},', encoding="utf-8")
    with pytest.raises(CoreError) as info:
        read_rows(tmp_path / "broken.json")
    assert "not valid JSON" in info.value.user_message


def test_first_rows_arrive_in_batches(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text(lines(ROWS * 1500), encoding="utf-8")
    sizes = []
    rows, _ = read_rows(path, on_batch=lambda batch: sizes.append(len(batch)))
    assert sizes == [1000, 1000, 1000] and len(rows) == 3000


def test_unreadable_files_give_a_clear_error(tmp_path):
    with pytest.raises(CoreError) as info:
        read_rows(tmp_path / "missing.jsonl")
    assert "could not be read" in info.value.user_message


def test_save_is_utf8_lf_compact_readable_and_keeps_a_backup(tmp_path):
    source = tmp_path / "data.jsonl"
    source.write_bytes(b"\xef\xbb\xbf" + lines(ROWS, "\r\n").encode() + b"{broken\r\n")
    rows, _ = read_rows(source)
    save_jsonl(source, rows)
    saved = source.read_bytes()
    assert not saved.startswith(b"\xef\xbb\xbf") and b"\r\n" not in saved
    assert "你是客服助手。" in saved.decode("utf-8")  # not \\u escapes
    assert saved.decode().splitlines()[2] == "{broken"  # a broken row is written back, never dropped
    assert b", " not in saved.splitlines()[1]  # compact
    assert (tmp_path / "data.jsonl.bak").read_bytes().startswith(b"\xef\xbb\xbf")
    assert [r.data for r in read_rows(source)[0][:2]] == ROWS


def test_a_file_cut_in_the_middle_of_a_character_is_still_utf8(tmp_path):
    path = tmp_path / "cut.jsonl"
    data = lines(ROWS * 3).encode("utf-8")
    path.write_bytes(data + '{"prompt": "退'.encode()[:-1])
    rows, info = read_rows(path)
    assert info.encoding == "utf-8"
    assert len(rows) == 7 and rows[-1].data is None  # the cut line is kept as a row to fix


def test_unicode_line_separators_inside_strings_do_not_split_rows(tmp_path):
    path = tmp_path / "sep.jsonl"
    row = {"prompt": "a\u2028b\x85c", "completion": "d"}
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    rows, _ = read_rows(path)
    assert [r.data for r in rows] == [row]
