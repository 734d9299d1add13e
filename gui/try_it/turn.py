"""One turn in one model's column: the question as the user's bubble, the answer rendered from Markdown in the
model's bubble (re-rendered at most every RENDER_MS while it streams, less often for long answers), and a button
copying the raw answer."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from gui.icons import attach
from gui.try_it.bubbles import Bubble, Kind, mixed
from gui.try_it.markdown import COPY_SCHEME, Style, render
from gui.widgets.plain_text import tooltip
from gui.widgets.retranslating import Retranslating

RENDER_MS = 100
RENDER_SHARE = 3  # a long answer waits this many times its last render's cost: the window stays responsive
QUESTION_INDENT = 48  # the user's bubble leaves this much room on its left, as chat apps do


class TurnBlock(Retranslating, QWidget):
    def __init__(self, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.markdown = ""  # the answer as it arrived
        self.codes: tuple[str, ...] = ()
        self.question, self.answer = Bubble(Kind.QUESTION), Bubble(Kind.ANSWER)
        self.question.set_question(question)
        self.copy_button = QToolButton(autoRaise=True)
        self.copy_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        attach(self.copy_button, "copy")
        self.timer = QTimer(self, singleShot=True, interval=RENDER_MS)
        asked = QHBoxLayout()
        asked.setContentsMargins(QUESTION_INDENT, 0, 0, 0)
        asked.addStretch(1)
        asked.addWidget(self.question)
        tools = QHBoxLayout()
        tools.addWidget(self.copy_button)
        tools.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(asked)
        layout.addWidget(self.answer)
        layout.addLayout(tools)
        self.timer.timeout.connect(self._render)
        self.copy_button.clicked.connect(lambda: QApplication.clipboard().setText(self.markdown))
        self.answer.text.link_clicked.connect(self._link)
        self.answer.text.highlighted.connect(lambda url: self.answer.text.setToolTip(tooltip(url.toString())))
        self.retranslate()

    def retranslate(self) -> None:
        self.copy_button.setText(self.tr("Copy answer"))
        self.copy_button.setToolTip(self.tr("Copy the answer as the model wrote it"))
        self.question.text.setAccessibleName(self.tr("Your question"))
        self.answer.text.setAccessibleName(self.tr("The model's answer"))
        self._render()

    def set_answer(self, markdown: str, final: bool = False) -> None:
        """The answer so far; shown within RENDER_MS, or at once when it is ``final``."""
        self.markdown = markdown
        if final:
            self.timer.stop()
            self._render()
        elif not self.timer.isActive():
            self.timer.start()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.PaletteChange:  # the code's shading is written into the HTML
            self._render()
        super().changeEvent(event)

    def _render(self) -> None:
        started = time.perf_counter()
        rendered = render(self.markdown or "…", self._style())
        self.codes = rendered.codes
        self.answer.text.setHtml(rendered.html)
        self.timer.setInterval(max(RENDER_MS, round((time.perf_counter() - started) * 1000 * RENDER_SHARE)))

    def _style(self) -> Style:
        palette, text = self.palette(), QPalette.ColorRole.Text
        return Style(code_background=mixed(palette, text, 0.09).name(), code_header=mixed(palette, text, 0.15).name(),
                     muted=mixed(palette, text, 0.6).name(), border=mixed(palette, text, 0.3).name(),
                     monospace=QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family(),
                     copy_code=self.tr("Copy code"), image=self.tr("[image: {alt}]"))

    def _link(self, url: QUrl) -> None:
        """Our copy links copy their block; a web link opens in the browser; nothing else opens."""
        if url.scheme() == COPY_SCHEME:
            index = int(url.path()) if url.path().isdigit() else -1
            if 0 <= index < len(self.codes):
                QApplication.clipboard().setText(self.codes[index])
        elif url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)
