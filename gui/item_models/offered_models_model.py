"""The Get models dialog's table: each base model this computer can download, with its size, what training
it needs, its licence and whether it fits (or is already here)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from core.i18n import tr
from core.providers.records import OfferedModel
from gui.colors import colour
from gui.widgets.plain_text import tooltip

Index = QModelIndex | QPersistentModelIndex
GB = 1_000_000_000
STATE_COLUMN = 4


def gigabytes(size: int) -> str:
    return tr("{n} GB").format(n=f"{size / GB:.1f}")


class OfferedModelsModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.models: list[OfferedModel] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.models)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (tr("Model"), tr("Download"), tr("Memory to train"), tr("Licence"), tr("On this computer"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        model = self.models[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == STATE_COLUMN and not model.fits:
            return QColor(colour("error"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(model.verdict if index.column() == STATE_COLUMN else
                           model.licence_url if index.column() == 3 else model.id)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._text(model, index.column())

    @staticmethod
    def _text(model: OfferedModel, column: int) -> str:
        if column == STATE_COLUMN:
            return tr("downloaded") if model.installed else tr("fits") if model.fits else tr("too big")
        return (model.title or model.id, gigabytes(model.download_bytes), gigabytes(model.memory_bytes),
                model.licence)[column]

    def show(self, models: list[OfferedModel]) -> None:
        self.beginResetModel()
        self.models = models
        self.endResetModel()
