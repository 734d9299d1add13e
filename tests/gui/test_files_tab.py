"""The Files tab as a user drives it, against the built-in Sandbox over HTTP: an uploaded file is listed with
the job that used it, saved byte for byte through the save dialog, and deleted after confirmation."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from core.providers.records import JobRequest
from tests.gui.conftest import until
from tests.gui.test_dataset_tab import answer, answer_file_dialog, dialog
from tests.gui.test_training_tab import data, sandbox_window  # noqa: F401 (fixtures)


async def test_list_download_and_delete_an_uploaded_file(sandbox_window, data, tmp_path, qtbot):  # noqa: F811
    window = sandbox_window
    tab = window.files_tab
    window.tabs.setCurrentWidget(tab)
    assert window.tabs.tabText(window.tabs.indexOf(tab)) == "Files"
    await until(lambda: tab.activated and not tab.tasks.busy("refresh"))
    assert tab.table.rowCount() == 0 and tab.empty_label.isVisible() and "appear here" in tab.empty_label.text()

    provider = await tab.session()
    uploaded = await provider.upload(data)
    job = await provider.create_job(JobRequest("gpt-4o-mini-2024-07-18", uploaded.id))
    qtbot.mouseClick(tab.refresh_button, Qt.MouseButton.LeftButton)
    await until(lambda: tab.table.rowCount() == 1)
    texts = [tab.table.index(0, column).data() for column in range(tab.table.columnCount())]
    assert texts[0] == "prices.jsonl" and texts[1] == "fine-tune" and texts[2] == f"{data.stat().st_size:,}"
    assert job.id in texts[4] and not tab.empty_label.isVisible()

    tab.view.selectRow(0)
    qtbot.mouseClick(tab.download_button, Qt.MouseButton.LeftButton)
    target = tmp_path / "kept" / "copy.jsonl"
    target.parent.mkdir()
    await answer_file_dialog(target)
    await until(lambda: target.exists())
    assert target.read_bytes() == data.read_bytes()

    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog() is not None)
    assert "prices.jsonl" in dialog().text() and job.id in dialog().informativeText()
    await answer(QMessageBox.StandardButton.No)
    await until(lambda: dialog() is None)
    assert [f.id for f in await provider.list_files()] == [uploaded.id]
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: tab.table.rowCount() == 0 and tab.empty_label.isVisible())
    assert await provider.list_files() == []


async def test_export_all_saves_an_unused_file_through_the_folder_dialog(sandbox_window, data, tmp_path,  # noqa: F811
                                                                         qtbot):
    window = sandbox_window
    tab = window.files_tab
    window.tabs.setCurrentWidget(tab)
    provider = await tab.session()
    await provider.upload(data)
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    folder = tmp_path / "export"
    folder.mkdir()
    await answer_file_dialog(folder)
    await until(lambda: "was saved to" in tab.messages.text())
    [saved] = (folder / "files").iterdir()
    assert saved.read_bytes() == data.read_bytes() and not tab.cancel_button.isVisible()
