"""Row edits for the Dataset tab, each one an undoable command: add, duplicate, delete, move, paste,
cell and row-editor edits, and bulk fixes with a preview."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QTableView

from core.dataset import fixes
from core.dataset.cells import rows_from_text, rows_to_jsonl, rows_to_tsv
from core.dataset.model import Format, Row
from core.i18n import tr
from gui.dataset.bulk_fix import Fixed
from gui.dataset.commands import InsertRows, RemoveRows, ReplaceAll, ReplaceRows
from gui.item_models.dataset_table_model import DatasetTableModel


def empty_row(fmt: Format) -> Row:
    if fmt is Format.COMPLETION:
        return Row(0, {"prompt": "", "completion": ""})
    if fmt is Format.DPO:
        return Row(0, {"input": {"messages": [{"role": "user", "content": ""}]},
                       "preferred_output": [{"role": "assistant", "content": ""}],
                       "non_preferred_output": [{"role": "assistant", "content": ""}]})
    return Row(0, {"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": ""}]})


class Editing:
    def __init__(self, model: DatasetTableModel, view: QTableView, undo: QUndoStack) -> None:
        self.model, self.view, self.undo = model, view, undo
        model.edit_requested.connect(lambda index, row: self.replace(index, row, tr("Edit cell")))

    def selected(self) -> list[int]:
        """Document indexes of the selected rows, in order."""
        rows = {index.row() for index in self.view.selectionModel().selectedIndexes()}
        current = self.view.currentIndex()
        if not rows and current.isValid():
            rows = {current.row()}
        return sorted(self.model.doc_index(r) for r in rows)

    def select(self, start: int, count: int = 1) -> None:
        """Select ``count`` rows from document index ``start`` and show them."""
        row = self.model.view_row(start)
        if row is None:
            return
        last = min(row + count, self.model.rowCount()) - 1
        selection = self.view.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        selection.setCurrentIndex(self.model.index(row, 0), flags.NoUpdate)
        selection.select(QItemSelection(self.model.index(row, 0), self.model.index(last, 0)),
                         flags.ClearAndSelect | flags.Rows)
        self.view.scrollTo(self.model.index(row, 0))

    def replace(self, index: int, row: Row, text: str) -> None:
        self.undo.push(ReplaceRows(self.model, index, [row], text))

    def insert(self, rows: list[Row], text: str) -> None:
        if not rows:
            return
        chosen = self.selected()
        start = chosen[-1] + 1 if chosen else len(self.model.document)
        self.undo.push(InsertRows(self.model, start, rows, text))
        self.select(start, len(rows))

    def add_row(self) -> None:
        self.insert([empty_row(self.model.document.format)], tr("Add row"))

    def duplicate(self) -> None:
        rows = [self.model.document.rows[i] for i in self.selected()]
        self.insert([Row(0, r.data, r.raw, r.parse_error) for r in rows], tr("Duplicate rows"))

    def delete(self) -> None:
        chosen = self.selected()
        if chosen:
            self.undo.push(RemoveRows(self.model, chosen, tr("Delete {n} rows").format(n=len(chosen))))
            self.select(min(chosen[0], len(self.model.document) - 1))

    def move(self, step: int) -> None:
        """Move the selected block of rows one place up (-1) or down (+1)."""
        chosen = self.selected()
        if not chosen or chosen[-1] - chosen[0] + 1 != len(chosen):
            return  # only a contiguous block moves
        first, last = chosen[0], chosen[-1]
        rows = self.model.document.rows
        if (step < 0 and first == 0) or (step > 0 and last == len(rows) - 1):
            return
        if step < 0:
            start, new = first - 1, [*rows[first:last + 1], rows[first - 1]]
        else:
            start, new = first, [rows[last + 1], *rows[first:last + 1]]
        self.undo.push(ReplaceRows(self.model, start, new, tr("Move rows")))
        self.select(first + step, len(chosen))

    def copy(self, as_tsv: bool) -> None:
        rows = [self.model.document.rows[i] for i in self.selected()]
        if rows:
            QApplication.clipboard().setText(rows_to_tsv(rows, self.model.document.format) if as_tsv
                                             else rows_to_jsonl(rows))

    def paste(self) -> int:
        """Paste rows from the clipboard below the selection; returns how many."""
        rows = rows_from_text(QApplication.clipboard().text(), self.model.document.format)
        self.insert(rows, tr("Paste {n} rows").format(n=len(rows)))
        return len(rows)

    def apply(self, result: fixes.FixResult | Fixed, text: str, fmt: Format | None = None) -> None:
        """Put a previewed bulk fix into the table as one undoable step (with the check results it brings)."""
        if result.changed:
            results = result.results if isinstance(result, Fixed) else None
            self.undo.push(ReplaceAll(self.model, result.rows, fmt or self.model.document.format, text, results))
