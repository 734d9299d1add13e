"""The quick path for usual chat rows and the memo of counted texts give exactly what the full check gives;
the CLI's forked workers and the app's forkserver ones give the same report."""

import json
import threading

import pytest

import core.dataset.parallel as parallel
from core.dataset.check import _has_system, examine, example_tokens, memo_count
from core.dataset.model import Format, Row
from core.dataset.tokens import count_text
from core.dataset.validate import check_row

MODEL = "gpt-4o-mini"
ROWS = [
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "你好"},
                  {"role": "assistant", "content": "Hello!"}]},
    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo", "name": "bot"}]},
    {"messages": [{"role": "user", "content": "no answer"}]},
    {"messages": [{"role": "user", "content": " \n\t"}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "user", "content": "a <|endoftext|> b"}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "user", "content": "a <| b"}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "robot", "content": "hi"}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "x", "weight": 0}]},
    {"messages": [{"role": "user", "content": ["hi"]}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "user", "content": 3}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "x"}], "extra": 1},
    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "x"}],
     "tools": [{"type": "function", "function": {"name": "f", "description": "d"}}]},
    {"messages": [{"role": "user", "content": "hi"},
                  {"role": "assistant", "content": None,
                   "tool_calls": [{"function": {"name": "f", "arguments": "{}"}}]}]},
    {"messages": []},
    {"messages": "text"},
    {"messages": [["not", "a", "dict"], {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "user", "content": "\u3000"}, {"role": "assistant", "content": "x"}]},
]


@pytest.mark.parametrize("data", ROWS)
def test_quick_path_gives_the_full_result(data):
    row = Row(7, data)
    result = examine(row, Format.CHAT, MODEL, memo_count(MODEL))
    assert result.problems == tuple(check_row(row, Format.CHAT))
    assert result.tokens == example_tokens(data, Format.CHAT, MODEL)
    assert result.missing_system == (not _has_system(row))
    assert result == examine(row, Format.CHAT, MODEL)


def test_memo_counts_like_count_text():
    count = memo_count(MODEL)
    for text in ["", "hello world", "你好，世界", "hello world", "<|endoftext|>"]:
        assert count(text) == count_text(text, MODEL)


@pytest.fixture
def big_file(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(parallel, "PARALLEL_FROM_BYTES", 0)
    system = {"role": "system", "content": "You are a helpful assistant. 你是客服助手。"}
    rows = [{"messages": [system, {"role": "user", "content": f"问题 {i} question"},
                          {"role": "assistant", "content": f"answer {i} 回答"}]} for i in range(300)]
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_forked_and_forkserver_workers_agree(big_file):
    forked, _ = parallel.check_file(big_file, MODEL, workers=2)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # a second thread, as in the app: no fork then
    other.start()
    try:
        served, _ = parallel.check_file(big_file, MODEL, workers=2)
    finally:
        stop.set()
        other.join()
    assert forked == served
    assert forked.examples == 300 and not forked.problems
