"""The Dataset tab: the table editor over the dataset engine. Files, autosave and recovery live in
gui/dataset/files.py; edits in gui/dataset/editing.py; this module lays the tab out and wires it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence, QPainter, QPixmap, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.dataset.cells import TEXT_COLUMNS, Column
from core.dataset.document import report_of
from core.dataset.tokens import encoding, encoding_name_for
from core.errors import CoreError
from core.profiles import ProfileService
from gui.dataset.actions import DatasetActions
from gui.dataset.editing import Editing
from gui.dataset.files import Files
from gui.dataset.fix_menu import FixMenu
from gui.dataset.loading import check_pending
from gui.dataset.problems_panel import ProblemsPanel
from gui.dataset.row_editor import RowEditor
from gui.dataset.summary_bar import SummaryBar
from gui.models.dataset_table_model import DatasetTableModel
from gui.tasks import Tasks
from gui.widgets.message_bar import MessageBar
from gui.widgets.retranslating import Retranslating

ROLES = ("", "system", "user", "assistant", "tool")


class DatasetTab(Retranslating, QWidget):
    title_changed = Signal()
    send_to_training = Signal(object)  # the saved file's Path

    def __init__(self, service: ProfileService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._report_task: asyncio.Task[None] | None = None
        self._pending_task: asyncio.Task[None] | None = None
        self.undo = QUndoStack(self)
        self.model = DatasetTableModel()
        self.model.document.model = service.settings.dataset_model
        self.view = QTableView()
        self.actions = DatasetActions(self)
        self.editing = Editing(self.model, self.view, self.undo)
        self.messages, self.recovery_bar, self.disk_bar = MessageBar(), MessageBar(), MessageBar()
        self.tasks = Tasks(self.messages, "dataset")
        self.search, self.role_filter, self.problems_only = QLineEdit(), QComboBox(), QCheckBox()
        self.shown_label = QLabel()
        self.row_editor, self.problems = RowEditor(), ProblemsPanel()
        self.summary = SummaryBar(service.settings.dataset_model)
        self.progress, self.cancel_button = QProgressBar(maximum=100), QPushButton()
        self.undo_action = QAction(self, shortcut=QKeySequence.StandardKey.Undo, enabled=False)
        self.redo_action = QAction(self, shortcut=QKeySequence.StandardKey.Redo, enabled=False)
        self.undo_action.triggered.connect(self.undo.undo)
        self.redo_action.triggered.connect(self.undo.redo)
        self.undo.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo.undoTextChanged.connect(lambda text: self.undo_action.setToolTip(text))
        self.undo.redoTextChanged.connect(lambda text: self.redo_action.setToolTip(text))
        self.addActions([self.undo_action, self.redo_action])
        self.toolbar = self.actions.toolbar(self.undo_action, self.redo_action)
        self.files = Files(self)
        self.fix_menu = FixMenu(self)
        self._build_layout()
        self._connect()
        self.retranslate()
        self.files.offer_recovery()

    # -- layout -------------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.model.modelReset.connect(self._fit_columns)
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring: smooth at 100,000 rows
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.search.setClearButtonEnabled(True)
        self.role_filter.addItems([""] * len(ROLES))
        filters = QHBoxLayout()
        for widget in (self.search, self.role_filter, self.problems_only, self.shown_label):
            filters.addWidget(widget)
        filters.setStretch(0, 1)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.view)
        left.addWidget(self.problems)
        left.setSizes([500, 160])
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.row_editor)
        split.setSizes([700, 400])
        loading = QHBoxLayout()
        loading.addWidget(self.progress, 1)
        loading.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        for bar in (self.messages, self.recovery_bar, self.disk_bar):
            layout.addWidget(bar)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addLayout(loading)
        layout.addWidget(self.summary)
        self.set_loading(False)
        self._fit_columns()
        self.setAcceptDrops(True)

    def _fit_columns(self) -> None:
        """Texts share the width; counts and the status get a fixed width (sizing them to their contents
        would measure cells again after every batch of a 100,000-row load)."""
        header, metrics = self.view.horizontalHeader(), self.fontMetrics()
        for index, column in enumerate(self.model.columns):
            if column in TEXT_COLUMNS[self.model.document.format]:
                header.setSectionResizeMode(index, QHeaderView.ResizeMode.Stretch)
                continue
            title = str(self.model.headerData(index, Qt.Orientation.Horizontal))
            widest = max(metrics.horizontalAdvance(text) for text in (title, "100,000", self.tr("checking…")))
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(index, widest + (40 if column is Column.STATUS else 16))

    def _connect(self) -> None:
        a, e = self.actions, self.editing
        a.add_row.triggered.connect(e.add_row)
        a.duplicate.triggered.connect(e.duplicate)
        a.delete.triggered.connect(e.delete)
        a.move_up.triggered.connect(lambda: e.move(-1))
        a.move_down.triggered.connect(lambda: e.move(1))
        a.copy.triggered.connect(lambda: e.copy(as_tsv=False))
        a.copy_tsv.triggered.connect(lambda: e.copy(as_tsv=True))
        a.paste.triggered.connect(self._paste)
        a.find.triggered.connect(lambda: self.search.setFocus())
        self.view.addActions([a.copy, a.copy_tsv, a.paste, a.duplicate, a.delete])
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_current_row())
        self.row_editor.applied.connect(self._row_edited)
        for signal in (self.model.dataChanged, self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self.schedule_report)
        self.model.dataChanged.connect(lambda *_: self._show_current_row(only_if_untouched=True))
        self.undo.cleanChanged.connect(self._after_change)
        self.undo.indexChanged.connect(self._after_change)
        self._search_timer = QTimer(self, singleShot=True, interval=250, timeout=self.apply_filter)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.role_filter.currentIndexChanged.connect(lambda _: self.apply_filter())
        self.problems_only.toggled.connect(lambda _: self.apply_filter())
        self.problems.group_chosen.connect(lambda code: self.apply_filter(codes=frozenset({code})))
        self.problems.row_chosen.connect(self._go_to_problem)
        self.problems.fix_chosen.connect(lambda _code: self.actions.to_chat.trigger())
        self.summary.model_changed.connect(self._model_changed)
        self.summary.send_clicked.connect(lambda: self.run(self.files.send_to_training()))
        self.cancel_button.clicked.connect(self.files.cancel_load)
        self.messages.action_clicked.connect(lambda: self.run(self.files.open_dialog()))


    def retranslate(self) -> None:
        self.actions.retranslate()
        self.undo_action.setText(self.tr("Undo"))
        self.redo_action.setText(self.tr("Redo"))
        self.search.setPlaceholderText(self.tr("Search the examples (Ctrl+F)"))
        names = (self.tr("All roles"), self.tr("System"), self.tr("User"), self.tr("Assistant"), self.tr("Tool"))
        for index, name in enumerate(names):
            self.role_filter.setItemText(index, name)
        self.role_filter.setToolTip(self.tr("Search only in messages of this role"))
        self.problems_only.setText(self.tr("Only rows with problems"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(self.model.columnCount() - 1, 0))
        self._fit_columns()
        self._show_shown()
        self.schedule_report()

    # -- background work ------------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load what the first opened file needs while the app is idle: the fallback font for Chinese text
        (about 0.1 s on first use) and the tokenizer (about 0.4 s), so opening never waits for them."""
        canvas = QPixmap(64, 16)
        painter = QPainter(canvas)
        painter.drawText(0, 12, "中文样本 Example")
        painter.end()
        name = encoding_name_for(self.model.document.model)
        self.run(asyncio.get_running_loop().run_in_executor(None, encoding, name))

    def run(self, coroutine: Awaitable[object]) -> asyncio.Task[object]:
        """Run a coroutine of this tab, keeping it referenced and showing its CoreErrors."""
        return self.tasks.run(coroutine)

    def cancel_tasks(self) -> None:
        self.files.close()
        self.tasks.cancel_all(self._report_task, self._pending_task)

    def set_loading(self, loading: bool) -> None:
        self.model.read_only = loading
        self.progress.setVisible(loading)
        self.cancel_button.setVisible(loading)
        self.progress.setValue(0)

    def check_pending(self) -> None:
        if self._pending_task is None or self._pending_task.done():
            self._pending_task = asyncio.ensure_future(check_pending(self.model))

    def schedule_report(self, *_: object) -> None:
        """Work the summary out again soon (edits come in bursts; one report after them is enough)."""
        if self._report_task is not None:
            self._report_task.cancel()
        self._report_task = asyncio.ensure_future(self._report())

    async def _report(self) -> None:
        await asyncio.sleep(0.15)
        document = self.model.document
        if self.model.read_only:
            self.summary.show_report(None, loading=True)
            return  # while a file opens; its end brings a report
        if not len(document) and document.path is None:
            self.summary.show_report(None)
            self.problems.show_report(None)
            return
        results = list(document.results)
        report = await asyncio.get_running_loop().run_in_executor(
            None, report_of, results, document.format, document.model, 0)
        checking = self.model.read_only or any(r is None for r in results)
        self.summary.show_report(report, loading=checking)
        self.problems.show_report(report)

    # -- editing ----------------------------------------------------------------------------------------
    def _after_change(self, *_: object) -> None:
        self.title_changed.emit()
        self.check_pending()

    def _paste(self) -> None:
        try:
            count = self.editing.paste()
        except CoreError as error:
            self.messages.show_error(error.user_message, error.hint)
            return
        if not count:
            self.messages.show_info(self.tr("The clipboard holds no rows to paste."),
                                    self.tr("Copy JSONL lines, or cells from Excel, then paste again."))

    def _row_edited(self, row: object) -> None:
        index = self.model.doc_index(self.view.currentIndex().row()) if self.view.currentIndex().isValid() else -1
        if 0 <= index < len(self.model.document):
            self.editing.replace(index, row, self.tr("Edit row {n}").format(n=index + 1))  # type: ignore[arg-type]

    def _show_current_row(self, only_if_untouched: bool = False) -> None:
        current = self.view.currentIndex()
        if not current.isValid():
            self.row_editor.show_row(None, 0)
            return
        index = self.model.doc_index(current.row())
        row = self.model.document.rows[index]
        if only_if_untouched and self.row_editor.row is row:
            return
        self.row_editor.show_row(row, index + 1)

    def _go_to_problem(self, index: int, code: str) -> None:
        if self.model.view_row(index) is None:
            self.apply_filter(clear=True)
        self.editing.select(index)
        columns = TEXT_COLUMNS[self.model.document.format]
        target = {"empty_content": 1, "no_assistant": 2, "missing_completion": 1}.get(code, 0)
        row = self.model.view_row(index)
        if row is not None:
            self.view.setCurrentIndex(self.model.index(row, min(target, len(columns) - 1)))
        self.view.setFocus()

    def _model_changed(self, name: str) -> None:
        name = name.strip()
        if not name:
            return
        self.service.update(dataset_model=name)
        if self.model.document.set_model(name):
            self.model.uncheck_all()
            self.check_pending()
        self.schedule_report()

    # -- filters --------------------------------------------------------------------------------------
    def apply_filter(self, codes: frozenset[str] = frozenset(), clear: bool = False) -> None:
        if clear:
            for widget in (self.search, self.role_filter, self.problems_only):
                widget.blockSignals(True)
            self.search.clear()
            self.role_filter.setCurrentIndex(0)
            self.problems_only.setChecked(False)
            for widget in (self.search, self.role_filter, self.problems_only):
                widget.blockSignals(False)
        text, role = self.search.text().strip(), ROLES[self.role_filter.currentIndex()]
        if not (text or role or codes or self.problems_only.isChecked()):
            self.model.set_visible(None)
        else:
            self.model.set_visible(self.model.document.matching(text, role, codes, self.problems_only.isChecked()))
        self._show_shown()

    def _show_shown(self) -> None:
        visible = self.model.visible
        self.shown_label.setText("" if visible is None else self.tr("{shown} of {total} rows shown").format(
            shown=f"{len(visible):,}", total=f"{len(self.model.document):,}"))

    # -- drag and drop -----------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = [url for url in event.mimeData().urls() if url.isLocalFile()]
        if urls:
            event.acceptProposedAction()
            self.run(self.files.open_path(Path(urls[0].toLocalFile())))
