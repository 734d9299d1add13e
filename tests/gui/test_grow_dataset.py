"""Grow dataset… as a user works with it: five Chinese examples grown to thirty with the Sandbox, reviewed
row by row (reject, edit, accept the rest), undone; and the same from a short document."""

import json

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialogButtonBox

from core.dataset.model import Row
from core.profiles import ProfileService
from core.settings import SettingsStore
from sandbox.faults import Faults
from sandbox.launcher import SandboxLauncher
from tests.gui.conftest import settled, until
from tests.gui.test_dataset_tab import dialog, open_file

QUESTIONS = ("我的订单什么时候发货？", "怎么申请退款？", "可以修改收货地址吗？", "支持哪些支付方式？", "发票怎么开？")
ANSWERS = ("下单后 48 小时内发货。", "在订单页点击“申请退款”即可。", "发货前可以在订单页修改。",
           "支持支付宝、微信和银行卡。", "在订单详情页申请电子发票。")


@pytest.fixture
def service_with_sandbox(memory_keyring, tmp_path):
    launcher = SandboxLauncher(state_dir=tmp_path / "sandbox")
    yield ProfileService(SettingsStore(), sandbox=launcher)
    launcher.stop()


@pytest.fixture
async def tab(qtbot, service_with_sandbox):
    from gui.app import create_window

    launcher = service_with_sandbox.sandbox
    window = create_window(service_with_sandbox)
    window.show()
    await settled(window)  # Home has loaded in this loop
    window.tabs.setCurrentWidget(window.dataset_tab)
    window.dataset_tab.sandbox = launcher  # for tests that set the Sandbox's faults
    yield window.dataset_tab
    window.dataset_tab.undo.setClean()
    window.close()


