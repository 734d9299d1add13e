"""The Dataset tab as a user works with it: open, see problems, edit, undo, fix, save, paste, recover."""

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from core.dataset import autosave
from core.dataset.model import Format
from tests.gui.conftest import until


def chat(user, answer="好的，马上为您处理。", system="你是客服助手。"):
    return json.dumps({"messages": [{"role": "system", "content": system}, {"role": "user", "content": user},
                                    {"role": "assistant", "content": answer}]}, ensure_ascii=False)


@pytest.fixture
def data_file(tmp_path):
    lines = [chat(f"问题 {i}: where is order {i}?") for i in range(15)]
    lines[4] = '{"messages": [{"role": "user", "content": "broken'  # a line cut short
    lines[7] = chat("  extra spaces  ")
    path = tmp_path / "support.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
async def tab(window):
    window.tabs.setCurrentWidget(window.dataset_tab)
    return window.dataset_tab


async def open_file(tab, path):
    await tab.files.open_path(path)
    await until(lambda: not tab.model.read_only and None not in tab.model.document.results)
    await until(lambda: tab.summary.report is not None and tab.summary.report.examples == len(tab.model.document))


def dialog(name="question"):
    return next((w for w in QApplication.topLevelWidgets() if w.isVisible() and w.objectName() == name), None)


async def answer(button):
    await until(lambda: dialog() is not None)
    box = dialog()
    box.button(button).click()


def cell(tab, row, column_name):
    columns = [c.value for c in tab.model.columns]
    return tab.model.index(row, columns.index(column_name)).data()


async def test_open_see_problems_fix_undo_redo_save_and_reopen(tab, window, data_file, qtbot):
    await open_file(tab, data_file)
    assert tab.model.rowCount() == 15 and cell(tab, 0, "user").startswith("问题 0")
    assert cell(tab, 4, "status") == "error"
    group = tab.problems.topLevelItem(0)
    assert "Not valid JSON" in group.text(0) and group.child(0).text(0).startswith("Row 5:")
    assert "Errors to fix before training: 1" in tab.summary.facts.text()

    tab.problems.itemClicked.emit(group.child(0), 0)  # jump to the broken row
    assert tab.view.currentIndex().row() == 4 and tab.row_editor.tabs.currentIndex() == 1
    assert "Line 1, column" in tab.row_editor.json_status.text()
    assert not tab.row_editor.apply_button.isEnabled()
    tab.row_editor.json_edit.setPlainText(chat("修好了"))
    assert tab.row_editor.json_status.text() == "Valid JSON."
    qtbot.mouseClick(tab.row_editor.apply_button, Qt.MouseButton.LeftButton)
    assert cell(tab, 4, "status") == "ok" and cell(tab, 4, "user") == "修好了"
    assert window.isWindowModified() and window.windowTitle().startswith("support.jsonl")
    await until(lambda: "Ready to train" in tab.summary.facts.text())

    tab.undo_action.trigger()
    assert cell(tab, 4, "status") == "error"
    tab.redo_action.trigger()
    assert cell(tab, 4, "user") == "修好了"

    tab.actions.trim.trigger()  # a bulk fix, previewed first
    await until(lambda: dialog() is not None)
    assert "changes 1 of 15 rows" in dialog().text() and "extra spaces" in dialog().informativeText()
    await answer(QMessageBox.StandardButton.Apply)
    await until(lambda: cell(tab, 7, "user") == "extra spaces")

    assert await tab.files.save()
    assert not window.isWindowModified() and (data_file.parent / "support.jsonl.bak").exists()
    saved = data_file.read_text(encoding="utf-8").splitlines()
    await open_file(tab, data_file)
    assert [json.dumps(r.data, ensure_ascii=False, separators=(",", ":")) for r in tab.model.document.rows] == saved
    assert cell(tab, 4, "user") == "修好了" and tab.summary.send_button.isEnabled()


async def test_inline_edit_add_move_delete_and_undo(tab, data_file):
    await open_file(tab, data_file)
    index = tab.model.index(0, 2)  # assistant
    assert tab.model.setData(index, "已为您查询。")
    assert cell(tab, 0, "assistant") == "已为您查询。"
    tab.editing.select(0)
    tab.actions.add_row.trigger()
    assert tab.model.rowCount() == 16 and cell(tab, 1, "status") == "error"  # empty texts
    tab.actions.move_up.trigger()
    assert cell(tab, 0, "user") == "" and cell(tab, 1, "assistant") == "已为您查询。"
    tab.actions.delete.trigger()
    assert tab.model.rowCount() == 15
    for _ in range(4):
        tab.undo_action.trigger()
    assert cell(tab, 0, "assistant") == "好的，马上为您处理。" and tab.model.rowCount() == 15
    assert not tab.files.dirty


