"""Undoable steps of the review queue, on the Dataset tab's undo stack: accepting rows (they leave the queue
and join the file as ordinary rows, in one step), rejecting them, editing one. Undo puts each back exactly."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from core.dataset.model import Row
from core.grow import GeneratedRow
from gui.item_models.dataset_table_model import DatasetTableModel
from gui.item_models.review_table_model import ReviewTableModel


def accepted_row(generated: GeneratedRow) -> Row:
    """The row as it joins the file: an ordinary example, its "generated" label gone."""
    return Row(0, generated.row.data)


class TakeFromQueue(QUndoCommand):
    """Rows leave the queue (rejected, or accepted together with AddToFile)."""

    def __init__(self, queue: ReviewTableModel, indexes: list[int], text: str) -> None:
        super().__init__(text)
        self.queue, self.indexes = queue, indexes
        self.taken: list[tuple[int, GeneratedRow]] = []

    def redo(self) -> None:
        self.taken = self.queue.take(self.indexes)

    def undo(self) -> None:
        self.queue.insert(self.taken)


class AddToFile(QUndoCommand):
    """Accepted rows appended to the file."""

    def __init__(self, document: DatasetTableModel, rows: list[Row], text: str) -> None:
        super().__init__(text)
        self.document, self.rows = document, rows
        self.start = 0

    def redo(self) -> None:
        self.start = len(self.document.document)
        self.document.insert_rows(self.start, self.rows)

    def undo(self) -> None:
        self.document.remove_rows(self.start, len(self.rows))


class EditInQueue(QUndoCommand):
    def __init__(self, queue: ReviewTableModel, index: int, row: GeneratedRow, text: str) -> None:
        super().__init__(text)
        self.queue, self.index, self.row = queue, index, row

    def redo(self) -> None:
        self.row = self.queue.replace(self.index, self.row)

    def undo(self) -> None:
        self.redo()  # swaps back
