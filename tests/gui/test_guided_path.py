"""The step bar follows a user's way through the app against the built-in Sandbox: connected, data ready, a job
under way, a model ready, an answer seen; each step opens its tab, and Home lists what was made."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

import core.training.jobs as jobs_module
from core.profiles import ProfileService
from core.settings import SettingsStore
from gui.journey import State, Step
from gui.navigation import DATASET, HOME, SETTINGS, TRAINING, TRY_IT
from sandbox.launcher import SandboxLauncher
from tests.gui.conftest import settled, until
from tests.gui.test_dataset_tab import answer

TODO, ACTIVE, DONE = State.TODO, State.ACTIVE, State.DONE


@pytest.fixture
async def sandbox_window(qtbot, memory_keyring, tmp_path, monkeypatch):
    from gui.app import create_window

    monkeypatch.setattr(jobs_module, "WATCH_SECONDS", 0.2)
    launcher = SandboxLauncher(state_dir=tmp_path / "sandbox", job_seconds=3.0)
    window = create_window(ProfileService(SettingsStore(), sandbox=launcher))
    window.show()
    await settled(window)
    yield window
    window.dataset_tab.undo.setClean()
    window.close()
    launcher.stop()


def step(window, which):
    return window.step_bar.buttons[which]


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


async def test_the_steps_follow_the_user_from_connecting_to_an_answer(sandbox_window, qtbot):
    window = sandbox_window
    bar = window.step_bar
    assert window.tabs.currentIndex() == HOME and bar.current is None
    assert bar.states() == [TODO, TODO, TODO, TODO, TODO]
    assert step(window, Step.CONNECT).accessibleName() == "Step 1 of 5: Connect"

    window.check_active_profile()  # what the app does once the window shows
    await until(lambda: bar.states()[Step.CONNECT] is DONE)
    assert "Sandbox: connected" in step(window, Step.CONNECT).toolTip()
    click(qtbot, step(window, Step.CONNECT))
    assert window.tabs.currentIndex() == SETTINGS and bar.current is Step.CONNECT

    click(qtbot, step(window, Step.DATA))
    assert window.tabs.currentIndex() == DATASET
    dataset = window.dataset_tab
    assert dataset.start.showing_empty()
    click(qtbot, dataset.start.practise_button)  # the demo project, in the Sandbox
    await until(lambda: bar.states()[Step.DATA] is DONE, timeout=20)
    assert step(window, Step.DATA).toolTip() == "demo_support.jsonl: ready"
    assert not dataset.start.showing_empty()

    click(qtbot, dataset.summary.send_button)  # saved first, then handed over
    training = window.training_tab
    await until(lambda: window.tabs.currentIndex() == TRAINING and training.form.model_combo.count() > 3)
    assert bar.current is Step.TRAIN
    click(qtbot, training.form.start_button)
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: bar.states()[Step.TRAIN] is ACTIVE, timeout=20)
    assert step(window, Step.TRAIN).toolTip().startswith("Training")
    await until(lambda: bar.states()[Step.TRAIN] is DONE, timeout=30)
    assert step(window, Step.TRAIN).toolTip() == "A model is ready"
    assert step(window, Step.TRY).toolTip() == "Chat with your model" and window.journey.next_step() is Step.TRY

    click(qtbot, training.detail.try_button)
    try_it = window.try_it_tab
    assert window.tabs.currentIndex() == TRY_IT and bar.current is Step.TRY
    await until(lambda: try_it.model_combo.currentText() in try_it.known)
    try_it.question.setPlainText("Where is my order?")
    click(qtbot, try_it.send_button)
    await until(lambda: bar.states()[Step.TRY] is DONE)
    assert window.journey.next_step() is Step.USE

    model = training.detail.job.fine_tuned_model
    window.tabs.setCurrentIndex(HOME)
    home = window.home
    await until(lambda: home.model_list.items and home.job_list.items)
    assert [item.key for item in home.model_list.items] == [model]
    assert home.datasets.items[0].title == "demo_support.jsonl" and home.start_card.isHidden()
    click(qtbot, home.model_list.buttons()[0])  # a ready model is a click away from Try it
    assert window.tabs.currentIndex() == TRY_IT and try_it.model_combo.currentText() == model
    window.tabs.setCurrentIndex(HOME)
    job = home.job_list.items[0].key
    click(qtbot, home.job_list.buttons()[0])  # and a job from its progress in the Training tab
    await until(lambda: training.detail.job is not None and training.detail.job.id == job)
    assert window.tabs.currentIndex() == TRAINING


def test_home_shows_how_far_a_job_is_from_its_start_and_estimated_end():
    from core.providers.records import Job
    from gui.home_page import job_progress

    running = Job("ftjob-1", "gpt-4o-mini", "running", created_at=1_000, estimated_finish=1_400)
    assert job_progress(running, 1_100) == 0.25
    assert job_progress(Job("ftjob-2", "gpt-4o-mini", "running", created_at=1_000), 1_100) is None
