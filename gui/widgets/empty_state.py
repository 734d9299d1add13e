"""An empty list or table that teaches: in its place, one sentence on what will appear there and the buttons
that get it there. The view and the sentence share a QStackedLayout; ``follow`` switches with the model."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractButton, QHBoxLayout, QLabel, QStackedLayout, QVBoxLayout, QWidget

from gui import icons
from gui.theme import LARGE, MEDIUM, space, text_role
from gui.widgets.plain_text import plain_label

ICON_SIZE = 48


class EmptyState(QWidget):
    def __init__(self, content: QWidget, icon: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.content, self.icon_name = content, icon
        self.panel = QWidget()
        self.panel.setObjectName("empty_state")
        self.icon = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.message = text_role(plain_label(QLabel(wordWrap=True)), "lead")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.buttons = space(QHBoxLayout(), 0, MEDIUM)
        self.buttons.addStretch(1)
        self.buttons.addStretch(1)
        column = space(QVBoxLayout(self.panel), LARGE, LARGE)
        column.addStretch(1)
        column.addWidget(self.icon)
        column.addWidget(self.message)
        column.addLayout(self.buttons)
        column.addStretch(2)
        self.stack = QStackedLayout(self)
        self.stack.addWidget(content)
        self.stack.addWidget(self.panel)
        self._is_empty: Callable[[], bool] = lambda: False
        icons.notifier().changed.connect(self._show_icon)
        self._show_icon()

    def add_button(self, button: QAbstractButton) -> QAbstractButton:
        """``button`` under the sentence, after the ones added before."""
        self.buttons.insertWidget(self.buttons.count() - 1, button)
        return button

    def set_message(self, text: str) -> None:
        self.message.setText(text)
        self.panel.setAccessibleDescription(text)

    def showing_empty(self) -> bool:
        return self.stack.currentWidget() is self.panel

    def set_empty(self, empty: bool) -> None:
        had_focus = self.content.hasFocus()
        self.stack.setCurrentWidget(self.panel if empty else self.content)
        if had_focus and empty:
            self.panel.setFocus()

    def follow(self, model: QAbstractItemModel, is_empty: Callable[[], bool] | None = None) -> None:
        """Show the sentence while ``model`` has no rows (or while ``is_empty()`` says so)."""
        self._is_empty = is_empty or (lambda: model.rowCount() == 0)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.update_empty)
        self.update_empty()

    def update_empty(self, *_: object) -> None:
        self.set_empty(self._is_empty())

    def _show_icon(self) -> None:
        self.icon.setPixmap(icons.icon(self.icon_name).pixmap(ICON_SIZE, ICON_SIZE))
