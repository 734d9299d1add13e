"""A new user's first run, in English and in Chinese: the welcome guide, practice training in the Sandbox
with the demo project, then chatting with the result."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

import core.training.jobs as jobs_module
from core.profiles import ProfileService
from core.settings import SettingsStore
from sandbox.launcher import SandboxLauncher
from tests.gui.conftest import until
from tests.gui.test_dataset_tab import answer, dialog


@pytest.mark.parametrize("language, send, ask, expected", [
    ("en", "Send to Training", "Where is my order?", "Sorry for the wait!"),
    ("zh_CN", "去训练", "我的订单什么时候发货？", "您好！订单一般在付款后24小时内发货"),
])
async def test_welcome_practice_train_and_chat(qtbot, memory_keyring, tmp_path, monkeypatch, language, send, ask,
                                               expected):
    from gui.app import create_window

    monkeypatch.setattr(jobs_module, "WATCH_SECONDS", 0.2)
    launcher = SandboxLauncher(state_dir=tmp_path / "sandbox", job_seconds=3.0)
    window = create_window(ProfileService(SettingsStore(), sandbox=launcher))
    window.show()
    window.first_run()
    welcome = dialog("welcome")
    assert welcome is not None
    welcome.language.setCurrentIndex(1 if language == "zh_CN" else 0)
    qtbot.mouseClick(welcome.practice_button, Qt.MouseButton.LeftButton)
    dataset = window.dataset_tab
    await until(lambda: dataset.model.rowCount() == 15 and dataset.summary.send_button.isEnabled(), timeout=20)
    assert dataset.messages.isVisible()  # what to do with the demo, said once it is open
    assert dataset.summary.send_button.text() == send
    qtbot.mouseClick(dataset.summary.send_button, Qt.MouseButton.LeftButton)
    training = window.training_tab
    await until(lambda: window.tabs.currentWidget() is training and training.form.model_combo.count() > 3)
    qtbot.mouseClick(training.form.start_button, Qt.MouseButton.LeftButton)
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: training.detail.job is not None and training.detail.job.status == "succeeded", timeout=40)
    qtbot.mouseClick(training.detail.try_button, Qt.MouseButton.LeftButton)
    try_it = window.try_it_tab
    try_it.question.setPlainText(ask)
    qtbot.mouseClick(try_it.send_button, Qt.MouseButton.LeftButton)
    await until(lambda: try_it.panes[0].turns, timeout=20)
    assert try_it.panes[0].turns[-1][1].startswith(expected)
    assert window.service.settings.welcome_done
    window.dataset_tab.undo.setClean()
    window.languages.apply("en")  # translators are installed on the shared QApplication: leave it English
    window.close()
    launcher.stop()