@pytest.fixture
def examples(tmp_path):
    path = tmp_path / "客服.jsonl"
    rows = [{"messages": [{"role": "system", "content": "你是网店的客服助手。"}, {"role": "user", "content": q},
                          {"role": "assistant", "content": a}]} for q, a in zip(QUESTIONS, ANSWERS, strict=True)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


async def grow_to(tab, qtbot, target, choose_source=None, faults=None, wait=True):
    tab.actions.grow.trigger()
    await until(lambda: dialog("grow_dialog") is not None)
    grow = dialog("grow_dialog")
    if choose_source:
        await choose_source(grow)
    await until(lambda: grow.model_combo.count() > 0)  # the profile's models are listed
    if faults:
        tab.sandbox.server.set_faults(faults)
    grow.target.setValue(target)
    await until(lambda: grow.grow_button.isEnabled() and "tokens" in grow.estimate.text())
    qtbot.mouseClick(grow.grow_button, Qt.MouseButton.LeftButton)
    queue = tab.growing.queue
    if wait:
        await until(lambda: queue.isVisible() and not tab.growing.running(), timeout=60)
    return queue


def select(queue, rows):
    selection = queue.view.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(queue.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)


async def test_grow_five_chinese_examples_to_thirty_review_and_undo(tab, examples, qtbot):
    await open_file(tab, examples)
    tab.view.selectAll()
    queue = await grow_to(tab, qtbot, 30)
    assert queue.model.rowCount() == 25
    assert "25" in queue.title.text()
    generated = queue.model.rows
    assert all(row.question and row.answer and not row.error for row in generated)
    assert all(any("\u4e00" <= c <= "\u9fff" for c in row.question) for row in generated)  # Chinese stays Chinese
    assert all(row.messages[0] == {"role": "system", "content": "你是网店的客服助手。"} for row in generated)
    assert len({row.question for row in generated}) == 25
    assert queue.model.index(0, 2).data() == "Examples"
    assert "nothing is billed" in queue.cost.text()

    rejected = [queue.model.rows[i].question for i in (0, 1, 2)]
    select(queue, [0, 1, 2])
    qtbot.mouseClick(queue.reject_button, Qt.MouseButton.LeftButton)
    assert queue.model.rowCount() == 22
    select(queue, [0])
    qtbot.mouseClick(queue.edit_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog("review_edit_dialog") is not None)
    edit = dialog("review_edit_dialog")
    edit.answer.setPlainText("这是我改过的回答。")
    edit.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    await until(lambda: queue.model.rows[0].answer == "这是我改过的回答。")
    qtbot.mouseClick(queue.accept_all_button, Qt.MouseButton.LeftButton)

    assert queue.model.rowCount() == 0
    assert len(tab.model.document) == 27
    await until(lambda: tab.summary.report is not None and tab.summary.report.examples == 27)
    texts = [json.dumps(row.data, ensure_ascii=False) for row in tab.model.document.rows]
    assert any("这是我改过的回答。" in text for text in texts)
    assert not any(question in text for question in rejected for text in texts)
    assert all(row.origin == "" for row in tab.model.document.rows)  # accepted rows are ordinary rows

    tab.undo_action.trigger()  # the accept
    assert len(tab.model.document) == 5 and queue.model.rowCount() == 22
    await until(lambda: tab.summary.report is not None and tab.summary.report.examples == 5)
    tab.undo_action.trigger()  # the edit
    assert queue.model.rows[0].answer != "这是我改过的回答。"
    tab.undo_action.trigger()  # the rejection
    assert queue.model.rowCount() == 25


async def test_grow_from_a_short_document(tab, qtbot, tmp_path):
    document = tmp_path / "退货政策.md"
    document.write_text("# 退货政策\n\n收到商品 7 天内可以无理由退货，商品需保持完好。\n\n"
                        "退款会在收到退货后 3 个工作日内原路退回。\n\n定制商品不支持无理由退货。\n", encoding="utf-8")

    async def from_document(grow):
        grow.source_buttons[2].click()
        await grow.use_document(document)
        assert "退货政策.md" in grow.document_label.text()

    queue = await grow_to(tab, qtbot, 8, from_document)
    assert queue.model.rowCount() == 8
    assert all(row.passage and row.answer for row in queue.model.rows)
    assert queue.model.index(0, 2).data() == "Document"
    qtbot.mouseClick(queue.accept_all_button, Qt.MouseButton.LeftButton)
    assert len(tab.model.document) == 8
    tab.undo_action.trigger()
    assert len(tab.model.document) == 0 and queue.model.rowCount() == 8


async def test_a_model_writing_broken_output_gives_rows_with_a_problem_not_a_crash(tab, examples, qtbot):
    await open_file(tab, examples)
    tab.view.selectAll()
    queue = await grow_to(tab, qtbot, 15, faults=Faults(malformed_output=True))
    broken = [i for i, row in enumerate(queue.model.rows) if row.error]
    assert broken and queue.model.index(broken[0], 3).data()  # the Check column says what went wrong
    select(queue, [broken[0]])
    assert not queue.accept_button.isEnabled() and queue.reject_button.isEnabled()
    good = queue.model.rowCount() - len(broken)
    assert queue.accept_all_button.isEnabled() == (good > 0)
    if good:
        qtbot.mouseClick(queue.accept_all_button, Qt.MouseButton.LeftButton)
    assert queue.model.rowCount() == len(broken)  # rows with a problem stay to be edited or rejected
    assert len(tab.model.document) == 5 + good


async def test_cancel_keeps_the_rows_already_written(tab, examples, qtbot):
    await open_file(tab, examples)
    tab.view.selectAll()
    queue = await grow_to(tab, qtbot, 200, faults=Faults(answer_delay=0.2), wait=False)
    await until(lambda: queue.model.rowCount() >= 2 and queue.cancel_button.isVisible(), timeout=30)
    qtbot.mouseClick(queue.cancel_button, Qt.MouseButton.LeftButton)
    await until(lambda: not tab.growing.running())
    kept = queue.model.rowCount()
    assert 2 <= kept < 195 and not queue.cancel_button.isVisible()
    qtbot.mouseClick(queue.accept_all_button, Qt.MouseButton.LeftButton)
    assert len(tab.model.document) == 5 + kept


async def test_rows_waiting_for_review_are_there_after_a_restart(tab, examples, qtbot, service_with_sandbox):
    await open_file(tab, examples)
    tab.view.selectAll()
    queue = await grow_to(tab, qtbot, 12)
    select(queue, [0])
    qtbot.mouseClick(queue.reject_button, Qt.MouseButton.LeftButton)
    waiting = [row.question for row in queue.model.rows]
    tab.undo.setClean()  # the file itself is not the point here
    tab.window().close()  # as the user quits
    assert not tab.window().isVisible()

    from gui.app import create_window

    window = create_window(service_with_sandbox)
    window.show()
    await until(lambda: window._shown_once)  # it opens on the Dataset tab, where the user left it
    window.tabs.setCurrentWidget(window.dataset_tab)
    queue = window.dataset_tab.growing.queue
    await until(lambda: queue.isVisible())
    assert [row.question for row in queue.model.rows] == waiting
    assert "from last time" in window.dataset_tab.messages.text()
    qtbot.mouseClick(queue.accept_all_button, Qt.MouseButton.LeftButton)
    assert len(window.dataset_tab.model.document) == 6
    window.dataset_tab.undo.setClean()
    window.close()


async def test_a_review_file_from_the_grow_command_opens_in_the_queue(tab, qtbot, tmp_path):
    from core.grow import GeneratedRow
    from core.grow.review_file import save_review
    from tests.gui.test_dataset_tab import answer_file_dialog

    rows = [GeneratedRow(Row(0, {"messages": [{"role": "user", "content": f"问题 {i}？"},
                                              {"role": "assistant", "content": f"回答 {i}。"}]}, origin="generated"),
                         similar_to="Close to row 3 (85%)" if i == 1 else "") for i in range(4)]
    review = tmp_path / "review.jsonl"
    save_review(review, rows)
    tab.actions.review_file.trigger()
    await answer_file_dialog(review)
    queue = tab.growing.queue
    await until(lambda: queue.model.rowCount() == 4)
    assert queue.isVisible() and queue.model.index(1, 3).data() == "Close to row 3 (85%)"
    assert "review.jsonl" in tab.messages.text()