async def test_paste_rows_from_excel_and_copy_them_back(tab, data_file):
    await open_file(tab, data_file)
    tab.editing.select(14)
    QApplication.clipboard().setText("system\tuser\tassistant\r\n客服\t怎么退款？\t在订单页点“退款”。\r\n")
    tab.actions.paste.trigger()
    assert tab.model.rowCount() == 16 and cell(tab, 15, "user") == "怎么退款？"
    tab.editing.select(15)
    tab.actions.copy_tsv.trigger()
    assert QApplication.clipboard().text().splitlines()[1] == "客服\t怎么退款？\t在订单页点“退款”。"
    tab.actions.copy.trigger()
    assert json.loads(QApplication.clipboard().text())["messages"][1]["content"] == "怎么退款？"


async def test_search_role_and_problem_filters(tab, data_file):
    await open_file(tab, data_file)
    tab.search.setText("ORDER 3")
    await until(lambda: tab.model.rowCount() == 1)
    assert tab.model.headerData(0, Qt.Orientation.Vertical) == "4" and "1 of 15" in tab.shown_label.text()
    tab.search.clear()
    tab.problems_only.setChecked(True)
    await until(lambda: tab.model.rowCount() == 1)
    tab.problems_only.setChecked(False)
    tab.role_filter.setCurrentIndex(1)  # system
    assert tab.model.rowCount() == 14  # the broken row has no system message


async def test_templates_and_converting_completion_to_chat(tab):
    await tab.files.new("qa_completion")
    await until(lambda: None not in tab.model.document.results)
    assert tab.model.document.format is Format.COMPLETION and cell(tab, 2, "prompt") == "中国最长的河流是哪条？"
    tab.actions.to_chat.trigger()
    await answer(QMessageBox.StandardButton.Apply)
    await until(lambda: tab.model.document.format is Format.CHAT and cell(tab, 2, "assistant") == "长江。")
    tab.undo_action.trigger()
    assert tab.model.document.format is Format.COMPLETION and cell(tab, 0, "completion") == "Paris."


async def test_closing_with_unsaved_changes_asks_first(tab, window, data_file):
    await open_file(tab, data_file)
    tab.model.setData(tab.model.index(0, 1), "changed")
    window.close()
    await answer(QMessageBox.StandardButton.Cancel)
    await until(lambda: dialog() is None)
    assert window.isVisible() and cell(tab, 0, "user") == "changed"


async def test_a_file_changed_by_another_program_is_offered_for_reload(tab, data_file):
    await open_file(tab, data_file)
    data_file.write_text("\n".join([chat(f"new {i}") for i in range(12)]) + "\n", encoding="utf-8")
    await until(lambda: tab.files.disk_bar.isVisible())
    assert "changed by another program" in tab.files.disk_bar.text()
    tab.files.disk_bar.action_clicked.emit()
    await until(lambda: tab.model.rowCount() == 12 and cell(tab, 0, "user") == "new 0")


async def test_unsaved_work_of_a_crashed_app_is_recovered(service, qtbot, data_file):
    from gui.app import create_window

    script = (f"from core.dataset import autosave; from core.dataset.io import read_rows; from pathlib import Path;"
              f"rows = read_rows(Path({str(data_file)!r}))[0][:3];"
              f"autosave.write('crashed', rows, Path({str(data_file)!r}), autosave.Format.CHAT)")
    subprocess.run([sys.executable, "-c", script], check=True, env=dict(os.environ))  # that process is gone now
    window = create_window(service)
    window.show()
    tab = window.dataset_tab
    assert tab.files.recovery_bar.isVisible() and "3 rows of support.jsonl" in tab.files.recovery_bar.text()
    tab.files.recovery_bar.action_clicked.emit()
    await until(lambda: tab.model.rowCount() == 3)
    assert window.isWindowModified() and autosave.leftovers() == []
    await tab.files.save()
    assert len(data_file.read_text(encoding="utf-8").splitlines()) == 3
    window.close()


