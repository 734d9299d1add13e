"""The Training tab as a user drives it, against the built-in Sandbox over HTTP."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

import core.training.jobs as jobs_module
from core.profiles import ProfileService
from core.settings import SettingsStore
from sandbox.launcher import SandboxLauncher
from tests.gui.conftest import settled, until
from tests.gui.test_dataset_tab import answer, dialog


@pytest.fixture
async def sandbox_window(qtbot, memory_keyring, tmp_path, monkeypatch):
    from gui.app import create_window

    monkeypatch.setattr(jobs_module, "WATCH_SECONDS", 0.2)  # watch quickly; the app polls every few seconds
    launcher = SandboxLauncher(state_dir=tmp_path / "sandbox", job_seconds=2.0)
    window = create_window(ProfileService(SettingsStore(), sandbox=launcher))
    window.show()
    await settled(window)
    yield window
    window.close()
    launcher.stop()


@pytest.fixture
def data(tmp_path):
    rows = [{"messages": [{"role": "user", "content": f"第{i}号产品多少钱？"},
                          {"role": "assistant", "content": f"第{i}号产品售价{i * 10}元。"}]} for i in range(12)]
    path = tmp_path / "prices.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


async def test_pick_data_choose_model_and_suffix_confirm_watch_and_try(sandbox_window, data, qtbot):
    window = sandbox_window
    window.tabs.setCurrentWidget(window.training_tab)
    tab = window.training_tab
    await until(lambda: tab.form.model_combo.count() > 3)
    tab.use_file(data)
    tab.form.model_combo.setCurrentText("gpt-4o-mini-2024-07-18")
    qtbot.keyClicks(tab.form.suffix_edit, "bad suffix")
    assert "cannot be used" in tab.form.preview.text()
    tab.form.suffix_edit.clear()
    qtbot.keyClicks(tab.form.suffix_edit, "prices")
    assert tab.form.preview.text().startswith("ft:gpt-4o-mini-2024-07-18:<org>:prices:<id>")
    qtbot.mouseClick(tab.form.start_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog() is not None)
    assert "12 examples" in dialog().text() and "prices" in dialog().informativeText()
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: tab.jobs_model.rowCount() == 1, timeout=20)
    await until(lambda: tab.detail.job is not None and tab.detail.job.status == "succeeded", timeout=30)
    await until(lambda: tab.detail.chart.points and tab.detail.checkpoints.count() > 0, timeout=10)
    model = tab.detail.job.fine_tuned_model
    assert model.startswith("ft:gpt-4o-mini-2024-07-18:") and ":prices:" in model
    assert model in tab.detail.model_label.text() and tab.detail.events.count() > 3
    qtbot.mouseClick(tab.detail.try_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.try_it_tab and window.try_it_tab.model_combo.currentText() == model


async def test_a_file_with_errors_is_not_uploaded(sandbox_window, tmp_path, qtbot):
    window = sandbox_window
    window.tabs.setCurrentWidget(window.training_tab)
    tab = window.training_tab
    await until(lambda: tab.form.model_combo.count() > 3)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": []}\n', encoding="utf-8")
    tab.use_file(bad)
    qtbot.mouseClick(tab.form.start_button, Qt.MouseButton.LeftButton)
    await until(lambda: not tab.messages.isHidden())
    assert "fix them before training" in tab.messages.text() and tab.jobs_model.rowCount() == 0


async def test_a_running_job_is_picked_up_after_a_restart_and_can_be_cancelled(qtbot, memory_keyring, tmp_path,
                                                                               data, monkeypatch):
    from core.providers.records import JobRequest
    from gui.app import create_window

    monkeypatch.setattr(jobs_module, "WATCH_SECONDS", 0.2)
    launcher = SandboxLauncher(state_dir=tmp_path / "sandbox", job_seconds=60.0)
    service = ProfileService(SettingsStore(), sandbox=launcher)
    first = create_window(service)
    first.show()
    first.tabs.setCurrentWidget(first.training_tab)
    provider = await first.training_tab.session()
    uploaded = await provider.upload(data)
    job = await provider.create_job(JobRequest("gpt-4o-mini-2024-07-18", uploaded.id, metadata={"team": "cs"}))
    assert job.metadata["team"] == "cs"
    first.close()  # the app quits; the job keeps running at the provider
    launcher.stop()

    again = create_window(ProfileService(SettingsStore(), sandbox=SandboxLauncher(state_dir=tmp_path / "sandbox",
                                                                                   job_seconds=60.0)))
    again.show()
    again.tabs.setCurrentWidget(again.training_tab)
    tab = again.training_tab
    await until(lambda: tab.detail.job is not None and tab.detail.job.id == job.id, timeout=20)
    await until(lambda: tab.detail.events.count() > 0)  # watched again
    qtbot.mouseClick(tab.detail.controls["cancel"], Qt.MouseButton.LeftButton)
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: tab.detail.job.status in ("cancelled", "cancelling"))
    await until(lambda: tab.jobs_model.jobs[0].status == "cancelled", timeout=10)
    again.close()
    again.training_tab.service.sandbox.stop()


async def test_shutdown_dates_are_shown_next_to_base_models(sandbox_window):
    window = sandbox_window
    window.tabs.setCurrentWidget(window.training_tab)
    form = window.training_tab.form
    await until(lambda: form.model_combo.count() > 3)
    form.model_combo.setCurrentText("gpt-4o-mini-2024-07-18")
    assert "shut down on 2027-01-14" in form.preview.text()
    form.model_combo.setCurrentText("gpt-3.5-turbo-0125")
    assert "was shut down on 2026-10-23" in form.preview.text()
    index = form.model_combo.findText("gpt-4o-mini-2024-07-18")
    assert "shuts down 2027-01-14" in form.model_combo.itemData(index, 3)
