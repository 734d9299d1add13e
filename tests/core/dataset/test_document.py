"""The editor's document: edits re-check rows at once, the report follows, search, autosave."""

import os
import subprocess
import sys
import time

from core.dataset import autosave
from core.dataset.document import Document
from core.dataset.model import Format, Row


def chat(user, answer="好的", system=None):
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    return Row(0, {"messages": messages})


def test_edits_are_checked_at_once_and_the_report_uses_row_numbers():
    doc = Document([chat(f"问题 {i}") for i in range(12)])
    doc.check()
    assert doc.format is Format.CHAT and doc.report().usable
    started = time.process_time()  # CPU time: other processes on a busy machine do not count
    old = doc.replace_rows(3, [chat("")])
    assert time.process_time() - started < 0.05
    assert [p.code for p in doc.results[3].problems] == ["empty_content"]
    assert [(p.line, p.code) for p in doc.report().errors] == [(4, "empty_content")]
    doc.replace_rows(3, old)
    doc.insert_rows(0, [chat("问题 5")])  # the same example as row 7 now
    assert [(p.line, p.code) for p in doc.report().warnings if p.code == "duplicate"] == [(7, "duplicate")]
    assert doc.remove_rows(0, 1)[0].data["messages"][0]["content"] == "问题 5"
    assert doc.report().examples == 12


def test_a_model_with_another_tokenizer_needs_a_recount():
    doc = Document([chat("hi")], model="gpt-4o-mini")
    assert not doc.set_model("gpt-4.1-mini") and doc.set_model("gpt-3.5-turbo")


def test_matching_by_text_role_and_problem():
    doc = Document([chat("Where is my ORDER?", system="客服"), chat("退款", answer="可以退款"),
                    Row(3, None, "{x", "e")])
    doc.check()
    assert doc.matching("order") == [0]
    assert doc.matching("退款", role="assistant") == [1]
    assert doc.matching(role="system") == [0]
    assert doc.matching(problems_only=True) == [2]
    assert doc.matching(codes=frozenset({"invalid_json"})) == [2] and doc.matching("{x") == [2]


def test_autosave_is_offered_only_when_its_app_is_gone(tmp_path):
    rows = [chat("你好"), Row(2, None, "{broken", "e")]
    autosave.write("doc1", rows, tmp_path / "data.jsonl", Format.CHAT)
    assert autosave.leftovers() == []  # our own, still running
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    meta = autosave.autosave_dir() / "doc1.json"
    meta.write_text(meta.read_text().replace(f'"pid": {os.getpid()}', f'"pid": {dead.stdout.strip()}'))
    [entry] = autosave.leftovers()
    assert entry.rows == 2 and entry.source.endswith("data.jsonl") and entry.format is Format.CHAT
    restored = autosave.restore(entry)
    assert restored[0].data == rows[0].data and restored[1].raw == "{broken"
    autosave.discard(entry.rows_path)
    assert autosave.leftovers() == [] and not meta.exists()