async def test_the_table_model_passes_qts_model_tester(tab, data_file):
    tester = QAbstractItemModelTester(tab.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    await open_file(tab, data_file)
    tab.model.setData(tab.model.index(0, 1), "edited")
    tab.editing.select(0)
    tab.actions.duplicate.trigger()
    tab.actions.delete.trigger()
    tab.search.setText("order")
    tab.apply_filter()
    assert isinstance(tester, QAbstractItemModelTester) and isinstance(tab.model, QAbstractItemModel)


async def test_a_100000_row_file_opens_while_the_window_stays_responsive(tab, tmp_path):
    import time

    from PySide6.QtCore import QTimer

    line = chat("我的订单什么时候到？ Where is my order?", answer="请提供订单号，我马上查询。")
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join([line] * 99_999 + ['{"broken']) + "\n", encoding="utf-8")
    beats = []
    heartbeat = QTimer(interval=10, timeout=lambda: beats.append(time.perf_counter()))
    heartbeat.start()
    task = tab.run(tab.files.open_path(path))
    await until(lambda: tab.model.rowCount() > 0, timeout=5)
    assert tab.cancel_button.isVisible()  # usable while the rest loads, and it can be cancelled
    await task
    await until(lambda: None not in tab.model.document.results, timeout=120)
    heartbeat.stop()
    assert tab.model.rowCount() == 100_000 and cell(tab, 99_999, "status") == "error"
    await until(lambda: tab.summary.report is not None and tab.summary.report.examples == 100_000, timeout=30)
    gaps = [b - a for a, b in zip(beats, beats[1:], strict=False)]
    assert max(gaps) < 1.0  # generous for a loaded CI machine; bench/editor_open.py measures the real figure


async def test_cancel_while_opening_leaves_an_empty_table(tab, tmp_path):
    line = chat("问题")
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join([line] * 60_000) + "\n", encoding="utf-8")
    task = tab.run(tab.files.open_path(path))
    await until(lambda: tab.model.rowCount() > 0, timeout=5)
    tab.cancel_button.click()
    await task
    assert tab.model.rowCount() == 0 and not tab.cancel_button.isVisible() and not tab.model.read_only


async def answer_file_dialog(path):
    await until(lambda: dialog("file_dialog") is not None)
    chooser = dialog("file_dialog")
    chooser.findChild(QLineEdit, "fileNameEdit").setText(str(path))  # typed, as a user would
    chooser.accept()


async def test_export_csv_and_split_through_the_file_dialog(tab, data_file, tmp_path):
    await open_file(tab, data_file)
    task = tab.run(tab.files.export_csv())
    await answer_file_dialog(tmp_path / "for-excel.csv")
    await task
    csv_bytes = (tmp_path / "for-excel.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf") and "问题 0: where is order 0?" in csv_bytes.decode("utf-8-sig")
    task = tab.run(tab.files.export_split())
    await answer_file_dialog(tmp_path / "out.jsonl")
    await task
    train = (tmp_path / "out_train.jsonl").read_text(encoding="utf-8").splitlines()
    valid = (tmp_path / "out_validation.jsonl").read_text(encoding="utf-8").splitlines()
    assert (len(train), len(valid)) == (13, 2) and "validation examples" in tab.messages.text()


async def test_drop_recent_files_autosave_and_send_to_training(tab, window, data_file):
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(data_file))])
    tab.dropEvent(QDropEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                             Qt.KeyboardModifier.NoModifier))
    await until(lambda: tab.model.rowCount() == 15 and not tab.model.read_only)
    assert [a.text() for a in tab.actions.recent_menu.actions()] == [str(data_file)]

    tab.model.setData(tab.model.index(0, 1), "已修改")
    await tab.files.autosave()
    saved = autosave.autosave_dir() / f"{tab.files.autosave_name}.jsonl"
    assert "已修改" in saved.read_text(encoding="utf-8")
    tab.editing.select(4)  # row 5 is broken: remove it
    tab.actions.delete.trigger()
    await until(lambda: "Ready to train" in tab.summary.facts.text())
    task = tab.run(tab.files.send_to_training())  # saves first
    await task
    assert not saved.exists() and window.tabs.currentWidget() is window.training_tab
    assert window.training_tab.form.training_edit.text() == str(data_file)
