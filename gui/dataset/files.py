"""Files for the Dataset tab: new, templates, open (progressive), save, export, recent files, autosave
and crash recovery, and offering to reload the open file when another program changes it."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from PySide6.QtCore import QDateTime, QLocale, QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMenu, QWidget

from core.background import run_blocking
from core.dataset import autosave, fixes
from core.dataset.cells import save_csv
from core.dataset.document import Document
from core.dataset.io import read_rows, save_jsonl
from core.dataset.model import Row, SourceInfo
from core.dataset.sources import origin_name
from core.i18n import tr
from core.paths import resource_path
from core.profiles import ProfileService
from core.settings import RECENT_FILES
from gui.dataset.commands import ReplaceAll
from gui.dataset.disk_watch import DiskWatch
from gui.dataset.loading import FileLoad, new_document
from gui.item_models.dataset_table_model import DatasetTableModel
from gui.tasks import Tasks
from gui.widgets.dialogs import DATASET_FILTER, Button, ask, choose_file
from gui.widgets.message_bar import MessageBar

AUTOSAVE_MS = 30_000
OPENING = "open"  # the name of the file being read in the tab's tasks


class Files(QObject):
    title_changed = Signal()
    document_shown = Signal()  # another document is in the table: filters no longer apply
    rows_to_check = Signal()  # rows of a new or opened document wait for their checks and a report
    loading_changed = Signal(bool)  # a file is being read into the table (it is read-only meanwhile)
    progress = Signal(int)  # percent of the file read
    ready_for_training = Signal(object)  # the saved JSONL file's Path

    def __init__(self, model: DatasetTableModel, undo: QUndoStack, service: ProfileService, tasks: Tasks,
                 messages: MessageBar, recent_menu: QMenu, parent: QWidget) -> None:
        super().__init__(parent)
        self.model, self.undo, self.service, self.tasks = model, undo, service, tasks
        self.messages, self.recent_menu, self.dialog_parent = messages, recent_menu, parent
        self.disk_bar, self.recovery_bar = MessageBar(), MessageBar()
        self.autosave_name = uuid.uuid4().hex
        self._changes = self._autosaved_changes = 0  # edits made / edits in the last autosave
        self._shown_progress = 0
        self.recovered: autosave.Autosave | None = None
        self.disk = DiskWatch(self)
        self.timer = QTimer(self, interval=AUTOSAVE_MS, timeout=lambda: tasks.run(self.autosave()))
        self.timer.start()
        undo.indexChanged.connect(self._count_change)
        self.disk.changed.connect(self._changed_on_disk)
        self.disk_bar.action_clicked.connect(lambda: tasks.run(self.open_path(self.document.path, ask_first=False)))
        self.recovery_bar.action_clicked.connect(lambda: tasks.run(self.restore()))
        self._fill_recent()

    @property
    def document(self) -> Document:
        return self.model.document

    @property
    def dirty(self) -> bool:
        return not self.undo.isClean()

    def name(self) -> str:
        return self.document.path.name if self.document.path else tr("Untitled dataset")

    # -- new and open -------------------------------------------------------------------------------------
    async def may_discard(self) -> bool:
        """True when there is nothing unsaved, or the user saved it or chose to lose it."""
        if not self.dirty:
            return True
        answer = await ask(self.dialog_parent, tr("Unsaved changes"), tr("Save the changes to {name}?").format(
                               name=self.name()), Button.Save | Button.Discard | Button.Cancel, Button.Save,
                           tr("If you don't save, your changes since the last save are lost."))
        if answer == Button.Save:
            return await self.save()
        return answer == Button.Discard

    def _show(self, document: Document) -> None:
        """Put ``document`` in the table; a file still opening is abandoned (it no longer owns the table)."""
        self.cancel_load()
        self.loading_changed.emit(False)
        self.model.reset(document)
        self.undo.clear()
        self.document_shown.emit()
        self.disk.watch(document.path)
        self.title_changed.emit()

    async def new(self, template: str | None) -> None:
        if not await self.may_discard():
            return
        rows = read_rows(resource_path("templates") / f"{template}.jsonl")[0] if template else []
        self._show(new_document(rows, self.document.model))
        self.rows_to_check.emit()

    async def open_dialog(self) -> None:
        path = await choose_file(self.dialog_parent, tr("Open a dataset"), DATASET_FILTER)
        if path is not None:
            await self.open_path(path)

    async def open_path(self, path: Path | None, ask_first: bool = True) -> bool:
        """Read ``path`` into the table; False when it was not opened (cancelled, unreadable: the reason is
        shown)."""
        if path is None or (ask_first and not await self.may_discard()):
            return False
        self.disk_bar.hide()
        self.messages.hide()
        opening = Document(model=self.document.model, path=path)
        self._show(opening)
        self.loading_changed.emit(True)
        self._shown_progress = 0
        try:
            info = await self.tasks.replace(OPENING, FileLoad(self.model, path, self._progress).run())
        except asyncio.CancelledError:
            info = None
        if not isinstance(info, SourceInfo):  # cancelled, or it could not be read (the reason is shown)
            if self.model.document is opening:  # not replaced by another document: never leave half a file
                self._show(Document(model=opening.model))  # editable
            return False
        self.loading_changed.emit(False)
        self.document.info = info
        self._remember(path)
        self.disk.watch(path)
        self._tell_what_was_opened(path)
        self.rows_to_check.emit()
        return True

    def _tell_what_was_opened(self, path: Path) -> None:
        """Say how a file was read when it was not plain OpenAI JSONL in UTF-8."""
        info, converted = self.document.info, self._converted()
        if info is None or not (converted or info.mapping or info.encoding not in ("utf-8", "utf-8-sig")
                                or info.kind != "jsonl"):
            return
        kind = info.kind.upper() + (f" ({converted})" if converted else "")
        self.messages.show_info(tr("Opened {name}: {kind}, {encoding}.").format(
            name=path.name, kind=kind, encoding=info.encoding),
            "; ".join(info.mapping) + (" — " if info.mapping else "") +
            tr("Rows are shown in OpenAI's format; saving writes a UTF-8 JSONL file beside it."))

    def close(self) -> None:
        """The window is closing and the user has saved or chosen to lose the changes: no autosave is left."""
        self.timer.stop()
        self.cancel_load()
        autosave.discard(autosave.autosave_dir() / f"{self.autosave_name}.jsonl")

    def cancel_load(self) -> None:
        self.tasks.cancel(OPENING)

    def _progress(self, done: int, total: int) -> None:
        value = int(done / max(total, 1) * 100)
        if value >= self._shown_progress + 5 or value == 100:  # each step repaints at once: not too often
            self._shown_progress = value
            self.progress.emit(value)

    # -- save and export ---------------------------------------------------------------------------------
    def _converted(self) -> str:
        """The source format the open rows were converted from ("" when they are OpenAI rows as read)."""
        if self.document.info is None:  # saved since it was opened: the file on disk is OpenAI JSONL now
            return ""
        return next((origin_name(row.origin) for row in self.document.rows if row.origin), "")

    async def save(self, ask_path: bool = False) -> bool:
        path = self.document.path
        # A CSV, a workbook or a file in another tool's format is never overwritten with OpenAI JSONL.
        if ask_path or path is None or path.suffix.lower() != ".jsonl" or self._converted():
            suggested = path.with_suffix(".jsonl") if path else Path.home() / "dataset.jsonl"
            path = await choose_file(self.dialog_parent, tr("Save the dataset"), "JSONL (*.jsonl)", save=True,
                                     suggested=suggested)
            if path is None:
                return False
        rows = list(self.document.rows)
        await run_blocking(save_jsonl, path, rows)
        self.document.path, self.document.info = path, None
        self.undo.setClean()
        self.disk.watch(path)
        self._remember(path)
        autosave.discard(autosave.autosave_dir() / f"{self.autosave_name}.jsonl")
        self.messages.show_info(tr("Saved {n} examples to {name}.").format(n=len(rows), name=path.name))
        self.title_changed.emit()
        return True

    async def export_split(self) -> None:
        base = await choose_file(self.dialog_parent, tr("Export training and validation files"), "JSONL (*.jsonl)",
                                 save=True, suggested=(self.document.path or Path.home() / "dataset.jsonl"))
        if base is None or not self.document.rows:
            return
        train, valid = fixes.split(list(self.document.rows), 0.1, seed=0)
        paths = (base.with_name(base.stem + "_train.jsonl"), base.with_name(base.stem + "_validation.jsonl"))
        for path, rows in zip(paths, (train, valid), strict=True):
            await run_blocking(save_jsonl, path, rows)
        self.messages.show_info(tr("Wrote {train} training examples to {a} and {valid} validation examples to "
                                   "{b}.").format(train=len(train), valid=len(valid), a=paths[0].name,
                                                  b=paths[1].name))

    async def export_csv(self) -> None:
        suggested = (self.document.path or Path.home() / "dataset").with_suffix(".csv")
        path = await choose_file(self.dialog_parent, tr("Export as CSV"), "CSV (*.csv)", save=True,
                                 suggested=suggested)
        if path is None:
            return
        rows = list(self.document.rows)
        await run_blocking(save_csv, path, rows, self.document.format)
        self.messages.show_info(tr("Wrote {n} rows to {name}.").format(n=len(rows), name=path.name))

    async def send_to_training(self) -> None:
        path = self.document.path
        if (self.dirty or path is None or path.suffix.lower() != ".jsonl") and not await self.save():
            return
        self.ready_for_training.emit(self.document.path)

    # -- recent files and the file on disk --------------------------------------------------------------
    def _remember(self, path: Path) -> None:
        settings = self.service.settings
        recent = (str(path), *[f for f in settings.recent_files if f != str(path)])[:RECENT_FILES]
        self.service.update(recent_files=recent)
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for name in self.service.settings.recent_files:
            self.recent_menu.addAction(name, lambda n=name: self.tasks.run(self.open_path(Path(n))))
        self.recent_menu.setEnabled(bool(self.service.settings.recent_files))

    def _changed_on_disk(self, path: Path) -> None:
        self.disk_bar.show_warning(tr("{name} was changed by another program.").format(name=path.name),
                                   tr("Reload it to see those changes; your unsaved edits here would be lost."),
                                   tr("Reload"))

    # -- autosave and recovery ----------------------------------------------------------------------------
    def _count_change(self, _index: int) -> None:
        self._changes += 1

    async def autosave(self) -> None:
        if not self.dirty or self._changes == self._autosaved_changes:
            return
        self._autosaved_changes = self._changes
        rows, document = list(self.document.rows), self.document
        await run_blocking(autosave.write, self.autosave_name, rows, document.path, document.format)

    def offer_recovery(self) -> None:
        found = autosave.leftovers()
        if not found:
            return
        entry = found[0]
        when = QLocale().toString(QDateTime.fromSecsSinceEpoch(int(entry.saved_at)), QLocale.FormatType.ShortFormat)
        source = Path(entry.source).name if entry.source else tr("a new dataset")
        self.recovery_bar.show_info(
            tr("FineTune Studio closed without saving {n} rows of {name} (autosaved {when}).").format(
                n=entry.rows, name=source, when=when),
            tr("Restore them to keep working; save them to keep them."), tr("Restore"))
        self.recovered = entry

    async def restore(self) -> None:
        entry = self.recovered
        if entry is None or not await self.may_discard():
            return
        rows: list[Row] = await run_blocking(autosave.restore, entry)
        source = Path(entry.source) if entry.source.lower().endswith(".jsonl") else None  # never over a CSV
        self._show(Document(model=self.document.model, path=source))
        self.undo.push(ReplaceAll(self.model, rows, entry.format, tr("Restore unsaved work")))
        autosave.discard(entry.rows_path)
        self.recovery_bar.hide()
