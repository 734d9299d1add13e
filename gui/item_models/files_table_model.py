"""The Files tab's table: each uploaded file with its purpose, size, date and the jobs that used it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from core.clock import local_time
from core.files import KeptFile, used_by_text
from core.i18n import tr
from gui.widgets.plain_text import tooltip

Index = QModelIndex | QPersistentModelIndex


class FilesTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.files: list[KeptFile] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.files)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (tr("Name"), tr("Purpose"), tr("Size"), tr("Uploaded"), tr("Used by jobs"), tr("File id"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        text = self._text(self.files[index.row()], index.column())
        return tooltip(text) if role == Qt.ItemDataRole.ToolTipRole else text

    def _text(self, kept: KeptFile, column: int) -> str:
        found = kept.file
        return (found.filename, found.purpose, f"{found.bytes:,}", local_time(found.created_at, "%Y-%m-%d %H:%M"),
                used_by_text(kept) or tr("none"), found.id)[column]

    def show(self, files: list[KeptFile]) -> None:
        self.beginResetModel()
        self.files = files
        self.endResetModel()
