"""Get models: the base models this computer can train, downloaded from ModelScope (the default in Chinese) or
the Hugging Face hub (or a mirror of it), with progress, time left and cancel; or a model folder already on disk.
A model that will not fit is refused before anything is downloaded."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.i18n import current_language, tr
from core.providers.base import DOWNLOAD_SOURCES, Provider
from core.providers.records import DownloadProgress, OfferedModel
from gui.item_models.offered_models_model import GB, OfferedModelsModel, gigabytes
from gui.tasks import Tasks
from gui.widgets.dialogs import Button, ask, choose_folder
from gui.widgets.message_bar import MessageBar
from gui.widgets.plain_text import plain_label
from gui.widgets.retranslating import Retranslating

DOWNLOADING, RELOADING = "download", "reload"


def progress_text(progress: DownloadProgress) -> str:
    """"1.2 GB of 3.1 GB · 12 MB/s · about 3 min left"."""
    parts = [tr("{done} GB of {total} GB").format(done=f"{progress.done_bytes / GB:.2f}",
                                                  total=f"{progress.total_bytes / GB:.2f}")]
    if progress.bytes_per_second:
        parts.append(tr("{n} MB/s").format(n=f"{progress.bytes_per_second / 1e6:.1f}"))
    if progress.eta_seconds is not None:
        minutes = max(1, round(progress.eta_seconds / 60))
        parts.append(tr("about {n} min left").format(n=minutes))
    return " · ".join(parts)


class GetModelDialog(Retranslating, QDialog):
    chosen = Signal(str)  # a model id, or the path of a model folder

    def __init__(self, provider: Provider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("get_model_dialog")
        self.provider = provider
        self.messages = MessageBar()
        self.tasks = Tasks(self.messages.show_error, "get-model")
        self.table = OfferedModelsModel()
        self.view = QTableView()
        self.view.setModel(self.table)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().hide()
        self.verdict = plain_label(QLabel(wordWrap=True))
        self.source_label, self.source = QLabel(), QComboBox()
        self.source.addItems(["", ""])
        self.source.setCurrentIndex(0 if current_language().startswith("zh") else 1)
        self.mirror = QLineEdit()
        self.download_button, self.use_button, self.remove_button = QPushButton(), QPushButton(), QPushButton()
        self.folder_button, self.cancel_button = QPushButton(), QPushButton()
        self.progress, self.progress_label = QProgressBar(), plain_label(QLabel())
        self._build()
        self.retranslate()
        self._show_selected()
        self.tasks.run(self.reload())

    def _build(self) -> None:
        source_row = QHBoxLayout()
        for widget in (self.source_label, self.source, self.mirror):
            source_row.addWidget(widget)
        buttons = QHBoxLayout()
        for widget in (self.folder_button, self.remove_button, self.download_button, self.use_button):
            buttons.addWidget(widget)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        for widget in (self.messages, self.view, self.verdict):
            layout.addWidget(widget)
        layout.addLayout(source_row)
        layout.addLayout(progress_row)
        layout.addWidget(self.progress_label)
        layout.addLayout(buttons)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.source.currentIndexChanged.connect(lambda _: self._show_selected())
        self.download_button.clicked.connect(lambda: self.tasks.replace(DOWNLOADING, self._download()))
        self.cancel_button.clicked.connect(lambda: self.tasks.cancel(DOWNLOADING))
        self.use_button.clicked.connect(lambda: self._choose(self._selected().id if self._selected() else ""))
        self.folder_button.clicked.connect(lambda: self.tasks.run(self._use_folder()))
        self.remove_button.clicked.connect(lambda: self.tasks.run(self._remove()))
        self.finished.connect(lambda _: self.tasks.cancel_all())
        self._show_busy(False)
        self.resize(820, 480)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Models for this computer"))
        self.source_label.setText(self.tr("Download from:"))
        self.source.setItemText(0, self.tr("ModelScope (魔搭, fast in China)"))
        self.source.setItemText(1, self.tr("Hugging Face"))
        self.mirror.setPlaceholderText(self.tr("mirror address (optional), e.g. https://hf-mirror.com"))
        self.download_button.setText(self.tr("Download"))
        self.use_button.setText(self.tr("Use this model"))
        self.remove_button.setText(self.tr("Remove from this computer…"))
        self.folder_button.setText(self.tr("Use a model folder on disk…"))
        self.cancel_button.setText(self.tr("Cancel download"))
        self._show_selected()
        if self.table.models:  # the verdicts come from the server, in the language asked for
            self.tasks.replace(RELOADING, self.reload())

    # -- what is shown --------------------------------------------------------------------------------
    async def reload(self) -> None:
        selected = self._selected()
        self.table.show(await self.provider.offered_models())
        row = next((i for i, m in enumerate(self.table.models) if selected and m.id == selected.id), 0)
        if self.table.models:
            self.view.selectRow(row)
        self._show_selected()

    def _selected(self) -> OfferedModel | None:
        rows = self.view.selectionModel().selectedRows()
        return self.table.models[rows[0].row()] if rows and rows[0].row() < len(self.table.models) else None

    def _show_selected(self) -> None:
        model = self._selected()
        self.verdict.setText(model.verdict if model else self.tr("Choose a model to see whether it fits."))
        self.mirror.setVisible(self.source.currentIndex() == 1)
        busy = self.tasks.busy(DOWNLOADING)
        self.download_button.setEnabled(bool(model and model.fits and not model.installed and not busy))
        self.use_button.setEnabled(bool(model and model.installed))
        self.remove_button.setEnabled(bool(model and model.installed and not busy))

    def _show_busy(self, busy: bool) -> None:
        for widget in (self.progress, self.cancel_button, self.progress_label):
            widget.setVisible(busy)
        self.view.setEnabled(not busy)
        self._show_selected()

    # -- what the user does ---------------------------------------------------------------------------
    async def _download(self) -> None:
        model = self._selected()
        if model is None:
            return
        self._show_busy(True)
        self.progress.setRange(0, 0)
        try:
            async for progress in self.provider.download_model(model.id, DOWNLOAD_SOURCES[self.source.currentIndex()],
                                                               self.mirror.text().strip()):
                self._show_progress(progress)
        finally:
            self._show_busy(False)
        await self.reload()
        self.messages.show_info(self.tr("{model} is on this computer: choose “Use this model”.").format(
            model=model.title or model.id))

    def _show_progress(self, progress: DownloadProgress) -> None:
        if progress.total_bytes:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * progress.done_bytes / progress.total_bytes))
        self.progress_label.setText(progress_text(progress))

    async def _remove(self) -> None:
        model = self._selected()
        if model is None:
            return
        answer = await ask(self, self.tr("Remove the model?"), self.tr(
            "Remove {model} from this computer? This frees {size}; models you trained from it stop working until "
            "it is downloaded again.").format(model=model.title or model.id, size=gigabytes(model.download_bytes)),
                           Button.Yes | Button.Cancel, Button.Cancel)
        if answer != Button.Yes:
            return
        await self.provider.remove_base_model(model.id)
        await self.reload()

    async def _use_folder(self) -> None:
        folder = await choose_folder(self, self.tr("Choose a model folder (it holds config.json)"))
        if folder is None:
            return
        if not (folder / "config.json").is_file():
            self.messages.show_error(self.tr("{folder} is not a model folder: it has no config.json.").format(
                folder=folder), self.tr("Choose the folder a model was downloaded or saved into."))
            return
        self._choose(str(Path(folder)))

    def _choose(self, model: str) -> None:
        if model:
            self.chosen.emit(model)
            self.accept()
