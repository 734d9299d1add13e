"""Chat bubbles: a rounded, tinted frame around a read-only text that grows to its content (the transcript
scrolls, not the bubble). The tints are mixed from the palette, so light, dark and custom themes all work."""

from __future__ import annotations

import math
from enum import Enum

from PySide6.QtCore import QByteArray, QRectF, QSizeF, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPalette, QTextDocument
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

RADIUS, PADDING = 12, 10


class Kind(Enum):
    QUESTION = "question"
    ANSWER = "answer"


def mixed(palette: QPalette, role: QPalette.ColorRole, share: float) -> QColor:
    """The palette's base colour with ``share`` of ``role`` mixed in."""
    base, other = palette.color(QPalette.ColorRole.Base), palette.color(role)
    return QColor.fromRgbF(*(b + (o - b) * share for b, o in zip(base.getRgbF()[:3], other.getRgbF()[:3],
                                                                  strict=True)))


def tint(palette: QPalette, kind: Kind) -> QColor:
    if kind is Kind.QUESTION:
        return mixed(palette, QPalette.ColorRole.Highlight, 0.18)
    return mixed(palette, QPalette.ColorRole.Text, 0.05)


class SafeText(QTextBrowser):
    """Read-only rich text that never loads anything (no images, style sheets or pages) and opens no link by
    itself: a click on a link is reported (``link_clicked``) for the owner to decide."""

    link_clicked = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.document().setDocumentMargin(0)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.anchorClicked.connect(self.link_clicked)
        self._fit(self.document().size())

    def loadResource(self, kind: int, name: QUrl) -> object:  # noqa: N802 (Qt's name)
        """Refused: we render nothing that needs a resource, so anything asked for came from the model. An image
        gets a blank pixel, since Qt opens a local file itself when handed no image."""
        if kind == QTextDocument.ResourceType.ImageResource.value:
            blank = QImage(1, 1, QImage.Format.Format_ARGB32)
            blank.fill(Qt.GlobalColor.transparent)
            return blank
        return QByteArray()

    def _fit(self, size: QSizeF) -> None:
        self.setFixedHeight(math.ceil(size.height()) + 2 * self.frameWidth())

    def natural_width(self) -> int:
        """The width the text needs without wrapping."""
        document = QTextDocument()
        document.setDefaultFont(self.font())
        document.setDocumentMargin(0)
        document.setPlainText(self.toPlainText())
        return math.ceil(document.idealWidth()) + 2 * self.frameWidth() + 2


class Bubble(QFrame):
    """A tinted rounded frame holding one ``SafeText``."""

    def __init__(self, kind: Kind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.text = SafeText()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(PADDING, PADDING - 2, PADDING, PADDING - 2)
        layout.addWidget(self.text)
        palette = self.text.palette()  # only the base is set: the text colour still follows the theme
        palette.setColor(QPalette.ColorRole.Base, QColor(Qt.GlobalColor.transparent))
        self.text.setPalette(palette)

    def set_question(self, question: str) -> None:
        self.text.setPlainText(question)
        self.setMaximumWidth(self.text.natural_width() + 2 * PADDING)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tint(self.palette(), self.kind))
        painter.drawRoundedRect(QRectF(self.rect()), RADIUS, RADIUS)
