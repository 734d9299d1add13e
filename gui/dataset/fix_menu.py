"""One-click fixes from the engine: each is worked out first, previewed (how many rows, one example of
before and after), and applied as one undoable step."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from core.dataset import fixes
from core.dataset.cells import rows_to_jsonl
from core.dataset.model import Format, Row
from core.i18n import tr
from gui.widgets.dialogs import Button, ask, ask_text

if TYPE_CHECKING:
    from gui.dataset_tab import DatasetTab

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
    def __init__(self, tab: DatasetTab) -> None:
        super().__init__(tab)
        self.tab = tab
        a = tab.actions
        a.trim.triggered.connect(lambda: tab.run(self.offer(fixes.trim_whitespace, a.trim.text())))
        a.dedupe.triggered.connect(lambda: tab.run(self.offer(fixes.drop_duplicates, a.dedupe.text())))
        a.drop_empty.triggered.connect(lambda: tab.run(self.offer(fixes.drop_empty, a.drop_empty.text())))
        a.to_chat.triggered.connect(lambda: tab.run(self.offer(fixes.completion_to_chat, a.to_chat.text(),
                                                               Format.CHAT)))
        a.add_system.triggered.connect(lambda: tab.run(self.add_system()))

    async def add_system(self) -> None:
        text = await ask_text(self.tab, tr("Add a system message"),
                              tr("The system message every chat example should start with:"))
        if text and text.strip():
            await self.offer(lambda rows: fixes.add_system_message(rows, text.strip()),
                             self.tab.actions.add_system.text().rstrip("…"))

    async def offer(self, fix: Callable[[list[Row]], fixes.FixResult], title: str,
                    fmt: Format | None = None) -> bool:
        """Work the fix out, preview it and apply it if the user agrees; True when applied."""
        title = title.replace("&", "")
        rows, version = list(self.tab.model.document.rows), self.tab.undo.index()
        result = await asyncio.get_running_loop().run_in_executor(None, fix, rows)
        if not result.changed:
            self.tab.messages.show_info(tr("{fix}: nothing to change.").format(fix=title))
            return False
        answer = await ask(self.tab, title, tr("{fix} changes {n} of {total} rows.").format(
                               fix=title, n=f"{result.changed:,}", total=f"{len(rows):,}"),
                           Button.Apply | Button.Cancel, Button.Apply, _example(rows, result.rows))
        if answer != Button.Apply or self.tab.undo.index() != version:
            return False  # cancelled, or the table changed while the user was reading
        self.tab.editing.apply(result, title, fmt)
        return True
