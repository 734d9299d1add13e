"""The multi-process check gives exactly the single-process report, and can be cancelled."""

import json

import pytest

import core.dataset.parallel as parallel
from core.dataset.check import check_rows
from core.dataset.io import read_rows
from core.errors import CoreError


@pytest.fixture
def big_file(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(parallel, "PARALLEL_FROM_BYTES", 0)
    rows = [{"messages": [{"role": "user", "content": f"第{i}个问题 question {i}"},
                          {"role": "assistant", "content": f"回答 {i}" if i % 50 else "<|endoftext|>"}]}
            for i in range(400)]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines[123] = "{broken"
    lines.append(lines[5])  # a duplicate
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_same_report_as_one_process(big_file):
    progress = []
    report, info = parallel.check_file(big_file, "gpt-4o-mini", on_progress=lambda done, total: progress.append(done),
                                 workers=2)
    rows, read_info = read_rows(big_file)
    assert report == check_rows(rows, "gpt-4o-mini", file_size=info.size)
    assert info == read_info
    assert {(p.line, p.code) for p in report.problems} >= {(124, "invalid_json"), (401, "duplicate"),
                                                         (51, "special_token")}
    assert len(progress) > 5 and progress[-1] == big_file.stat().st_size


@pytest.mark.parametrize("parallel_from", [0, 10**9])
def test_results_stream_in_file_order(big_file, monkeypatch, parallel_from):
    monkeypatch.setattr(parallel, "PARALLEL_FROM_BYTES", parallel_from)
    seen = []
    report, _ = parallel.check_file(big_file, "gpt-4o-mini", workers=2, on_results=seen.append)
    lines = [line for block in seen for line, _ in block]
    assert lines == list(range(1, 402))
    assert sum(result.tokens or 0 for block in seen for _, result in block) == report.tokens.total
    broken = next(result for block in seen for line, result in block if line == 124)
    assert [p.code for p in broken.problems] == ["invalid_json"] and broken.tokens is None
    assert (len(seen) > 5) == (parallel_from == 0)
    assert report == parallel.check_file(big_file, "gpt-4o-mini", workers=2)[0]


def test_cancel(big_file):
    with pytest.raises(CoreError):
        parallel.check_file(big_file, "gpt-4o-mini", cancelled=lambda: True, workers=2)


def test_workers_write_problems_in_the_users_language(big_file, monkeypatch):
    import multiprocessing

    from core.i18n import set_language

    monkeypatch.setattr(parallel, "_context", lambda model: multiprocessing.get_context("forkserver"))  # the app's
    set_language("zh_CN")
    try:
        report, _ = parallel.check_file(big_file, "gpt-4o-mini", workers=2)
    finally:
        set_language("en")
    broken = next(p for p in report.problems if p.code == "invalid_json")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in broken.message), broken.message
