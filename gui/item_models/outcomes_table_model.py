"""The validation set's table: each question, its expected answer, and each model's answer with its
similarity score as results arrive."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from core.evaluate import Outcome
from core.i18n import tr
from gui.widgets.plain_text import tooltip

Index = QModelIndex | QPersistentModelIndex


class OutcomesModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.models: list[str] = []
        self.outcomes: list[Outcome | None] = []
        self.questions: list[tuple[str, str]] = []

    def start(self, models: list[str], questions: list[tuple[str, str]]) -> None:
        self.beginResetModel()
        self.models, self.questions, self.outcomes = models, questions, [None] * len(questions)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.questions)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2 + 2 * len(self.models)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        titles = [tr("Question"), tr("Expected")]
        for model in self.models:
            titles += [model, tr("Similarity")]
        return titles[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        text = self._text(index.row(), index.column())
        return tooltip(text) if role == Qt.ItemDataRole.ToolTipRole else text

    def _text(self, row: int, column: int) -> str:
        outcome = self.outcomes[row]
        if column < 2:
            return self.questions[row][column]
        if outcome is None:
            return "…"
        model, is_score = divmod(column - 2, 2)
        if is_score:
            return f"{outcome.scores[model]:.0%}"
        return outcome.answers[model] or outcome.errors[model]

    def set_outcome(self, row: int, outcome: Outcome) -> None:
        self.outcomes[row] = outcome
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
