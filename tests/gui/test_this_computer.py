"""The "This computer" profile as a user meets it: Get models… downloads a base model from a hub on 127.0.0.1 (as
from a Hugging Face mirror) with progress, then the Training tab trains the tiny model folder for real through the
local server, asks about time instead of money, and shows the job succeed with its loss chart."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from core.profiles import ProfileService
from core.providers.registry import spec_for
from core.settings import SettingsStore, new_profile
from tests.gui.conftest import settled, until
from tests.gui.test_dataset_tab import answer, dialog
from tests.local.test_download import MODEL, Hub, handler_for
from tests.local.tiny_model import memorisable_rows
from tests.sandbox.conftest import jsonl
from tests.servers import serve

THIS_COMPUTER = "this_computer"
ROOT = Path(__file__).resolve().parents[2]


class ThreadLauncher:
    """The app's launcher, but with the local server in a thread of the test (the app runs it as a child)."""

    def __init__(self, state_dir, models_dir) -> None:
        from core.local.server.serve import LocalServer

        self.server = LocalServer(state_dir=state_dir, models_dir=models_dir)
        self.started = False

    async def base_url(self) -> str:
        if not self.started:
            await asyncio.to_thread(self.server.start)
            self.started = True
        return self.server.base_url

    def stop(self) -> None:
        if self.started:
            self.server.stop()


async def open_window(launcher):
    from gui.app import create_window

    service = ProfileService(SettingsStore(), this_computer=launcher)
    profile = service.save_profile(new_profile(spec_for(THIS_COMPUTER).kind, "This computer"), "")
    service.activate(profile.id)
    window = create_window(service)
    window.show()
    await settled(window)  # Home has loaded from the local server in this loop before the test goes on
    window.tabs.setCurrentWidget(window.training_tab)
    return window


@pytest.fixture
async def window(qtbot, memory_keyring, tmp_path):
    """The local server in a thread of the test, where a test changes it; nothing here loads PyTorch."""
    launcher = ThreadLauncher(tmp_path / "state", tmp_path / "models")
    window = await open_window(launcher)
    yield window
    window.dataset_tab.undo.setClean()
    window.close()
    launcher.stop()


@pytest.fixture
async def app_window(qtbot, memory_keyring, tmp_path):
    """The local server as the app runs it: a child process, which loads PyTorch to train and answer."""
    from core.local.launcher import LocalLauncher

    launcher = LocalLauncher(tmp_path / "state", tmp_path / "models")
    window = await open_window(launcher)
    yield window
    window.dataset_tab.undo.setClean()
    window.close()
    launcher.stop()


@pytest.mark.timeout(150)
async def test_get_models_downloads_a_base_model_with_progress(window, qtbot):
    current = {"hub": Hub()}
    with serve(handler_for(current)) as origin:
        form = window.training_tab.form
        await until(lambda: form.get_models_button.isVisible(), timeout=30)
        qtbot.mouseClick(form.get_models_button, Qt.MouseButton.LeftButton)
        await until(lambda: dialog("get_model_dialog") is not None)
        models = dialog("get_model_dialog")
        await until(lambda: models.table.rowCount() > 5, timeout=60)  # the GPU probe imports torch
        row = next(i for i, m in enumerate(models.table.models) if m.id == MODEL)
        assert models.table.index(row, 4).data() == "fits"  # 0.5B fits a CPU
        too_big = next(i for i, m in enumerate(models.table.models) if not m.fits)
        models.view.selectRow(too_big)
        assert not models.download_button.isEnabled() and "Too large" in models.verdict.text()
        models.view.selectRow(row)
        models.source.setCurrentIndex(1)  # Hugging Face, through a mirror address
        models.mirror.setText(origin)
        qtbot.mouseClick(models.download_button, Qt.MouseButton.LeftButton)
        await until(lambda: models.table.index(row, 4).data() == "downloaded", timeout=30)
        assert "is on this computer" in models.messages.text()
        qtbot.mouseClick(models.use_button, Qt.MouseButton.LeftButton)
        await until(lambda: form.model_combo.currentText() == MODEL)
    await until(lambda: dialog("get_model_dialog") is None)
    qtbot.mouseClick(form.get_models_button, Qt.MouseButton.LeftButton)  # and removed again
    await until(lambda: dialog("get_model_dialog") is not None)
    models = dialog("get_model_dialog")
    await until(lambda: models.table.rowCount() > 5, timeout=60)  # the GPU probe imports torch
    models.view.selectRow(row)
    assert models.table.index(row, 4).data() == "downloaded"
    qtbot.mouseClick(models.remove_button, Qt.MouseButton.LeftButton)
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: models.table.index(row, 4).data() == "fits", timeout=30)
    models.reject()


