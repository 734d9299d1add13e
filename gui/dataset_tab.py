"""The Dataset tab: the table editor over the dataset engine. Files, autosave and recovery live in
gui/dataset/files.py, edits in gui/dataset/editing.py, the checks and the report in gui/dataset/checking.py;
this module lays the tab out, wires its parts together and is what the main window talks to."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

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
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.background import run_blocking
from core.dataset.cells import TEXT_COLUMNS, Column
from core.dataset.model import Format, Row
from core.dataset.tokens import encoding, encoding_name_for
from core.errors import CoreError
from core.profiles import ProfileService
from gui import icons
from gui.dataset.actions import DatasetActions
from gui.dataset.checking import Checking
from gui.dataset.editing import Editing
from gui.dataset.files import Files
from gui.dataset.fix_menu import FixMenu
from gui.dataset.grow_dialog import GrowDialog
from gui.dataset.growing import Growing
from gui.dataset.problems_panel import ProblemsPanel
from gui.dataset.row_editor import RowEditor
from gui.dataset.start_panel import StartPanel
from gui.dataset.summary_bar import SummaryBar
from gui.item_models.dataset_table_model import DatasetTableModel
from gui.tasks import Tasks
from gui.widgets.dialogs import choose_file
from gui.widgets.message_bar import MessageBar
from gui.widgets.retranslating import Retranslating

ROLES = ("", "system", "user", "assistant", "tool")


class DatasetTab(Retranslating, QWidget):
    title_changed = Signal()
    send_to_training = Signal(object)  # the saved file's Path
    practise = Signal()  # open the demo project in the Sandbox

    def __init__(self, service: ProfileService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.undo = QUndoStack(self)
        self.model = DatasetTableModel()
        self.model.document.model = service.settings.dataset_model
        self.view = QTableView()
        self.actions = DatasetActions(self)
        self.editing = Editing(self.model, self.view, self.undo)
        self.messages = MessageBar()
        self.tasks = Tasks(self.messages.show_error, "dataset")
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
        self.files = Files(self.model, self.undo, service, self.tasks, self.messages, self.actions.recent_menu, self)
        self.fix_menu = FixMenu(self.actions, self.editing, self.tasks, self.messages, self)
        self.checking = Checking(self.model, self.summary, self.problems, self.tasks, self)
        self.growing = Growing(service, self.model, self.undo, self.tasks, self)
        self._build_layout()
        self._connect()
        self._connect_files()
        self.retranslate()
        self.files.offer_recovery()
        self.run(self.growing.restore())

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
        self.start = StartPanel(self.view, self.actions)
        self.start.practise.connect(self.practise)
        self.left = left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.start)
        left.addWidget(self.growing.queue)
        left.addWidget(self.problems)
        left.setSizes([500, 300, 160])
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.row_editor)
        split.setSizes([700, 400])
        loading = QHBoxLayout()
        loading.addWidget(self.progress, 1)
        loading.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        for bar in (self.messages, self.files.recovery_bar, self.files.disk_bar):
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
        a.grow.triggered.connect(self.open_grow_dialog)
        a.review_file.triggered.connect(lambda: self.run(self._open_review_file()))
        self.growing.finished.connect(self.messages.show_info)
        icons.notifier().changed.connect(self._icons_changed)  # a slot of the tab: it goes with the tab
        self.growing.started.connect(lambda: QTimer.singleShot(0, lambda: self.left.setSizes([300, 400, 80])))
        self.view.addActions([a.copy, a.copy_tsv, a.paste, a.duplicate, a.delete])
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_current_row())
        self.row_editor.applied.connect(self._row_edited)
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

    def _connect_files(self) -> None:
        files, a = self.files, self.actions
        a.new.triggered.connect(lambda: self.run(files.new(None)))
        for name, action in a.templates.items():
            action.triggered.connect(lambda _=False, n=name: self.run(files.new(n)))
        a.open.triggered.connect(lambda: self.run(files.open_dialog()))
        a.save.triggered.connect(lambda: self.run(files.save()))
        a.save_as.triggered.connect(lambda: self.run(files.save(ask_path=True)))
        a.export_split.triggered.connect(lambda: self.run(files.export_split()))
        a.export_csv.triggered.connect(lambda: self.run(files.export_csv()))
        self.summary.send_clicked.connect(lambda: self.run(files.send_to_training()))
        self.cancel_button.clicked.connect(files.cancel_load)
        self.messages.action_clicked.connect(lambda: self.run(files.open_dialog()))
        files.title_changed.connect(self.title_changed)
        files.document_shown.connect(lambda: self.apply_filter(clear=True))
        files.document_shown.connect(lambda: self.start.set_empty(False))
        files.rows_to_check.connect(lambda: (self.checking.check_pending(), self.checking.schedule_report()))
        files.loading_changed.connect(self.set_loading)
        files.progress.connect(self.progress.setValue)
        files.ready_for_training.connect(self.send_to_training)
        self.cancel_button.clicked.connect(self.fix_menu.cancel)
        self.fix_menu.busy.connect(self.show_fixing)
        self.fix_menu.progress.connect(self.progress.setValue)

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
        self.checking.schedule_report()

    # -- what MainWindow calls -------------------------------------------------------------------------
    def add_file_actions(self, menu: QMenu) -> None:
        """The tab's file commands in the window's File menu."""
        a = self.actions
        menu.addActions([a.new, a.open])
        menu.addMenu(a.recent_menu)
        menu.addActions([a.save, a.save_as])
        menu.addMenu(a.export_menu)

    def document_name(self) -> str:
        return self.files.name()

    def has_unsaved_changes(self) -> bool:
        return self.files.dirty

    def has_recovery(self) -> bool:
        """Whether unsaved work of an earlier run waits to be restored."""
        return self.files.recovered is not None

    async def may_discard(self) -> bool:
        """True when nothing is unsaved, or the user saved it or chose to lose it."""
        return await self.files.may_discard()

    def open_file(self, path: Path, message: str = "", hint: str = "") -> None:
        """Open ``path`` (after asking about unsaved changes); once it is open, show ``message``."""
        async def open_and_tell() -> None:
            if await self.files.open_path(path) and message:
                self.messages.show_info(message, hint)

        self.run(open_and_tell())

    def add_example(self, row: Row, undo_text: str) -> None:
        """Add ``row`` below the selection, as one undoable step."""
        self.editing.insert([row], undo_text)

    def open_grow_dialog(self) -> None:
        """Grow dataset…: from the selected rows, the whole file or a document; new rows go to the review queue."""
        document = self.model.document
        if document.rows and document.format not in (Format.CHAT, Format.UNKNOWN):
            self.messages.show_error(self.tr("New rows can be grown from chat examples only."),
                                     self.tr("Convert the file to chat first (Fix → Convert to chat)."))
            return
        selected = [document.rows[i] for i in self.editing.selected()]
        dialog = GrowDialog(self.service, selected, list(document.rows), self)
        dialog.chosen.connect(self.growing.start)
        dialog.open()

    async def _open_review_file(self) -> None:
        path = await choose_file(self, self.tr("Review new rows from a file"), self.tr("Review files (*.jsonl)"))
        if path is not None:
            await self.growing.open_review_file(path)

    def cancel_tasks(self) -> None:
        self.growing.keep()  # rows waiting for review outlive the window
        self.files.close()
        self.tasks.cancel_all()

    # -- background work ------------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load what the first opened file needs while the app is idle: the fallback font for Chinese text
        (about 0.1 s on first use) and the tokenizer (about 0.4 s), so opening never waits for them."""
        canvas = QPixmap(64, 16)
        painter = QPainter(canvas)
        painter.drawText(0, 12, "中文样本 Example")
        painter.end()
        name = encoding_name_for(self.model.document.model)
        self.run(run_blocking(encoding, name))

    def run(self, coroutine: Coroutine[Any, Any, object]) -> asyncio.Task[object]:
        """Run a coroutine of this tab, keeping it referenced and showing its errors."""
        return self.tasks.run(coroutine)

    def set_loading(self, loading: bool) -> None:
        self.model.read_only = loading
        self.progress.setVisible(loading)
        self.cancel_button.setVisible(loading)
        self.progress.setValue(0)

    def show_fixing(self, busy: bool) -> None:
        """A bulk fix is being worked out: its progress and Cancel show (the table stays editable; an edit
        meanwhile makes the fix be dropped rather than applied over it)."""
        self.progress.setValue(0)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)

    # -- editing ----------------------------------------------------------------------------------------
    def _icons_changed(self) -> None:
        self.model.icons_changed()

    def _after_change(self, *_: object) -> None:
        self.title_changed.emit()
        self.checking.check_pending()

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
            self.checking.check_pending()
        self.checking.schedule_report()

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
