"""A card: a titled, framed panel that keeps one concern apart from the next (styled in gui/theme.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from gui.theme import LARGE, MEDIUM, space, text_role
from gui.widgets.plain_text import plain_label


class Card(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.title = text_role(plain_label(QLabel(wordWrap=True)), "title")
        self.body = space(QVBoxLayout(), 0, MEDIUM)
        layout = space(QVBoxLayout(self), LARGE, MEDIUM)
        layout.addWidget(self.title)
        layout.addLayout(self.body, 1)

    def set_title(self, text: str) -> None:
        self.title.setText(text)
        self.setAccessibleName(text)
