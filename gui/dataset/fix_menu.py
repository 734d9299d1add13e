"""One-click fixes from the engine: each is worked out first, previewed (how many rows, one example of
before and after), and applied as one undoable step."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from core.dataset.cells import rows_to_jsonl
from core.dataset.model import Format, Row
from core.i18n import tr
from gui.dataset.actions import DatasetActions
from gui.dataset.bulk_fix import work_out
from gui.dataset.editing import Editing
from gui.tasks import Tasks
from gui.widgets.dialogs import Button, ask, ask_text
from gui.widgets.message_bar import MessageBar

PREVIEW_CHARS = 300
FIXING = "fix"  # the name of the fix being worked out in the tab's tasks


def _example(before: list[Row], after: list[Row]) -> str:
    """The first changed row, before and after (same-length fixes only)."""
    if len(before) != len(after):
        return ""
    for index, (old, new) in enumerate(zip(before, after, strict=True)):
        if old is not new and old.data != new.data:
            return tr("Row {n} before:\n{before}\n\nafter:\n{after}").format(
                n=index + 1, before=rows_to_jsonl([old])[:PREVIEW_CHARS], after=rows_to_jsonl([new])[:PREVIEW_CHARS])
    return ""


class FixMenu(QObject):
    busy = Signal(bool)  # a fix is being worked out (progress shown, Cancel offered)
    progress = Signal(int)  # percent of the rows done

    def __init__(self, actions: DatasetActions, editing: Editing, tasks: Tasks, messages: MessageBar,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.actions, self.editing, self.messages, self.dialog_parent = actions, editing, messages, parent
        self.tasks, self._shown = tasks, 0
        a = actions
        a.trim.triggered.connect(lambda: self.start(self.offer("trim", a.trim.text())))
        a.dedupe.triggered.connect(lambda: self.start(self.offer("dedupe", a.dedupe.text())))
        a.drop_empty.triggered.connect(lambda: self.start(self.offer("drop_empty", a.drop_empty.text())))
        a.to_chat.triggered.connect(lambda: self.start(self.offer("to_chat", a.to_chat.text(), fmt=Format.CHAT)))
        a.add_system.triggered.connect(lambda: self.start(self.add_system()))

    def start(self, coroutine: Coroutine[Any, Any, object]) -> None:
        """One fix at a time: a newer one replaces one still being worked out."""
        self.tasks.replace(FIXING, coroutine)

    def cancel(self) -> None:
        self.tasks.cancel(FIXING)

    async def add_system(self) -> None:
        text = await ask_text(self.dialog_parent, tr("Add a system message"),
                              tr("The system message every chat example should start with:"))
        if text and text.strip():
            await self.offer("add_system", self.actions.add_system.text().rstrip("…"), text.strip())

    def _progress(self, done: int, total: int) -> None:
        value = int(done / max(total, 1) * 100)
        if value >= self._shown + 5 or value == 100:  # each step repaints at once: not too often
            self._shown = value
            self.progress.emit(value)

    async def offer(self, name: str, title: str, argument: str = "", fmt: Format | None = None) -> bool:
        """Work the fix ``name`` out (bulk_fix.work_out), preview it and apply it if the user agrees; True
        when applied."""
        title = title.replace("&", "")
        document = self.editing.model.document
        rows, results, version = list(document.rows), list(document.results), self.editing.undo.index()
        model = document.model
        self.busy.emit(True)
        self._shown = 0
        try:
            result = await work_out(name, argument, rows, results, document.format, fmt or document.format,
                                    model, self._progress)
        finally:
            self.busy.emit(False)
        if not result.changed:
            self.messages.show_info(tr("{fix}: nothing to change.").format(fix=title))
            return False
        answer = await ask(self.dialog_parent, title, tr("{fix} changes {n} of {total} rows.").format(
                               fix=title, n=f"{result.changed:,}", total=f"{len(rows):,}"),
                           Button.Apply | Button.Cancel, Button.Apply, _example(rows, result.rows))
        now = self.editing.model.document
        if answer != Button.Apply or self.editing.undo.index() != version or now is not document or now.model != model:
            return False  # cancelled, or the table (or the tokenizer counting it) changed while the user was reading
        self.editing.apply(result, title, fmt)
        return True
