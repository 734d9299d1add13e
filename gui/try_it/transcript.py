"""The conversation of Try it as one scrolled grid: a column per model, a row per question, so in the compare
view every question starts on the same line on both sides however long the answers before it were. It keeps
to the newest words while an answer streams, unless the user scrolled up to read."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QVBoxLayout, QWidget

FOLLOW_SLACK = 8  # pixels from the bottom that still count as "at the bottom"


class Transcript(QScrollArea):
    def __init__(self, columns: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.shown = [True] * columns
        self.follow = True
        self.row = -1  # the row of the current question
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalScrollBar().rangeChanged.connect(self._grown)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self._new_page()

    def _new_page(self) -> None:
        page = QWidget()
        page.setBackgroundRole(QPalette.ColorRole.Base)  # bubbles are tinted from the base colour
        page.setAutoFillBackground(True)
        self.grid = QGridLayout()
        self.grid.setVerticalSpacing(18)
        self.grid.setHorizontalSpacing(16)
        layout = QVBoxLayout(page)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.setWidget(page)  # the old page and its blocks are deleted
        self.row = -1
        for column in range(self.columns):
            self.show_column(column, self.shown[column])

    def _grown(self, _low: int, high: int) -> None:
        if self.follow:
            self.verticalScrollBar().setValue(high)

    def _scrolled(self, value: int) -> None:
        self.follow = value >= self.verticalScrollBar().maximum() - FOLLOW_SLACK

    def begin_turn(self) -> None:
        """The next question, asked of every shown column, starts a new row (and brings the view down to it)."""
        self.row += 1
        self.follow = True

    def place(self, column: int, block: QWidget) -> None:
        """``block`` in ``column``'s cell of the current row (a new row when that cell is taken)."""
        if self.row < 0 or self.grid.itemAtPosition(self.row, column) is not None:
            self.begin_turn()
        self.grid.addWidget(block, self.row, column, Qt.AlignmentFlag.AlignTop)
        block.setVisible(self.shown[column])

    def remove(self, block: QWidget) -> None:
        self.grid.removeWidget(block)
        block.deleteLater()
        if self.grid.count() == 0:
            self._new_page()

    def show_column(self, column: int, shown: bool) -> None:
        self.shown[column] = shown
        self.grid.setColumnStretch(column, 1 if shown else 0)
        for row in range(self.grid.rowCount()):
            item = self.grid.itemAtPosition(row, column)
            if item is not None and item.widget() is not None:
                item.widget().setVisible(shown)
