"""Opening for the editor: rows in batches while results stream in; cancel; other formats."""

import json

import pytest

import core.dataset.loader as loader
import core.dataset.parallel as parallel
from core.dataset.model import Format
from core.errors import CoreError


@pytest.fixture
def file(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "READ_BYTES", 2048)
    monkeypatch.setattr(parallel, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(parallel, "PARALLEL_FROM_BYTES", 0)
    lines = [json.dumps({"messages": [{"role": "user", "content": f"问题{i}"},
                                      {"role": "assistant", "content": f"回答{i}"}]}, ensure_ascii=False)
             for i in range(2500)]
    lines[10] = "{broken"
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rows_and_results_arrive_in_batches(file):
    batches, results, progress = [], {}, []
    loaded = loader.load(file, "gpt-4o-mini", lambda rows, fmt: batches.append((rows, fmt)),
                         lambda block: results.update(block), lambda done, total: progress.append(done))
    rows = [row for batch, _ in batches for row in batch]
    assert [r.line for r in rows] == list(range(1, 2501)) and len(batches) > 2
    assert {fmt for _, fmt in batches} == {Format.CHAT} and loaded.format is Format.CHAT
    assert rows[10].data is None and rows[10].raw == "{broken"
    assert sorted(results) == list(range(1, 2501))
    assert [p.code for p in results[11].problems] == ["invalid_json"]
    assert loaded.report.examples == 2500 and progress[-1] == file.stat().st_size


def test_cancel_raises_a_clear_error(file):
    with pytest.raises(CoreError, match="cancelled"):
        loader.load(file, "gpt-4o-mini", lambda rows, fmt: None, lambda block: None, cancelled=lambda: True)


def test_spreadsheets_load_too(tmp_path):
    path = tmp_path / "qa.csv"
    path.write_bytes("问题,回答\r\n你好,您好\r\n".encode("gbk"))
    batches = []
    loaded = loader.load(path, "gpt-4o-mini", lambda rows, fmt: batches.append(rows), lambda block: None)
    assert loaded.info.encoding == "gb18030" and batches[0][0].data["messages"][0]["content"] == "你好"
