"""Undoable edits of the dataset table. Each command changes the model through one method and keeps
what it replaced, so undo puts back exactly the rows (and format) that were there."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QUndoCommand

from core.dataset.check import RowResult
from core.dataset.model import Format, Row
from gui.item_models.dataset_table_model import DatasetTableModel


class ReplaceRows(QUndoCommand):
    """Rows start.. replaced by the same number of rows (cell and row edits, moving rows)."""

    def __init__(self, model: DatasetTableModel, start: int, rows: Sequence[Row], text: str) -> None:
        super().__init__(text)
        self.model, self.start, self.rows = model, start, list(rows)
        self.old: list[Row] = []

    def redo(self) -> None:
        self.old = self.model.replace_rows(self.start, self.rows)

    def undo(self) -> None:
        self.model.replace_rows(self.start, self.old)


class InsertRows(QUndoCommand):
    def __init__(self, model: DatasetTableModel, start: int, rows: Sequence[Row], text: str) -> None:
        super().__init__(text)
        self.model, self.start, self.rows = model, start, list(rows)

    def redo(self) -> None:
        self.model.insert_rows(self.start, self.rows)

    def undo(self) -> None:
        self.model.remove_rows(self.start, len(self.rows))


def _ranges(indexes: Sequence[int]) -> list[tuple[int, int]]:
    """(start, count) of each run of consecutive indexes, in order."""
    ranges: list[tuple[int, int]] = []
    for index in sorted(set(indexes)):
        if ranges and ranges[-1][0] + ranges[-1][1] == index:
            ranges[-1] = (ranges[-1][0], ranges[-1][1] + 1)
        else:
            ranges.append((index, 1))
    return ranges


class RemoveRows(QUndoCommand):
    """Remove rows at any document indexes."""

    def __init__(self, model: DatasetTableModel, indexes: Sequence[int], text: str) -> None:
        super().__init__(text)
        self.model, self.ranges = model, _ranges(indexes)
        self.removed: list[list[Row]] = []

    def redo(self) -> None:
        self.removed = [self.model.remove_rows(start, count) for start, count in reversed(self.ranges)][::-1]

    def undo(self) -> None:
        for (start, _), rows in zip(self.ranges, self.removed, strict=True):
            self.model.insert_rows(start, rows)


class ReplaceAll(QUndoCommand):
    """Every row replaced at once: bulk fixes, restoring an autosave. The check results of both sides are
    kept, so neither redo nor undo checks 100,000 rows again (unless the base model changed meanwhile)."""

    def __init__(self, model: DatasetTableModel, rows: Sequence[Row], fmt: Format, text: str,
                 results: Sequence[RowResult | None] | None = None) -> None:
        super().__init__(text)
        self.model, self.rows, self.format = model, list(rows), fmt
        # Each side's results and the base model they were counted for.
        self.results = list(results) if results is not None else None
        self.results_model = model.document.model
        self.old: list[Row] = []
        self.old_results: list[RowResult | None] | None = None
        self.old_results_model = ""
        self.old_format = model.document.format

    def redo(self) -> None:
        document = self.model.document
        old_results, old_model = list(document.results), document.model
        self.old = self.model.set_all(self.rows, self.format,
                                      self.results if self.results_model == document.model else None)
        self.old_results, self.old_results_model = old_results, old_model

    def undo(self) -> None:
        document = self.model.document
        results, model = list(document.results), document.model  # with what was checked since redo
        self.model.set_all(self.old, self.old_format,
                           self.old_results if self.old_results_model == document.model else None)
        self.results, self.results_model = results, model
