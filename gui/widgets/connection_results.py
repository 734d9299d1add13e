"""Shows the layers of a connection test as they arrive: a mark, the layer, the message, the hint."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.connection import LayerResult, layer_name


class ConnectionResults(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.results: list[LayerResult] = []

    def clear(self) -> None:
        self.results.clear()
        while (item := self._layout.takeAt(0)) is not None:
            if item.widget():
                item.widget().deleteLater()

    def add(self, result: LayerResult) -> None:
        self.results.append(result)
        mark, colour = ("⚠", "#e65100") if result.warning else ("✔", "#2e7d32") if result.ok else ("✘", "#c62828")
        text = (f"<span style='color:{colour}'>{mark}</span> <b>{escape(layer_name(result.layer))}</b>: "
                f"{escape(result.message)}")
        if result.hint:
            what_to_do = self.tr("What to do:")
            text += f"<br>{escape(what_to_do)} {escape(result.hint)}"
        label = QLabel(text, wordWrap=True, textFormat=Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout.addWidget(label)

    def text(self) -> str:
        """Everything shown, as plain text (what a user would copy)."""
        return "\n".join(f"{layer_name(r.layer)}: {r.message} {r.hint}".strip() for r in self.results)
