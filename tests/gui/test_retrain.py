"""Retrain elsewhere as a user does it: from a fine-tuned model in the Models tab (and a job in the Training tab)
of the built-in Sandbox to a started job in another profile's Training tab, over HTTP."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from core.profiles import ProfileService
from core.providers.records import JobRequest
from core.settings import SANDBOX_ID, SettingsStore, new_profile
from core.training.jobs import watch
from sandbox.launcher import SandboxLauncher
from sandbox.server import SandboxServer
from tests.gui.conftest import until
from tests.gui.test_dataset_tab import answer, dialog
from tests.providers.conftest import KINDS
from tests.sandbox.conftest import chat_rows, jsonl


@pytest.fixture
async def trained(qtbot, memory_keyring, tmp_path):
    """A window on the Sandbox with a model trained from a training and a validation file, and a second
    profile on a Zhipu-dialect Sandbox."""
    from gui.app import create_window

    launcher = SandboxLauncher(state_dir=tmp_path / "sandbox", job_seconds=0.3)
    window = create_window(ProfileService(SettingsStore(), sandbox=launcher))
    window.show()
    provider = await window.training_tab.session()
    training, validation = tmp_path / "train.jsonl", tmp_path / "valid.jsonl"
    training.write_bytes(jsonl(chat_rows(12)))
    validation.write_bytes(jsonl(chat_rows(3, "zh")))
    job = await provider.create_job(JobRequest("gpt-4o-mini-2024-07-18", (await provider.upload(training)).id,
                                               (await provider.upload(validation)).id, suffix="sums"))
    async for update in watch(provider, job.id, interval=0.1):
        final = update.job
    with SandboxServer(job_seconds=0.3, dialect="zhipu") as server:
        target = window.service.save_profile(replace(new_profile(KINDS["zhipu"], "Zhipu work"),
                                                     base_url=server.base_url), "sk-test")
        window.service.activate(SANDBOX_ID)  # a first key makes its profile active: the Sandbox stays in use
        window.settings_tab.reload()
        yield window, final, target
        window.dataset_tab.undo.setClean()
        window.close()
    launcher.stop()


async def test_from_the_models_tab_to_a_started_job_in_another_profile(trained, qtbot):
    window, job, target = trained
    models = window.models_tab
    window.tabs.setCurrentWidget(models)
    await until(lambda: models.table.rowCount() == 1)
    models.view.selectRow(0)
    qtbot.mouseClick(models.retrain_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog("retrain_dialog") is not None)
    retrain = dialog("retrain_dialog")
    assert [retrain.profile_combo.itemText(i) for i in range(retrain.profile_combo.count())] == ["Zhipu work"]
    retrain.profile_combo.setCurrentIndex(0)
    await until(lambda: retrain.start_button.isEnabled())
    assert retrain.model_combo.currentText() == "glm-4-flash" and retrain.model_combo.count() > 1
    assert "Zhipu's smallest general chat model" in retrain.details.text()
    assert "training.jsonl, validation.jsonl" in retrain.details.text() and job.id in retrain.details.text()
    retrain.model_combo.setCurrentText("glm-4-9b")  # the user's choice wins
    qtbot.mouseClick(retrain.start_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog() is not None)
    assert "glm-4-9b" in dialog().text() and "examples" in dialog().text()
    assert job.fine_tuned_model in dialog().informativeText()  # what to compare the new model with
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: window.tabs.currentWidget() is window.training_tab, timeout=20)
    assert window.service.settings.active_profile_id == target.id
    training = window.training_tab
    await until(lambda: training.jobs_model.jobs and training.jobs_model.jobs[0].model == "glm-4-9b", timeout=20)
    assert "started on this profile" in training.messages.text()
    training.jobs_view.selectRow(0)  # Zhipu keeps no metadata: the link comes from this computer's store
    await until(lambda: training.detail.origin_label.isVisible())
    sandbox = window.service.settings.profile(SANDBOX_ID).name
    assert training.detail.origin_label.text() == \
        f"Retrained from job {job.id} ({job.fine_tuned_model}) on “{sandbox}”."


async def test_the_training_tab_offers_it_for_the_selected_job(trained, qtbot):
    window, job, _ = trained
    training = window.training_tab
    window.tabs.setCurrentWidget(training)
    await until(lambda: training.detail.job is not None and training.detail.job.id == job.id)
    qtbot.mouseClick(training.detail.retrain_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog("retrain_dialog") is not None)
    retrain = dialog("retrain_dialog")
    assert retrain.job_or_model == job.id
    assert not training.detail.origin_label.isVisible()  # this job re-creates none
    retrain.reject()
    await until(lambda: dialog("retrain_dialog") is None)
