"""A non-modal banner for errors, warnings and notices, with an optional action button."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from gui.colors import banner
from gui.widgets.retranslating import Retranslating


class MessageBar(Retranslating, QFrame):
    action_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = ""
        self.label = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton()
        self.action.clicked.connect(self.action_clicked)
        self.close_button = QToolButton(text="✕", autoRaise=True)
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.close_button)
        self.retranslate()
        self.hide()


    def retranslate(self) -> None:
        self.close_button.setAccessibleName(self.tr("Close message"))
        self.close_button.setToolTip(self.tr("Close message"))
        self._colour()  # the theme may have changed

    def _colour(self) -> None:
        if not self.level:
            return
        background, text, border = banner(self.level)
        self.setStyleSheet(f"MessageBar {{ background:{background}; color:{text}; border:1px solid {border}; "
                           f"border-radius:4px; }} QLabel {{ border:none; color:{text}; background:transparent; }}")

    def _show(self, level: str, message: str, hint: str, action: str, closable: bool) -> None:
        self.level = level
        self._colour()
        text = f"<b>{escape(message)}</b>" + (f"<br>{escape(hint)}" if hint else "")
        self.label.setText(text)
        self.action.setText(action)
        self.action.setVisible(bool(action))
        self.close_button.setVisible(closable)
        self.show()

    def show_error(self, message: str, hint: str = "", action: str = "") -> None:
        self._show("error", message, hint, action, closable=True)

    def show_warning(self, message: str, hint: str = "", action: str = "") -> None:
        self._show("warning", message, hint, action, closable=False)

    def show_info(self, message: str, hint: str = "", action: str = "") -> None:
        self._show("info", message, hint, action, closable=True)

    def text(self) -> str:
        return self.label.text()
