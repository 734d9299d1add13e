"""Text from servers and files is shown as text. QLabel, tooltips and message boxes guess rich text from
the first tag they see, so a job id or an answer holding `<img src=...>` would otherwise be rendered
(and a local image file loaded). Such text goes into plain-text widgets, or is escaped before it joins
our own markup."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


def plain_label(label: QLabel) -> QLabel:
    """``label``, showing its text exactly as set."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def rich_label(label: QLabel) -> QLabel:
    """``label`` for our own markup (whose server parts went through ``escaped``)."""
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def escaped(text: str) -> str:
    """``text`` as it reads, to put inside our own markup (line breaks kept)."""
    return escape(text, quote=False).replace("\n", "<br>")


def tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as it reads, spaces and line breaks included ("" stays no tooltip)."""
    return f"<p style='white-space:pre-wrap'>{escape(text, quote=False)}</p>" if text else ""
