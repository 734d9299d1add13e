"""The welcome guide: choose a language, then practise in the Sandbox with a demo project or connect an
OpenAI account. Shown on the first run; Help reopens it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.retranslating import Retranslating


def other_providers() -> str:
    """The providers Settings' Add menu offers besides the one the guide connects, from the registry."""
    from html import escape

    from core.providers.registry import WELCOME, addable

    return ", ".join(escape(spec.title) for spec in addable() if spec.kind != WELCOME.kind)

LANGUAGES = ("en", "zh_CN")


class WelcomeDialog(Retranslating, QDialog):
    language_chosen = Signal(str)
    practice_chosen = Signal()  # open the demo project in the Sandbox
    account_chosen = Signal()  # add an OpenAI profile in Settings

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.setMinimumWidth(520)
        self.pages = QStackedWidget()
        self.title, self.intro, self.language_label = QLabel(), QLabel(wordWrap=True), QLabel()
        self.language = QComboBox()
        self.language.addItems(["English", "简体中文"])
        self.language.setCurrentIndex(1 if language == "zh_CN" else 0)
        self.practice_button, self.account_button = QPushButton(), QPushButton()
        self.account_text, self.back_button, self.settings_button = QLabel(wordWrap=True), QPushButton(), QPushButton()
        self.account_text.setTextFormat(Qt.TextFormat.RichText)
        self.account_text.setOpenExternalLinks(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self._build()
        self.retranslate()

    def _build(self) -> None:
        start = QWidget()
        layout = QVBoxLayout(start)
        row = QHBoxLayout()
        row.addWidget(self.language_label)
        row.addWidget(self.language, 1)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(row)
        layout.addWidget(self.practice_button)
        layout.addWidget(self.account_button)
        account = QWidget()
        account_layout = QVBoxLayout(account)
        account_layout.addWidget(self.account_text, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.settings_button)
        account_layout.addLayout(buttons)
        self.pages.addWidget(start)
        self.pages.addWidget(account)
        QVBoxLayout(self).addWidget(self.pages)
        self.language.currentIndexChanged.connect(lambda i: self.language_chosen.emit(LANGUAGES[i]))
        self.practice_button.clicked.connect(lambda: (self.practice_chosen.emit(), self.accept()))
        self.account_button.clicked.connect(lambda: self.pages.setCurrentIndex(1))
        self.back_button.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.settings_button.clicked.connect(lambda: (self.account_chosen.emit(), self.accept()))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Welcome to FineTune Studio"))
        self.title.setText(self.tr("Welcome!"))
        self.intro.setText(self.tr(
            "FineTune Studio teaches a model your own answers: prepare examples, train, then try the result. "
            "Start with a free practice run in the Sandbox — it runs on this computer, trains a pretend model in "
            "under a minute and bills nothing."))
        self.language_label.setText(self.tr("Language:"))
        self.practice_button.setText(self.tr("Practise in the Sandbox with a demo project (free)"))
        self.account_button.setText(self.tr("Connect my OpenAI account…"))
        self.account_text.setText(self.tr(
            "<p><b>Your API key</b> is on <a href='https://platform.openai.com/api-keys'>"
            "platform.openai.com/api-keys</a>: create a key and copy it (it starts with <code>sk-</code>). "
            "It is kept in your system's keyring, never in a file you share.</p>"
            "<p><b>Base URL</b> is the address of the service. Leave it as it is for OpenAI; a gateway or relay "
            "service gives you its own address.</p>"
            "<p><b>Proxy</b>: only if you need one to reach the internet, e.g. <code>http://127.0.0.1:7890</code>."
            "</p><p>Settings then checks each step of the connection and tells you what to fix.</p>") + self.tr(
            "<p><b>Other providers</b>: OpenAI stops taking new self-serve fine-tuning jobs in early 2027. "
            "In Settings, <i>Add…</i> also offers {providers}.</p>").format(providers=other_providers()))
        self.back_button.setText(self.tr("Back"))
        self.settings_button.setText(self.tr("Open Settings"))
