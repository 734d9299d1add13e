"""Every empty list says in one sentence what will appear there, and its button gets it there."""

from PySide6.QtCore import Qt

from gui.navigation import DATASET, FILES, HOME, MODELS, TRAINING
from tests.gui.conftest import until
from tests.gui.test_dataset_tab import answer_file_dialog, data_file  # noqa: F401 (a fixture)
from tests.gui.test_training_tab import sandbox_window  # noqa: F401 (a fixture)


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


async def test_an_empty_home_teaches_the_three_ways_to_begin(sandbox_window, data_file, qtbot):  # noqa: F811
    window = sandbox_window
    home = window.home
    assert window.tabs.currentIndex() == HOME
    await until(lambda: home.loaded)
    assert home.start_card.isVisible() and "Practise the whole way for free" in home.start_text.text()
    for empty in home.empty:
        assert empty.showing_empty() and empty.message.isVisible()
    assert home.empty[0].message.text() == "Datasets you open appear here."

    click(qtbot, home.empty_buttons[0])  # Open a file…
    await answer_file_dialog(data_file)
    dataset = window.dataset_tab
    await until(lambda: window.tabs.currentIndex() == DATASET and dataset.model.rowCount() == 15)
    window.tabs.setCurrentIndex(HOME)
    await until(lambda: home.datasets.items)
    assert home.datasets.items[0].title == "support.jsonl" and not home.empty[0].showing_empty()
    assert home.start_card.isHidden()  # a dataset is open: the ways to begin make room
    click(qtbot, home.empty_buttons[1])  # Start a job
    assert window.tabs.currentIndex() == TRAINING


async def test_the_dataset_tab_offers_a_file_a_template_or_practice(window, data_file, qtbot):  # noqa: F811
    window.tabs.setCurrentIndex(DATASET)
    tab = window.dataset_tab
    start = tab.start
    assert start.showing_empty() and start.message.isVisible() and not tab.view.isVisible()
    assert start.message.text().startswith("Your training examples appear here")
    assert [b.text() for b in (start.open_button, start.template_button, start.practise_button)] == [
        "Open a file…", "Start from a template", "Practise in the Sandbox"]
    start.templates.actions()[0].trigger()  # chosen from the button's menu
    await until(lambda: tab.model.rowCount() > 0)
    assert not start.showing_empty() and tab.view.isVisible()


async def test_the_training_tab_starts_a_job_from_its_empty_list(sandbox_window, data_file, qtbot):  # noqa: F811
    window = sandbox_window
    window.tabs.setCurrentIndex(TRAINING)
    tab = window.training_tab
    await until(lambda: tab.activated and not tab.tasks.busy("refresh"))
    assert tab.jobs_empty.showing_empty() and "Jobs you start appear here" in tab.jobs_empty.message.text()
    click(qtbot, tab.start_here)  # no training file yet: choose one
    await answer_file_dialog(data_file)
    await until(lambda: tab.form.training_edit.text() == str(data_file))


async def test_models_and_files_send_the_user_to_training(sandbox_window, qtbot):  # noqa: F811
    window = sandbox_window
    for index, tab in ((MODELS, window.models_tab), (FILES, window.files_tab)):
        window.tabs.setCurrentIndex(index)
        await until(lambda t=tab: t.activated and not t.tasks.busy("refresh"))
        assert tab.empty.showing_empty() and tab.empty.message.isVisible()
        assert "appear here" in tab.empty.message.text()
        click(qtbot, tab.empty.buttons.itemAt(1).widget())
        assert window.tabs.currentIndex() == TRAINING
