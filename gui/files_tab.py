"""Files: what the active profile's provider keeps of the files uploaded for training, with the jobs that used
each; save one on this computer, delete one (after saying which jobs used it), or export everything."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.files import KeptFile, list_kept_files, save_as, used_by_text
from core.i18n import tr
from core.profiles import ProfileService
from core.training.export import export_all, safe_name
from gui.item_models.files_table_model import FilesTableModel
from gui.profile_tab import ProfileTab
from gui.widgets.dialogs import Button, ask, choose_file, choose_folder
from gui.widgets.empty_state import EmptyState

REFRESHING, EXPORTING = "refresh", "export"  # the tab's named tasks


class FilesTab(ProfileTab):
    go_training = Signal()

    def __init__(self, service: ProfileService, parent: QWidget | None = None) -> None:
        super().__init__(service, "files", parent)
        self.table, self.view = FilesTableModel(), QTableView()
        self.empty, self.training_button = EmptyState(self.view, "files"), QPushButton()
        self.empty_label = self.empty.message
        self.progress = QProgressBar()
        self.refresh_button, self.download_button = QPushButton(), QPushButton()
        self.delete_button, self.export_button, self.cancel_button = QPushButton(), QPushButton(), QPushButton()
        self.view.setModel(self.table)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().hide()
        self.empty.add_button(self.training_button)
        self.training_button.clicked.connect(self.go_training)
        self.progress.hide()
        self.cancel_button.hide()
        top = QHBoxLayout()
        top.addWidget(self.progress, 1)
        top.addWidget(self.cancel_button)
        top.addStretch(0)
        top.addWidget(self.export_button)
        top.addWidget(self.refresh_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.messages)
        layout.addLayout(top)
        layout.addWidget(self.empty, 1)
        layout.addLayout(buttons)
        self.refresh_button.clicked.connect(lambda: self.tasks.replace(REFRESHING, self.refresh()))
        self.download_button.clicked.connect(lambda: self.tasks.run(self._download()))
        self.delete_button.clicked.connect(lambda: self.tasks.run(self._delete()))
        self.export_button.clicked.connect(lambda: self.tasks.replace(EXPORTING, self._export()))
        self.cancel_button.clicked.connect(lambda: self.tasks.cancel(EXPORTING))
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.retranslate()
        self._enable()

    def retranslate(self) -> None:
        self.refresh_button.setText(tr("Refresh"))
        self.download_button.setText(tr("Download…"))
        self.download_button.setToolTip(tr("Save the file on this computer"))
        self.delete_button.setText(tr("Delete…"))
        self.delete_button.setToolTip(tr("Delete the file from the provider; jobs that used it keep their "
                                              "results"))
        self.export_button.setText(tr("Export all…"))
        self.export_button.setToolTip(tr("Save every job and every uploaded file into a folder"))
        self.cancel_button.setText(tr("Cancel"))
        self.empty.set_message(tr("No files yet. The files you upload for training appear here, with their "
                                  "purpose, size, date and the jobs that used them."))
        self.training_button.setText(tr("Go to Training"))

    def load_profile(self) -> None:
        self.table.show([])
        self.tasks.replace(REFRESHING, self.refresh())

    async def refresh(self) -> None:
        self.table.show(await list_kept_files(await self.session()))
        self._enable()

    def _enable(self) -> None:
        chosen = self._selected() is not None
        self.download_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)
        self.empty.set_empty(not self.table.files)

    def _selected(self) -> KeptFile | None:
        rows = self.view.selectionModel().selectedRows()
        return self.table.files[rows[0].row()] if rows and rows[0].row() < len(self.table.files) else None

    async def _download(self) -> None:
        kept = self._selected()
        if kept is None:
            return
        path = await choose_file(self, tr("Save the file as"), tr("All files (*)"), save=True,
                                 suggested=Path(safe_name(kept.file.filename or kept.file.id)))
        if path is None:
            return
        await save_as(await self.session(), kept.file.id, path)
        self.messages.show_info(tr("Saved {name} as {path}.").format(name=kept.file.filename, path=path))

    async def _delete(self) -> None:
        kept = self._selected()
        if kept is None:
            return
        used = used_by_text(kept)
        informative = (tr("It was used by these jobs: {jobs}. They keep their results and models.").format(
            jobs=used) if used else tr("No job used it."))
        answer = await ask(self, tr("Delete file"), tr(
            "Delete {name} ({id}) from the provider? This cannot be undone.").format(
            name=kept.file.filename, id=kept.file.id), Button.Yes | Button.No, Button.No, informative)
        if answer != Button.Yes:
            return
        await (await self.session()).delete_file(kept.file.id)
        self.messages.show_info(tr("Deleted {name}.").format(name=kept.file.filename))
        await self.refresh()

    async def _export(self) -> None:
        folder = await choose_folder(self, tr("Choose a folder for the export"))
        if folder is None:
            return
        self.progress.setValue(0)
        self.progress.setFormat(tr("Exporting… %p%"))
        self.progress.show()
        self.cancel_button.show()
        self.export_button.setEnabled(False)
        try:
            index = await export_all(await self.session(), folder, self._show_progress)
        except asyncio.CancelledError:
            self.messages.show_info(tr("The export stopped. Export into the same folder again to go on where "
                                            "it stopped."))
            raise
        finally:
            self.progress.hide()
            self.cancel_button.hide()
            self.export_button.setEnabled(True)
        self.messages.show_info(tr("Every job and file was saved to {folder}.").format(folder=index.parent))

    def _show_progress(self, done: int, total: int, _: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
