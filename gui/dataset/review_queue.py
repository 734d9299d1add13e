"""The review queue under the Dataset tab's table: generated rows wait here, labelled with where they came from,
until the user accepts, edits or rejects them; while they are written it shows the stage, progress, the cost so
far and Cancel. It only shows and asks: the Growing controller changes rows (as undoable steps)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.item_models.review_table_model import ANSWER, QUESTION, ReviewTableModel
from gui.theme import make_primary, text_role
from gui.widgets.plain_text import plain_label
from gui.widgets.retranslating import Retranslating


class ReviewQueue(Retranslating, QWidget):
    accept_chosen = Signal(list)  # queue indexes
    reject_chosen = Signal(list)
    edit_chosen = Signal(int)
    accept_all_chosen = Signal()
    cancel_chosen = Signal()
    hide_chosen = Signal()

    def __init__(self, model: ReviewTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review_queue")
        self.model = model
        self.title = text_role(plain_label(QLabel()), "title")
        self.status, self.cost = plain_label(QLabel(wordWrap=True)), plain_label(QLabel(wordWrap=True))
        self.progress, self.cancel_button = QProgressBar(), QPushButton()
        self.view = QTableView()
        self.accept_button, self.edit_button, self.reject_button = QPushButton(), QPushButton(), QPushButton()
        self.accept_all_button, self.hide_button = make_primary(QPushButton()), QPushButton()
        self._lay_out()
        self._connect()
        self.set_running(False)
        self.retranslate()

    def _lay_out(self) -> None:
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        for column in (QUESTION, ANSWER):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        running = QHBoxLayout()
        running.addWidget(self.status, 1)
        running.addWidget(self.progress)
        running.addWidget(self.cancel_button)
        buttons = QHBoxLayout()
        for button in (self.accept_button, self.edit_button, self.reject_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.hide_button)
        buttons.addWidget(self.accept_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(running)
        layout.addWidget(self.cost)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def _connect(self) -> None:
        self.accept_button.clicked.connect(lambda: self._chosen(self.accept_chosen))
        self.reject_button.clicked.connect(lambda: self._chosen(self.reject_chosen))
        self.edit_button.clicked.connect(self._edit)
        self.view.doubleClicked.connect(lambda index: self.edit_chosen.emit(index.row()))
        self.accept_all_button.clicked.connect(self.accept_all_chosen)
        self.cancel_button.clicked.connect(self.cancel_chosen)
        self.hide_button.clicked.connect(self.hide_chosen)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        for changed in (self.model.rowsInserted, self.model.rowsRemoved, self.model.dataChanged):
            changed.connect(lambda *_: (self._enable(), self._show_title()))

    def retranslate(self) -> None:
        self.accept_button.setText(self.tr("Accept"))
        self.accept_button.setToolTip(self.tr("Add the selected rows to the file"))
        self.edit_button.setText(self.tr("Edit…"))
        self.reject_button.setText(self.tr("Reject"))
        self.reject_button.setToolTip(self.tr("Drop the selected rows (Ctrl+Z brings them back)"))
        self.accept_all_button.setText(self.tr("Accept all remaining"))
        self.accept_all_button.setToolTip(self.tr("Add every row that has an answer to the file; rows with a "
                                                  "problem stay here"))
        self.hide_button.setText(self.tr("Hide"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        self._show_title()

    def _show_title(self) -> None:
        self.title.setText(self.tr("New rows to review: {n}. Nothing joins your file until you accept it.").format(
            n=self.model.rowCount()))

    def _selected(self) -> list[int]:
        return sorted({index.row() for index in self.view.selectionModel().selectedRows()})

    def _chosen(self, signal: Signal) -> None:
        chosen = self._selected()
        if chosen:
            signal.emit(chosen)  # type: ignore[attr-defined]

    def _edit(self) -> None:
        chosen = self._selected()
        if chosen:
            self.edit_chosen.emit(chosen[0])

    def _enable(self) -> None:
        chosen = self._selected()
        self.accept_button.setEnabled(bool(chosen) and all(not self.model.rows[i].error for i in chosen))
        self.reject_button.setEnabled(bool(chosen))
        self.edit_button.setEnabled(len(chosen) == 1)
        self.accept_all_button.setEnabled(any(not row.error for row in self.model.rows))

    # -- what Growing calls --------------------------------------------------------------------------------
    def set_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.hide_button.setEnabled(not running)

    def show_progress(self, status: str, made: int, wanted: int, cost: str) -> None:
        self.status.setText(status)
        self.progress.setMaximum(max(wanted, 1))
        self.progress.setValue(made)
        self.cost.setText(cost)
