"""One-click fixes from the engine: each is worked out first, previewed (how many rows, one example of
before and after), and applied as one undoable step."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from core.background import run_blocking
from core.dataset import fixes
from core.dataset.cells import rows_to_jsonl
from core.dataset.model import Format, Row
from core.i18n import tr
from gui.dataset.actions import DatasetActions
from gui.dataset.editing import Editing
from gui.tasks import Tasks
from gui.widgets.dialogs import Button, ask, ask_text
from gui.widgets.message_bar import MessageBar

PREVIEW_CHARS = 300


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
    def __init__(self, actions: DatasetActions, editing: Editing, tasks: Tasks, messages: MessageBar,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.actions, self.editing, self.messages, self.dialog_parent = actions, editing, messages, parent
        a = actions
        a.trim.triggered.connect(lambda: tasks.run(self.offer(fixes.trim_whitespace, a.trim.text())))
        a.dedupe.triggered.connect(lambda: tasks.run(self.offer(fixes.drop_duplicates, a.dedupe.text())))
        a.drop_empty.triggered.connect(lambda: tasks.run(self.offer(fixes.drop_empty, a.drop_empty.text())))
        a.to_chat.triggered.connect(lambda: tasks.run(self.offer(fixes.completion_to_chat, a.to_chat.text(),
                                                                 Format.CHAT)))
        a.add_system.triggered.connect(lambda: tasks.run(self.add_system()))

    async def add_system(self) -> None:
        text = await ask_text(self.dialog_parent, tr("Add a system message"),
                              tr("The system message every chat example should start with:"))
        if text and text.strip():
            await self.offer(lambda rows: fixes.add_system_message(rows, text.strip()),
                             self.actions.add_system.text().rstrip("…"))

    async def offer(self, fix: Callable[[list[Row]], fixes.FixResult], title: str,
                    fmt: Format | None = None) -> bool:
        """Work the fix out, preview it and apply it if the user agrees; True when applied."""
        title = title.replace("&", "")
        rows, version = list(self.editing.model.document.rows), self.editing.undo.index()
        result = await run_blocking(fix, rows)
        if not result.changed:
            self.messages.show_info(tr("{fix}: nothing to change.").format(fix=title))
            return False
        answer = await ask(self.dialog_parent, title, tr("{fix} changes {n} of {total} rows.").format(
                               fix=title, n=f"{result.changed:,}", total=f"{len(rows):,}"),
                           Button.Apply | Button.Cancel, Button.Apply, _example(rows, result.rows))
        if answer != Button.Apply or self.editing.undo.index() != version:
            return False  # cancelled, or the table changed while the user was reading
        self.editing.apply(result, title, fmt)
        return True
