"""Questions and file choosers that never block the event loop: each dialog is opened with open() and
awaited through a future (exec() inside a coroutine breaks qasync)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QMessageBox, QWidget

Button = QMessageBox.StandardButton
DATASET_FILTER = "Datasets (*.jsonl *.json *.csv *.tsv *.xlsx);;All files (*)"


async def ask(parent: QWidget, title: str, text: str, buttons: Button, default: Button,
              informative: str = "") -> Button:
    """The button the user chose (Escape or closing the box counts as the Cancel/No button)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, parent)
    box.setDefaultButton(default)
    box.setInformativeText(informative)
    box.setTextFormat(Qt.TextFormat.PlainText)  # ids, names and rows from servers and files: never markup
    box.setObjectName("question")
    answer: asyncio.Future[Button] = asyncio.get_running_loop().create_future()
    box.finished.connect(lambda _: answer.done() or answer.set_result(
        box.standardButton(box.clickedButton()) if box.clickedButton() else Button.Cancel))
    box.open()
    try:
        return await answer
    finally:
        box.deleteLater()


async def choose_file(parent: QWidget, title: str, name_filter: str, save: bool = False,
                      suggested: Path | None = None) -> Path | None:
    """A file the user picked to open (or to save as), or None."""
    dialog = QFileDialog(parent, title, str(suggested or ""), name_filter)
    dialog.setObjectName("file_dialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
    found = re.search(r"\*\.(\w+)", name_filter)
    if save and found:
        dialog.setDefaultSuffix(found.group(1))  # the first filter's extension, typed or not
    return await _chosen_path(dialog)


async def _chosen_path(dialog: QFileDialog) -> Path | None:
    chosen: asyncio.Future[Path | None] = asyncio.get_running_loop().create_future()
    dialog.finished.connect(lambda result: chosen.done() or chosen.set_result(
        Path(dialog.selectedFiles()[0]) if result and dialog.selectedFiles() else None))
    dialog.open()
    try:
        return await chosen
    finally:
        dialog.deleteLater()


async def ask_text(parent: QWidget, title: str, label: str, text: str = "") -> str | None:
    """Text the user typed, or None when they cancelled."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("text_dialog")
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    for shown in dialog.findChildren(QLabel):
        shown.setTextFormat(Qt.TextFormat.PlainText)
    dialog.setTextValue(text)
    typed: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
    dialog.finished.connect(lambda result: typed.done() or typed.set_result(dialog.textValue() if result else None))
    dialog.open()
    try:
        return await typed
    finally:
        dialog.deleteLater()


async def choose_folder(parent: QWidget, title: str) -> Path | None:
    """A folder the user picked, or None."""
    dialog = QFileDialog(parent, title)
    dialog.setObjectName("file_dialog")
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return await _chosen_path(dialog)
