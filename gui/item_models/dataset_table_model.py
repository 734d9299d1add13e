"""The dataset table: one model over the document's rows (nothing copied into Qt items), optionally
showing only some rows (search and problem filters)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QIcon

from core.dataset.cells import COLUMNS, Column, can_edit, cell_text, with_cell
from core.dataset.check import RowResult
from core.dataset.document import Document
from core.dataset.model import Format, Row
from core.dataset.validate import Severity
from core.i18n import tr
from gui import icons
from gui.widgets.plain_text import tooltip

Index = QModelIndex | QPersistentModelIndex
Role = Qt.ItemDataRole
DISPLAY, EDIT, TOOLTIP, DECORATION, ALIGNMENT = (Role.DisplayRole, Role.EditRole, Role.ToolTipRole,
                                                  Role.DecorationRole, Role.TextAlignmentRole)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
EDITABLE = SELECTABLE | Qt.ItemFlag.ItemIsEditable
PREVIEW_CHARS = 160
CHECK_AT_ONCE = 200  # more rows than this (big pastes, bulk fixes) are checked in the background


def column_title(column: Column) -> str:
    return {Column.SYSTEM: tr("System"), Column.USER: tr("User"),
            Column.ASSISTANT: tr("Assistant"), Column.TURNS: tr("Turns"),
            Column.PROMPT: tr("Prompt"), Column.COMPLETION: tr("Completion"),
            Column.INPUT: tr("Input"), Column.PREFERRED: tr("Preferred"),
            Column.NON_PREFERRED: tr("Not preferred"), Column.TOKENS: tr("Tokens"),
            Column.STATUS: tr("Status")}[column]


def status_of(result: RowResult | None) -> str:
    """"checking", "error", "warning" or "ok"."""
    if result is None:
        return "checking"
    severities = {p.severity for p in result.problems}
    return "error" if Severity.ERROR in severities else "warning" if severities else "ok"


class DatasetTableModel(QAbstractTableModel):
    edit_requested = Signal(int, object)  # document index, new Row: the tab turns it into an undoable edit

    def __init__(self, document: Document | None = None) -> None:
        super().__init__()
        self.document = document or Document()
        self.visible: list[int] | None = None  # document indexes shown; None: all
        self.read_only = False
        self._icons: dict[str, QIcon] = {}  # by status, made once the icon set is loaded, again on a theme change

    def _status_icon(self, status: str) -> QIcon:
        if not icons.loaded() or status not in ("error", "warning", "ok"):
            return QIcon()
        return self._icons.get(status) or self._icons.setdefault(status, icons.icon(status))

    def icons_changed(self) -> None:
        """The icon set was loaded or the theme changed: draw the status icons again."""
        self._icons.clear()
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1),
                                  [Qt.ItemDataRole.DecorationRole])

    @property
    def columns(self) -> tuple[Column, ...]:
        return COLUMNS[self.document.format]

    # -- Qt's model interface ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self.visible) if self.visible is not None else len(self.document)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def doc_index(self, row: int) -> int:
        return self.visible[row] if self.visible is not None else row

    def view_row(self, doc_index: int) -> int | None:
        if self.visible is None:
            return doc_index if 0 <= doc_index < len(self.document) else None
        try:
            return self.visible.index(doc_index)
        except ValueError:
            return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        position = self.doc_index(index.row())
        row, result = self.document.rows[position], self.document.results[position]
        column = self.columns[index.column()]
        if column is Column.STATUS:
            return self._status_data(result, role)
        if role == DISPLAY:
            if column is Column.TOKENS:
                return "…" if result is None else "" if result.tokens is None else f"{result.tokens:,}"
            text = cell_text(row, column)
            return text[:PREVIEW_CHARS].replace("\n", " ⏎ ")
        if role == EDIT:
            return cell_text(row, column)
        if role == TOOLTIP and column not in (Column.TOKENS, Column.TURNS):
            text = cell_text(row, column)
            return tooltip(text[:2000]) if len(text) > PREVIEW_CHARS or "\n" in text else None
        if role == ALIGNMENT and column in (Column.TOKENS, Column.TURNS):
            return RIGHT
        return None

    def _status_data(self, result: RowResult | None, role: int) -> Any:
        status = status_of(result)
        if role == DISPLAY:
            return {"checking": tr("checking…"), "error": tr("error"),
                    "warning": tr("warning"), "ok": tr("ok")}[status]
        if role == DECORATION:
            return self._status_icon(status)
        if role == TOOLTIP and result is not None and result.problems:
            return tooltip("\n".join(p.message for p in result.problems))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return column_title(self.columns[section]) if 0 <= section < len(self.columns) else None
        return str(self.doc_index(section) + 1) if 0 <= section < self.rowCount() else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        row = self.document.rows[self.doc_index(index.row())]
        return EDITABLE if not self.read_only and can_edit(row, self.columns[index.column()]) else SELECTABLE

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != EDIT or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        position = self.doc_index(index.row())
        row = self.document.rows[position]
        column = self.columns[index.column()]
        if str(value) == cell_text(row, column):
            return False
        self.edit_requested.emit(position, with_cell(row, column, str(value)))
        return True

    # -- changes (called by the tab's undo commands and the loader) --------------------------------
    def reset(self, document: Document) -> None:
        self.beginResetModel()
        self.document, self.visible = document, None
        self.endResetModel()

    def set_visible(self, indexes: Sequence[int] | None) -> None:
        self.beginResetModel()
        self.visible = list(indexes) if indexes is not None else None
        self.endResetModel()

    def append_rows(self, rows: Sequence[Row], fmt: Format) -> None:
        """Rows read from the file (not yet checked)."""
        first = len(self.document)
        if first == 0 and fmt is not self.document.format:
            self.beginResetModel()
            self.document.format = fmt
            self.endResetModel()
        shown = bool(rows) and self.visible is None  # a filtered view shows the new rows when refiltered
        if shown:
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self.document.rows += rows
        self.document.results += [None] * len(rows)
        if shown:
            self.endInsertRows()

    def set_results(self, results: Sequence[tuple[int, RowResult]]) -> None:
        """Check results for (document index, result) pairs."""
        for position, result in results:
            self.document.results[position] = result
        if results:
            self._changed(min(p for p, _ in results), max(p for p, _ in results))

    def _changed(self, first: int, last: int) -> None:
        if self.visible is None and self.rowCount():
            self.dataChanged.emit(self.index(first, 0), self.index(min(last, self.rowCount() - 1),
                                                                   self.columnCount() - 1))
        elif self.visible is not None:
            self.dataChanged.emit(self.index(0, 0), self.index(max(self.rowCount() - 1, 0), self.columnCount() - 1))

    def uncheck_all(self) -> None:
        """Every row waits to be checked again (another tokenizer counts differently)."""
        self.document.results = [None] * len(self.document)
        if self.rowCount():
            self._changed(0, len(self.document) - 1)

    def replace_rows(self, start: int, rows: Sequence[Row]) -> list[Row]:
        old = self.document.replace_rows(start, rows)
        self._changed(start, start + len(rows) - 1)
        return old

    def insert_rows(self, start: int, rows: Sequence[Row]) -> None:
        if self.visible is not None:  # a filtered view cannot place new rows: show everything again
            self.set_visible(None)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self.document.insert_rows(start, rows, check=len(rows) <= CHECK_AT_ONCE)
        self.endInsertRows()

    def remove_rows(self, start: int, count: int) -> list[Row]:
        if self.visible is not None:
            self.set_visible(None)
        self.beginRemoveRows(QModelIndex(), start, start + count - 1)
        removed = self.document.remove_rows(start, count)
        self.endRemoveRows()
        return removed

    def set_all(self, rows: Sequence[Row], fmt: Format | None = None,
                results: Sequence[RowResult | None] | None = None) -> list[Row]:
        self.beginResetModel()
        if fmt is not None:
            self.document.format = fmt
        old = self.document.set_all(rows, results)
        self.visible = None
        self.endResetModel()
        return old
