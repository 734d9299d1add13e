"""Opening for the editor: rows in batches; other files are read whole."""

import json

from core.dataset import loader


def test_rows_arrive_in_batches_with_their_line_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "READ_BYTES", 2048)
    lines = [json.dumps({"messages": [{"role": "user", "content": f"问题{i}"},
                                      {"role": "assistant", "content": f"回答{i}"}]}, ensure_ascii=False)
             for i in range(2500)]
    lines[10] = "{broken"
    path = tmp_path / "data.jsonl"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    info, batches = loader.open_batches(path)
    batches = list(batches)
    rows = [row for batch in batches for row in batch]
    assert [r.line for r in rows] == list(range(1, 2501)) and len(batches) > 2
    assert rows[10].data is None and rows[10].raw == "{broken" and rows[0].data is not None
    assert (info.encoding, info.line_ending, info.size) == ("utf-8-sig", "CRLF", path.stat().st_size)


def test_other_files_are_not_streamed(tmp_path):
    path = tmp_path / "qa.csv"
    path.write_bytes("问题,回答\r\n你好,您好\r\n".encode("gbk"))
    assert loader.open_batches(path) is None


def test_a_short_gbk_csv_from_excel_is_read_as_chinese(tmp_path):
    from core.dataset.io import read_rows

    path = tmp_path / "qa.csv"
    path.write_bytes("问题,回答\r\n你好,您好\r\n".encode("gbk"))
    rows, info = read_rows(path)
    assert info.encoding == "gb18030" and rows[0].data["messages"][0]["content"] == "你好"
