"""A short list of clickable items (a title, a caption and, for work under way, a progress bar), for the Home
page's cards. Texts are shown as plain text: names and ids come from files and servers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from gui.theme import LARGE, MEDIUM, SMALL, space, text_role
from gui.widgets.plain_text import plain_label, tooltip

MAX_ITEMS = 6


@dataclass(frozen=True)
class Item:
    key: str  # what ``chosen`` reports: a path, a job id, a model id
    title: str
    caption: str = ""
    progress: float | None = None  # 0..1 for work under way
    progress_text: str = ""
    hint: str = ""  # the tooltip


class ElidedButton(QPushButton):
    """A button whose long text ends in "…" when the column is narrow, instead of widening it."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.full_text = text
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        room = max(self.width() - 2 * LARGE, 0)
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideMiddle, room))


class ItemList(QWidget):
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: tuple[Item, ...] = ()
        self.rows = space(QVBoxLayout(self), 0, SMALL)
        self.rows.addStretch(1)

    def set_items(self, items: Sequence[Item]) -> None:
        self.items = tuple(items[:MAX_ITEMS])
        while self.rows.count() > 1:
            widget = self.rows.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        for index, item in enumerate(self.items):
            self.rows.insertWidget(index, self._row(item))

    def buttons(self) -> list[QPushButton]:
        """The items' buttons, in order (not those of rows being deleted)."""
        rows = [self.rows.itemAt(index).widget() for index in range(self.rows.count() - 1)]
        return [row.findChild(QPushButton) for row in rows if row is not None]

    def _row(self, item: Item) -> QWidget:
        row = QWidget()
        layout = space(QVBoxLayout(row), 0, 2)
        button = ElidedButton(item.title)
        button.setProperty("item", True)
        button.setToolTip(tooltip(item.hint or item.title))
        button.clicked.connect(lambda _=False, key=item.key: self.chosen.emit(key))
        layout.addWidget(button)
        if item.caption:
            caption = text_role(plain_label(QLabel(item.caption, wordWrap=True)), "caption")
            caption.setIndent(MEDIUM + 1)  # under the title, past the button's padding and border
            layout.addWidget(caption)
        if item.progress is not None:
            bar = QProgressBar(maximum=1000, value=round(max(0.0, min(item.progress, 1.0)) * 1000))
            bar.setFormat(item.progress_text or "%p%")
            bar.setAccessibleName(item.progress_text or item.title)
            layout.addWidget(bar)
        return row
