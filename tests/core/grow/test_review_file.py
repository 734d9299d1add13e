"""Review files round-trip, tolerate damaged lines and refuse a file with nothing to review; rows left waiting
are kept for the next start."""

import json

import pytest

from core.dataset.model import Row
from core.grow import GeneratedRow
from core.grow.review_file import ReviewFileError, keep_waiting, load_review, save_review, waiting, waiting_path


def generated(i, **made):
    return GeneratedRow(Row(0, {"messages": [{"role": "system", "content": "你是客服。"},
                                             {"role": "user", "content": f"问题 {i}？"},
                                             {"role": "assistant", "content": f"回答 {i}。"}]}, origin="generated"),
                        **made)


def test_a_review_file_reads_back_what_was_written(tmp_path):
    rows = [generated(0, passage="退货政策第一段"), generated(1, similar_to="Close to row 2 (90%)"),
            generated(2, error="The model gave an empty answer.")]
    path = tmp_path / "review.jsonl"
    save_review(path, rows)
    assert load_review(path) == rows
    assert all(json.loads(line)["generated"] for line in path.read_text(encoding="utf-8").splitlines())


def test_damaged_lines_are_skipped_and_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "review.jsonl"
    path.write_text('{"messages": [{"role": "user", "content": "ok"}]}\n{broken\n[1, 2]\n'
                    '{"messages": "not a list"}\n{"messages": [], "generated": "odd"}\n', encoding="utf-8")
    rows = load_review(path)
    assert [r.question for r in rows] == ["ok", ""] and rows[1].passage == ""
    path.write_text("{}\nnot json\n", encoding="utf-8")
    with pytest.raises(ReviewFileError, match="no chat rows to review"):
        load_review(path)


def test_rows_left_waiting_are_kept_for_the_next_start_and_forgotten_when_none_are_left():
    assert waiting() == []
    keep_waiting([generated(0), generated(1)])
    assert [r.question for r in waiting()] == ["问题 0？", "问题 1？"]
    keep_waiting([])
    assert not waiting_path().exists() and waiting() == []
    waiting_path().parent.mkdir(parents=True, exist_ok=True)
    waiting_path().write_bytes(b"\xff\xfe\x00garbage")  # damaged: nothing, no crash
    assert waiting() == []
