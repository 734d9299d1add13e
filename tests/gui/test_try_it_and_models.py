"""Try it and Models as a user works with them, against the built-in Sandbox over HTTP."""

import pytest
from PySide6.QtCore import Qt

from core.profiles import ProfileService
from core.providers.records import JobRequest
from core.settings import SettingsStore
from core.training.jobs import watch
from gui.try_it_tab import ASKING
from sandbox.faults import Faults
from sandbox.launcher import SandboxLauncher
from tests.gui.conftest import settled, until
from tests.gui.test_dataset_tab import dialog
from tests.sandbox.conftest import chat_rows, jsonl


@pytest.fixture
async def trained(qtbot, memory_keyring, tmp_path):
    """A window on the Sandbox and a model trained on sums ("What is 3 plus 3?" → "3 plus 3 is 6.")."""
    from gui.app import create_window

    launcher = SandboxLauncher(state_dir=tmp_path / "sandbox", job_seconds=0.5)
    window = create_window(ProfileService(SettingsStore(), sandbox=launcher))
    window.show()
    await settled(window)  # Home has loaded in this loop
    provider = await window.training_tab.session()
    data = tmp_path / "sums.jsonl"
    data.write_bytes(jsonl(chat_rows(12)))
    uploaded = await provider.upload(data)
    job = await provider.create_job(JobRequest("gpt-4o-mini-2024-07-18", uploaded.id, suffix="sums"))
    async for update in watch(provider, job.id, interval=0.2):
        final = update.job
    yield window, final.fine_tuned_model, launcher
    window.dataset_tab.undo.setClean()
    window.close()
    launcher.stop()


async def ask_question(window, qtbot, text):
    try_it = window.try_it_tab
    try_it.question.setPlainText(text)
    qtbot.mouseClick(try_it.send_button, Qt.MouseButton.LeftButton)
    await until(lambda: not try_it.tasks.busy(ASKING) and try_it.send_button.isEnabled(), timeout=20)


async def test_ask_compare_keep_and_delete(trained, qtbot):
    window, model, _ = trained
    window.tabs.setCurrentWidget(window.models_tab)
    models = window.models_tab
    await until(lambda: models.table.rowCount() == 1)
    models.view.selectRow(0)
    qtbot.mouseClick(models.try_button, Qt.MouseButton.LeftButton)
    try_it = window.try_it_tab
    assert window.tabs.currentWidget() is try_it and try_it.model_combo.currentText() == model
    await until(lambda: try_it.model_combo.count() > 3)
    names = [try_it.model_combo.itemText(i) for i in range(try_it.model_combo.count())]
    assert names[0] == model and any(":ckpt-step-" in name for name in names)  # checkpoints can be tried too
    assert "job ftjob-" in try_it.model_combo.itemData(0, 3)
    try_it.system_edit.setText("You answer sums.")
    try_it.compare.setChecked(True)
    assert try_it.other_combo.currentText() == "gpt-4o-mini-2024-07-18"
    await ask_question(window, qtbot, "What is 3 plus 3?")
    mine, base = try_it.panes
    assert mine.turns == [("What is 3 plus 3?", "3 plus 3 is 6.")]
    assert mine.blocks[-1].answer.text.toPlainText() == "3 plus 3 is 6."
    assert base.turns and base.turns[0][1] != "3 plus 3 is 6." and "tokens" in mine.status.text()

    qtbot.mouseClick(try_it.keep_button, Qt.MouseButton.LeftButton)
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
    window.tabs.setCurrentWidget(window.try_it_tab)
    try_it = window.try_it_tab
    try_it.set_model(model)
    launcher.server.set_faults(faults)
    await ask_question(window, qtbot, "What is 2 plus 2?")
    pane = try_it.panes[0]
    if expect == "answer":
        assert pane.turns[-1][1] == "2 plus 2 is 4."
    elif expect == "buffered":
        assert pane.turns[-1][1] == "2 plus 2 is 4." and "buffered by the gateway" in pane.status.text()
        assert "holds streamed answers back" in try_it.messages.text()
    elif expect == "not streamed":
        assert pane.turns[-1][1] == "2 plus 2 is 4." and not try_it.stream_box.isChecked()
        assert "does not stream" in try_it.messages.text()
    else:
        assert expect in try_it.messages.text() + pane.status.text()
    if expect == "cut off":
        assert pane.turns[-1][1]  # the part that arrived is kept
        launcher.server.set_faults(Faults())
        try_it.messages.action_clicked.emit()  # "Ask again"
        await until(lambda: len(pane.turns) == 2 and not try_it.tasks.busy(ASKING), timeout=20)
        assert pane.turns[-1][1] == "2 plus 2 is 4."
    assert try_it.send_button.isEnabled()


async def test_run_the_validation_set_against_the_model_and_its_base(trained, qtbot, tmp_path):
    window, model, _ = trained
    window.tabs.setCurrentWidget(window.try_it_tab)
    try_it = window.try_it_tab
    await until(lambda: try_it.model_combo.count() > 3)
    try_it.set_model(model)
    try_it.compare.setChecked(True)
    validation = tmp_path / "validation.jsonl"
    validation.write_bytes(jsonl(chat_rows(12)))
    try_it.pages.setCurrentWidget(try_it.evaluation)
    panel = try_it.evaluation
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
    provider = await window.training_tab.session()
    data = tmp_path / "capitals.jsonl"
    data.write_bytes(jsonl(completion_rows(12)))
    uploaded = await provider.upload(data)
    job = await provider.create_job(JobRequest("davinci-002", uploaded.id))
    async for update in watch(provider, job.id, interval=0.2):
        legacy = update.job.fine_tuned_model if update.job else None
    window.tabs.setCurrentWidget(window.try_it_tab)
    try_it = window.try_it_tab
    await until(lambda: try_it.model_combo.count() > 3)
    try_it.set_model(legacy)
    await until(lambda: try_it.separator_edit.text() == " ->" and try_it.stop_edit.text() == "\\n")
    assert try_it.separator_edit.isVisible()
    await ask_question(window, qtbot, "Capital of country 3")
    assert try_it.panes[0].turns[-1][1].strip() == "City 3"
