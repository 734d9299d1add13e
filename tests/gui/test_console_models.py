"""Try it and Models as a user works with them, against the built-in Sandbox over HTTP."""

import pytest
from PySide6.QtCore import Qt

from core.profiles import ProfileService
from core.settings import SettingsStore
from core.training.jobs import watch
from core.training.records import JobRequest
from sandbox.faults import Faults
from sandbox.launcher import SandboxLauncher
from tests.gui.conftest import until
from tests.gui.test_dataset_tab import dialog
from tests.sandbox.conftest import chat_rows, jsonl


@pytest.fixture
async def trained(qtbot, memory_keyring, tmp_path):
    """A window on the Sandbox and a model trained on sums ("What is 3 plus 3?" → "3 plus 3 is 6.")."""
    from gui.app import create_window

    launcher = SandboxLauncher(state_dir=tmp_path / "sandbox", job_seconds=0.5)
    window = create_window(ProfileService(SettingsStore(), sandbox=launcher))
    window.show()
    training = await window.training_tab.session()
    data = tmp_path / "sums.jsonl"
    data.write_bytes(jsonl(chat_rows(12)))
    uploaded = await training.upload(data)
    job = await training.create_job(JobRequest("gpt-4o-mini-2024-07-18", uploaded.id, suffix="sums"))
    async for update in watch(training, job.id, interval=0.2):
        final = update.job
    yield window, final.fine_tuned_model, launcher
    window.dataset_tab.undo.setClean()
    window.close()
    launcher.stop()


async def ask_question(window, qtbot, text):
    console = window.console_tab
    console.question.setPlainText(text)
    qtbot.mouseClick(console.send_button, Qt.MouseButton.LeftButton)
    await until(lambda: console._asking is None and console.send_button.isEnabled(), timeout=20)


async def test_ask_compare_keep_and_delete(trained, qtbot):
    window, model, _ = trained
    window.tabs.setCurrentWidget(window.models_tab)
    models = window.models_tab
    await until(lambda: models.table.rowCount() == 1)
    models.view.selectRow(0)
    qtbot.mouseClick(models.try_button, Qt.MouseButton.LeftButton)
    console = window.console_tab
    assert window.tabs.currentWidget() is console and console.model_combo.currentText() == model
    await until(lambda: console.model_combo.count() > 3)
    names = [console.model_combo.itemText(i) for i in range(console.model_combo.count())]
    assert names[0] == model and any(":ckpt-step-" in name for name in names)  # checkpoints can be tried too
    assert "job ftjob-" in console.model_combo.itemData(0, 3)
    console.system_edit.setText("You answer sums.")
    console.compare.setChecked(True)
    assert console.other_combo.currentText() == "gpt-4o-mini-2024-07-18"
    await ask_question(window, qtbot, "What is 3 plus 3?")
    mine, base = console.panes
    assert mine.turns == [("What is 3 plus 3?", "3 plus 3 is 6.")] and "3 plus 3 is 6." in mine.view.toPlainText()
    assert base.turns and base.turns[0][1] != "3 plus 3 is 6." and "tokens" in mine.status.text()

    qtbot.mouseClick(console.keep_button, Qt.MouseButton.LeftButton)
    rows = window.dataset_tab.model.document.rows
    assert rows[-1].data["messages"][-2:] == [{"role": "user", "content": "What is 3 plus 3?"},
                                              {"role": "assistant", "content": "3 plus 3 is 6."}]

    window.tabs.setCurrentWidget(models)
    models.view.selectRow(0)
    qtbot.mouseClick(models.delete_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog("text_dialog") is not None)
    dialog("text_dialog").setTextValue(model)
    dialog("text_dialog").accept()
    await until(lambda: models.table.rowCount() == 0)
    assert "Deleted 1 model" in models.messages.text()


@pytest.mark.parametrize("faults, expect", [
    (Faults(ping=True), "answer"), (Faults(first_byte_delay=0.5), "answer"), (Faults(no_stream=True), "not streamed"),
    (Faults(drop_stream_after=3), "cut off"), (Faults(status=429, path="/v1/chat"), "429"),
    (Faults(buffer=True, chunk_delay=0.2), "buffered"),
])
async def test_every_gateway_habit_gives_an_answer_or_a_clear_message(trained, qtbot, faults, expect):
    window, model, launcher = trained
    window.tabs.setCurrentWidget(window.console_tab)
    console = window.console_tab
    console.set_model(model)
    launcher.server.set_faults(faults)
    await ask_question(window, qtbot, "What is 2 plus 2?")
    pane = console.panes[0]
    if expect == "answer":
        assert pane.turns[-1][1] == "2 plus 2 is 4."
    elif expect == "buffered":
        assert pane.turns[-1][1] == "2 plus 2 is 4." and "buffered by the gateway" in pane.status.text()
        assert "holds streamed answers back" in console.messages.text()
    elif expect == "not streamed":
        assert pane.turns[-1][1] == "2 plus 2 is 4." and not console.stream_box.isChecked()
        assert "does not stream" in console.messages.text()
    else:
        assert expect in console.messages.text() + pane.status.text()
    if expect == "cut off":
        assert pane.turns[-1][1]  # the part that arrived is kept
        launcher.server.set_faults(Faults())
        console.messages.action_clicked.emit()  # "Ask again"
        await until(lambda: len(pane.turns) == 2 and console._asking is None, timeout=20)
        assert pane.turns[-1][1] == "2 plus 2 is 4."
    assert console.send_button.isEnabled()


async def test_run_the_validation_set_against_the_model_and_its_base(trained, qtbot, tmp_path):
    window, model, _ = trained
    window.tabs.setCurrentWidget(window.console_tab)
    console = window.console_tab
    await until(lambda: console.model_combo.count() > 3)
    console.set_model(model)
    console.compare.setChecked(True)
    validation = tmp_path / "validation.jsonl"
    validation.write_bytes(jsonl(chat_rows(12)))
    console.pages.setCurrentWidget(console.evaluation)
    panel = console.evaluation
    panel.file_edit.setText(str(validation))
    panel.sample.setValue(5)
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    await until(lambda: panel.table.rowCount() == 5 and None not in panel.table.outcomes, timeout=20)
    assert all(o.scores[0] == 1.0 and o.scores[1] < 0.5 for o in panel.table.outcomes)
    await until(panel.run_button.isEnabled)
    assert "100% similar on average" in panel.summary.text()


async def test_legacy_models_get_the_separator_and_stop_of_their_training_data(trained, qtbot, tmp_path):
    from tests.sandbox.conftest import completion_rows

    window, _, _ = trained
    training = await window.training_tab.session()
    data = tmp_path / "capitals.jsonl"
    data.write_bytes(jsonl(completion_rows(12)))
    uploaded = await training.upload(data)
    job = await training.create_job(JobRequest("davinci-002", uploaded.id))
    async for update in watch(training, job.id, interval=0.2):
        legacy = update.job.fine_tuned_model if update.job else None
    window.tabs.setCurrentWidget(window.console_tab)
    console = window.console_tab
    await until(lambda: console.model_combo.count() > 3)
    console.set_model(legacy)
    await until(lambda: console.separator_edit.text() == " ->" and console.stop_edit.text() == "\\n")
    assert console.separator_edit.isVisible()
    await ask_question(window, qtbot, "Capital of country 3")
    assert console.panes[0].turns[-1][1].strip() == "City 3"
