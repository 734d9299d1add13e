"""The review queue's table: each generated row's question, answer, where it came from and what to look at
(close to another row, or what went wrong making it). Rows leave it only through the queue's commands."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from core.grow import GeneratedRow
from core.i18n import tr
from gui.colors import colour
from gui.widgets.plain_text import tooltip

Index = QModelIndex | QPersistentModelIndex
QUESTION, ANSWER, ORIGIN, NOTE = range(4)
PREVIEW_CHARS = 300  # of a cell; the whole text is in its tooltip and in Edit


class ReviewTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[GeneratedRow] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (tr("Question"), tr("Answer"), tr("Generated from"), tr("Check"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return " ".join(self._text(row, index.column()).split())[:PREVIEW_CHARS]
        if role == Qt.ItemDataRole.ToolTipRole:
            text = row.passage if index.column() == ORIGIN else self._text(row, index.column())
            return tooltip(text)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == NOTE:
            return QColor(colour("error" if row.error else "warning"))
        return None

    @staticmethod
    def _text(row: GeneratedRow, column: int) -> str:
        if column == QUESTION:
            return row.question
        if column == ANSWER:
            return row.answer
        if column == ORIGIN:
            return tr("Document") if row.passage else tr("Examples")
        return row.error or row.similar_to

    # -- changes (only the queue's undo commands call these) -------------------------------------------
    def append(self, rows: list[GeneratedRow]) -> None:
        self.insert([(len(self.rows) + i, row) for i, row in enumerate(rows)])

    def insert(self, placed: list[tuple[int, GeneratedRow]]) -> None:
        """Put rows back at their indexes (in increasing order)."""
        for index, row in placed:
            self.beginInsertRows(QModelIndex(), index, index)
            self.rows.insert(index, row)
            self.endInsertRows()

    def take(self, indexes: list[int]) -> list[tuple[int, GeneratedRow]]:
        """Remove the rows at ``indexes``; returns them with their indexes, for ``insert`` to put back."""
        placed = [(index, self.rows[index]) for index in sorted(set(indexes))]
        for index, _ in reversed(placed):
            self.beginRemoveRows(QModelIndex(), index, index)
            del self.rows[index]
            self.endRemoveRows()
        return placed

    def replace(self, index: int, row: GeneratedRow) -> GeneratedRow:
        old, self.rows[index] = self.rows[index], row
        self.dataChanged.emit(self.index(index, 0), self.index(index, self.columnCount() - 1))
        return old