@pytest.mark.timeout(150)
async def test_the_training_tab_trains_on_this_computer(app_window, qtbot, tmp_path):
    window = app_window
    tiny = tmp_path / "tiny-chat"  # made in another process: the app's window never loads PyTorch
    subprocess.run([sys.executable, "-c", "import sys; from tests.local.tiny_model import make_tiny_model; "
                    "make_tiny_model(__import__('pathlib').Path(sys.argv[1]))", str(tiny)], check=True, cwd=ROOT,
                   capture_output=True)
    training = tmp_path / "train.jsonl"
    training.write_bytes(jsonl(memorisable_rows(12)))
    tab = window.training_tab
    await until(lambda: tab.form.get_models_button.isVisible())
    tab.form.training_edit.setText(str(training))
    tab.form.model_combo.setCurrentText(str(tiny))
    tab.form.epochs.setValue(2)
    qtbot.mouseClick(tab.form.start_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog() is not None, timeout=30)
    question = dialog().text()
    assert "on this computer" in question and "Nothing is billed" in question and "$" not in question
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: tab.jobs_model.jobs, timeout=20)
    tab.jobs_view.selectRow(0)
    await until(lambda: tab.jobs_model.jobs[0].status == "succeeded", timeout=120)
    await until(lambda: len(tab.detail.chart.points) > 1, timeout=20)
    model = tab.jobs_model.jobs[0].fine_tuned_model
    assert model.startswith("ft:tiny-chat:local:")

    qtbot.mouseClick(tab.detail.try_button, Qt.MouseButton.LeftButton)  # the trained model answers, beside its base
    try_it = window.try_it_tab
    assert window.tabs.currentWidget() is try_it
    try_it.set_model(model)  # as chosen in its list
    try_it.compare.setChecked(True)
    await until(lambda: try_it.other_combo.currentText() == "tiny-chat", timeout=30)
    try_it.question.setPlainText("hello")
    qtbot.mouseClick(try_it.send_button, Qt.MouseButton.LeftButton)
    mine, base = try_it.panes
    await until(lambda: mine.turns and base.turns, timeout=60)
    assert "tokens" in mine.status.text()

    models = window.models_tab  # exported as a merged model folder
    window.tabs.setCurrentWidget(models)
    await until(lambda: any(m.id == model for m in models.table.models), timeout=30)
    assert models.export_button.isVisible()
    models.view.selectRow(next(i for i, m in enumerate(models.table.models) if m.id == model))
    qtbot.mouseClick(models.export_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog("export_model_dialog") is not None)
    export = dialog("export_model_dialog")
    export.kind.setCurrentIndex(1)
    assert "vLLM" in export.help.text()
    export.folder.setText(str(tmp_path / "exported"))
    export.export_button.click()
    await until(lambda: "Written into" in export.written.text(), timeout=60)
    [folder] = (tmp_path / "exported").iterdir()
    assert (folder / "config.json").is_file() and list(folder.glob("*.safetensors"))
    export.reject()


async def test_without_the_training_libraries_the_tab_says_how_to_add_them(window, monkeypatch):
    from core.local.server import api_local

    monkeypatch.setattr(api_local, "ENGINE_PACKAGES", ("torch", "a_library_this_computer_lacks"))
    tab = window.training_tab
    tab.load_profile()  # the profile shown anew, as after a restart
    await until(lambda: tab.banner.isVisible() and "a_library_this_computer_lacks" in tab.banner.text())
    assert 'pip install "finetune-studio[local]"' in tab.banner.text()
    assert "torch," not in tab.banner.text()  # only what is missing is named
    tab.form.training_edit.setText(str(Path(__file__).parent / "missing.jsonl"))  # refused before reading it
    tab.form.model_combo.setCurrentText(MODEL)
    tab.form.start_button.click()
    await until(lambda: "needs an optional part" in tab.messages.text())


def test_a_running_job_shows_the_time_left(qtbot):
    import time

    from core.providers.records import Job
    from gui.training.job_detail import JobDetail

    detail = JobDetail()
    qtbot.addWidget(detail)
    detail.show_job(Job("ftjob-1", "tiny-chat", "running", 1, estimated_finish=int(time.time()) + 600))
    assert "about 10 minutes left" in detail.title.text()
    detail.show_job(Job("ftjob-1", "tiny-chat", "succeeded", 1, estimated_finish=int(time.time()) + 600))
    assert "left" not in detail.title.text()
