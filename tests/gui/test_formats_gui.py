"""A user opens a file from another tool (Alpaca, prompt/completion for a chat model) in the Dataset tab,
sees the rows mapped, fixes what the chosen model needs, sends it to Training, and the job succeeds."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.gui.conftest import until
from tests.gui.test_dataset_tab import answer, answer_file_dialog, cell, dialog, open_file
from tests.gui.test_training_tab import sandbox_window  # noqa: F401  (fixture)


def _alpaca(path):
    rows = [{"instruction": f"第{i}号产品多少钱？", "input": "请用一句话回答。" if i % 2 else "",
             "output": f"第{i}号产品售价{i * 10}元。"} for i in range(12)]
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


async def test_open_alpaca_see_mapped_rows_send_to_training_and_train(sandbox_window, tmp_path, qtbot):  # noqa: F811
    window = sandbox_window
    tab = window.dataset_tab
    window.tabs.setCurrentWidget(tab)
    source = _alpaca(tmp_path / "alpaca_zh.json")
    await open_file(tab, source)
    assert tab.model.rowCount() == 12
    assert cell(tab, 1, "user") == "第1号产品多少钱？ ⏎ 请用一句话回答。"
    assert cell(tab, 1, "assistant") == "第1号产品售价10元。"
    await until(lambda: "Ready to train" in tab.summary.facts.text())
    recognised = "Recognised: Alpaca → chat, 12 rows, “input” appended to the question in 6"
    assert recognised in tab.summary.facts.text()
    assert "Alpaca" in tab.messages.text()

    task = tab.run(tab.files.send_to_training())  # saves first: a new JSONL beside it, never over the source
    await answer_file_dialog(tmp_path / "alpaca_zh.jsonl")
    await task
    assert json.loads(source.read_text(encoding="utf-8"))[0]["instruction"] == "第0号产品多少钱？"
    saved = [json.loads(line) for line in (tmp_path / "alpaca_zh.jsonl").read_text(encoding="utf-8").splitlines()]
    assert saved[1]["messages"][0] == {"role": "user", "content": "第1号产品多少钱？\n请用一句话回答。"}

    training = window.training_tab
    assert window.tabs.currentWidget() is training
    await until(lambda: training.form.model_combo.count() > 3)
    training.form.model_combo.setCurrentText("gpt-4o-mini-2024-07-18")
    qtbot.mouseClick(training.form.start_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog() is not None)
    assert "12 examples" in dialog().text()
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: training.detail.job is not None and training.detail.job.status == "succeeded", timeout=30)


async def test_completion_rows_for_a_chat_model_are_fixed_with_one_click(sandbox_window, tmp_path):  # noqa: F811
    window = sandbox_window
    tab = window.dataset_tab
    window.tabs.setCurrentWidget(tab)
    path = tmp_path / "seed.jsonl"
    path.write_text("\n".join(json.dumps({"prompt": f"问题{i}", "completion": f"2023年{i}月"}, ensure_ascii=False)
                              for i in range(12)), encoding="utf-8")
    await open_file(tab, path)
    await until(lambda: "Errors to fix before training: 1" in tab.summary.facts.text())
    group = tab.problems.topLevelItem(0)
    assert "trains on chat examples" in group.text(0) and "Click to fix it." in group.toolTip(0)
    assert all("English" not in tab.problems.topLevelItem(i).text(0) for i in range(tab.problems.topLevelItemCount()))
    tab.problems.itemClicked.emit(group, 0)
    await until(lambda: dialog() is not None)
    assert "changes 12 of 12 rows" in dialog().text()
    await answer(QMessageBox.StandardButton.Apply)
    await until(lambda: "Ready to train" in tab.summary.facts.text())
    assert cell(tab, 0, "user") == "问题0" and cell(tab, 0, "assistant") == "2023年0月"
