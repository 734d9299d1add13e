"""Files for the Dataset tab: new, templates, open (progressive), save, export, recent files, autosave
and crash recovery, and noticing when another program changes the open file."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, QFileSystemWatcher, QLocale, QObject, QTimer

from core.dataset import autosave, fixes
from core.dataset.cells import save_csv
from core.dataset.document import Document
from core.dataset.io import read_rows, save_jsonl
from core.dataset.model import Row, SourceInfo
from core.dataset.sources import origin_name
from core.i18n import tr
from core.paths import resource_path
from core.settings import RECENT_FILES
from gui.dataset.commands import ReplaceAll
from gui.dataset.loading import FileLoad, new_document
from gui.widgets.dialogs import Button, ask, choose_file

if TYPE_CHECKING:
    from gui.dataset_tab import DatasetTab

AUTOSAVE_MS = 30_000
OPEN_FILTER = "Datasets (*.jsonl *.json *.csv *.tsv *.xlsx);;All files (*)"



def _stamp(path: Path) -> tuple[float, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime, stat.st_size


class Files(QObject):
    def __init__(self, tab: DatasetTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self._load_task: asyncio.Task[SourceInfo] | None = None
        self.autosave_name = uuid.uuid4().hex
        self._changes = self._autosaved_changes = 0  # edits made / edits in the last autosave
        tab.undo.indexChanged.connect(self._count_change)
        self.disk_stamp: tuple[float, int] | None = None
        self.recovered: autosave.Autosave | None = None
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._changed_on_disk)
        self.timer = QTimer(self, interval=AUTOSAVE_MS, timeout=lambda: tab.run(self.autosave()))
        self.timer.start()
        actions = tab.actions
        actions.new.triggered.connect(lambda: tab.run(self.new(None)))
        for name, action in actions.templates.items():
            action.triggered.connect(lambda _=False, n=name: tab.run(self.new(n)))
        actions.open.triggered.connect(lambda: tab.run(self.open_dialog()))
        actions.save.triggered.connect(lambda: tab.run(self.save()))
        actions.save_as.triggered.connect(lambda: tab.run(self.save(ask_path=True)))
        actions.export_split.triggered.connect(lambda: tab.run(self.export_split()))
        actions.export_csv.triggered.connect(lambda: tab.run(self.export_csv()))
        tab.disk_bar.action_clicked.connect(lambda: tab.run(self.open_path(self.document.path, ask_first=False)))
        tab.recovery_bar.action_clicked.connect(lambda: tab.run(self.restore()))
        self._fill_recent()

    @property
    def document(self) -> Document:
        return self.tab.model.document

    @property
    def dirty(self) -> bool:
        return not self.tab.undo.isClean()

    def name(self) -> str:
        return self.document.path.name if self.document.path else tr("Untitled dataset")

    # -- new and open -------------------------------------------------------------------------------------
    async def may_discard(self) -> bool:
        """True when there is nothing unsaved, or the user saved it or chose to lose it."""
        if not self.dirty:
            return True
        answer = await ask(self.tab, tr("Unsaved changes"), tr("Save the changes to {name}?").format(name=self.name()),
                           Button.Save | Button.Discard | Button.Cancel, Button.Save,
                           tr("If you don't save, your changes since the last save are lost."))
        if answer == Button.Save:
            return await self.save()
        return answer == Button.Discard

    def _show(self, document: Document) -> None:
        """Put ``document`` in the table; a file still opening is abandoned (it no longer owns the table)."""
        self.cancel_load()
        self._load_task = None
        self.tab.set_loading(False)
        self.tab.model.reset(document)
        self.tab.undo.clear()
        self.tab.apply_filter(clear=True)
        self._watch(document.path)
        self.tab.title_changed.emit()

    async def new(self, template: str | None) -> None:
        if not await self.may_discard():
            return
        rows = read_rows(resource_path("templates") / f"{template}.jsonl")[0] if template else []
        self._show(new_document(rows, self.document.model))
        self.tab.check_pending()

    async def open_dialog(self) -> None:
        path = await choose_file(self.tab, tr("Open a dataset"), OPEN_FILTER)
        if path is not None:
            await self.open_path(path)

    async def open_path(self, path: Path | None, ask_first: bool = True) -> None:
        if path is None or (ask_first and not await self.may_discard()):
            return
        self.tab.disk_bar.hide()
        self.tab.messages.hide()
        self._show(Document(model=self.document.model, path=path))
        self.tab.set_loading(True)
        task = self._load_task = asyncio.ensure_future(FileLoad(self.tab.model, path, self._progress).run())
        try:
            info = await task
        except BaseException as error:
            if self._load_task is task:  # not replaced by another document: never leave half a file editable
                self._show(Document(model=self.document.model))
            if isinstance(error, asyncio.CancelledError):
                return
            raise
        self.tab.set_loading(False)
        self.document.info = info
        self._remember(path)
        self._watch(path)
        converted = self._converted()
        if converted or info.mapping or info.encoding not in ("utf-8", "utf-8-sig") or info.kind != "jsonl":
            kind = info.kind.upper() + (f" ({converted})" if converted else "")
            self.tab.messages.show_info(tr("Opened {name}: {kind}, {encoding}.").format(
                name=path.name, kind=kind, encoding=info.encoding),
                "; ".join(info.mapping) + (" — " if info.mapping else "") +
                tr("Rows are shown in OpenAI's format; saving writes a UTF-8 JSONL file beside it."))
        self.tab.check_pending()
        self.tab.schedule_report()

    def close(self) -> None:
        """The window is closing and the user has saved or chosen to lose the changes: no autosave is left."""
        self.timer.stop()
        self.cancel_load()
        autosave.discard(autosave.autosave_dir() / f"{self.autosave_name}.jsonl")

    def cancel_load(self) -> None:
        if self._load_task is not None:
            self._load_task.cancel()

    def _progress(self, done: int, total: int) -> None:
        value = int(done / max(total, 1) * 100)
        if value >= self.tab.progress.value() + 5 or value == 100:  # each step repaints at once: not too often
            self.tab.progress.setValue(value)

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
            path = await choose_file(self.tab, tr("Save the dataset"), "JSONL (*.jsonl)", save=True,
                                     suggested=suggested)
            if path is None:
                return False
        rows = list(self.document.rows)
        await asyncio.get_running_loop().run_in_executor(None, save_jsonl, path, rows)
        self.document.path, self.document.info = path, None
        self.tab.undo.setClean()
        self._watch(path)
        self._remember(path)
        autosave.discard(autosave.autosave_dir() / f"{self.autosave_name}.jsonl")
        self.tab.messages.show_info(tr("Saved {n} examples to {name}.").format(n=len(rows), name=path.name))
        self.tab.title_changed.emit()
        return True

    async def export_split(self) -> None:
        base = await choose_file(self.tab, tr("Export training and validation files"), "JSONL (*.jsonl)",
                                 save=True, suggested=(self.document.path or Path.home() / "dataset.jsonl"))
        if base is None or not self.document.rows:
            return
        train, valid = fixes.split(list(self.document.rows), 0.1, seed=0)
        paths = (base.with_name(base.stem + "_train.jsonl"), base.with_name(base.stem + "_validation.jsonl"))
        loop = asyncio.get_running_loop()
        for path, rows in zip(paths, (train, valid), strict=True):
            await loop.run_in_executor(None, save_jsonl, path, rows)
        self.tab.messages.show_info(tr("Wrote {train} training examples to {a} and {valid} validation examples to "
                                       "{b}.").format(train=len(train), valid=len(valid), a=paths[0].name,
                                                      b=paths[1].name))

    async def export_csv(self) -> None:
        suggested = (self.document.path or Path.home() / "dataset").with_suffix(".csv")
        path = await choose_file(self.tab, tr("Export as CSV"), "CSV (*.csv)", save=True, suggested=suggested)
        if path is None:
            return
        rows = list(self.document.rows)
        await asyncio.get_running_loop().run_in_executor(None, save_csv, path, rows, self.document.format)
        self.tab.messages.show_info(tr("Wrote {n} rows to {name}.").format(n=len(rows), name=path.name))

    async def send_to_training(self) -> None:
        path = self.document.path
        if (self.dirty or path is None or path.suffix.lower() != ".jsonl") and not await self.save():
            return
        self.tab.send_to_training.emit(self.document.path)

    # -- recent files and the file on disk --------------------------------------------------------------
    def _remember(self, path: Path) -> None:
        settings = self.tab.service.settings
        recent = (str(path), *[f for f in settings.recent_files if f != str(path)])[:RECENT_FILES]
        self.tab.service.update(recent_files=recent)
        self._fill_recent()

    def _fill_recent(self) -> None:
        menu = self.tab.actions.recent_menu
        menu.clear()
        for name in self.tab.service.settings.recent_files:
            menu.addAction(name, lambda n=name: self.tab.run(self.open_path(Path(n))))
        menu.setEnabled(bool(self.tab.service.settings.recent_files))

    def _watch(self, path: Path | None) -> None:
        if self.watcher.files():
            self.watcher.removePaths(self.watcher.files())
        self.disk_stamp = _stamp(path) if path else None
        if path is not None and path.exists():
            self.watcher.addPath(str(path))

    def _changed_on_disk(self, name: str) -> None:
        path = self.document.path
        if path is None or str(path) != name or _stamp(path) == self.disk_stamp:
            return  # our own save, or a different file
        if str(path) not in self.watcher.files() and path.exists():
            self.watcher.addPath(str(path))  # editors that replace the file end the watch
        self.tab.disk_bar.show_warning(tr("{name} was changed by another program.").format(name=path.name),
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
        await asyncio.get_running_loop().run_in_executor(
            None, autosave.write, self.autosave_name, rows, document.path, document.format)

    def offer_recovery(self) -> None:
        found = autosave.leftovers()
        if not found:
            return
        entry = found[0]
        when = QLocale().toString(QDateTime.fromSecsSinceEpoch(int(entry.saved_at)), QLocale.FormatType.ShortFormat)
        source = Path(entry.source).name if entry.source else tr("a new dataset")
        self.tab.recovery_bar.show_info(
            tr("FineTune Studio closed without saving {n} rows of {name} (autosaved {when}).").format(
                n=entry.rows, name=source, when=when),
            tr("Restore them to keep working; save them to keep them."), tr("Restore"))
        self.recovered = entry

    async def restore(self) -> None:
        entry = self.recovered
        if entry is None or not await self.may_discard():
            return
        rows: list[Row] = await asyncio.get_running_loop().run_in_executor(None, autosave.restore, entry)
        source = Path(entry.source) if entry.source.lower().endswith(".jsonl") else None  # never over a CSV
        self._show(Document(model=self.document.model, path=source))
        self.tab.undo.push(ReplaceAll(self.tab.model, rows, entry.format, tr("Restore unsaved work")))
        autosave.discard(entry.rows_path)
        self.tab.recovery_bar.hide()
