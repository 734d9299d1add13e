"""One model's side of Try it: the conversation so far, the answer streaming in, its timing."""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from core.chat import Answer
from gui.colors import span
from gui.widgets.plain_text import plain_label, rich_label
from gui.widgets.retranslating import Retranslating


class AnswerPane(Retranslating, QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ""
        self.turns: list[tuple[str, str]] = []  # (question, answer) of this pane's conversation
        self.streaming = ""
        self.title, self.status = rich_label(QLabel()), plain_label(QLabel())
        self.view = QTextBrowser(openExternalLinks=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(f"<b>{escape(self.model)}</b>" if self.model else escape(self.tr("Choose a model")))

    def set_model(self, model: str) -> None:
        self.model = model
        self.retranslate()

    def clear(self) -> None:
        self.turns, self.streaming = [], ""
        self.view.clear()
        self.status.clear()

    def ask(self, question: str) -> None:
        self.streaming = ""
        you, model = escape(self.tr("You")), escape(self.tr("Model"))
        self.view.append(f"<p>{span('info', f'<b>{you}:</b> ' + escape(question).replace(chr(10), '<br>'))}</p>")
        self.view.append(f"<b>{model}:</b> ")
        self.status.setText(self.tr("waiting for the first words…"))

    def add_text(self, text: str) -> None:
        """A piece of the answer arrived."""
        self.streaming += text
        cursor = self.view.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        self.view.setTextCursor(cursor)
        self.view.ensureCursorVisible()
        self.status.setText(self.tr("answering…"))

    def finish(self, question: str, answer: Answer | None, note: str = "") -> None:
        """The answer is complete (``answer``) or was stopped or cut off (None: keep what arrived)."""
        self.turns.append((question, self.streaming if answer is None else answer.text))
        if answer is None:
            self.status.setText(note)
            return
        tokens = self.tr("{prompt} + {completion} tokens").format(
            prompt=answer.prompt_tokens or "?", completion=answer.completion_tokens or "?")
        self.status.setText(self.tr("{seconds:.1f} s (first words after {first:.1f} s) · {tokens}").format(
            seconds=answer.seconds, first=answer.first_token_seconds or answer.seconds, tokens=tokens)
            + (f" · {note}" if note else ""))

    def show_turns(self, turns: list[tuple[str, str]]) -> None:
        """Earlier questions and answers (from the saved history)."""
        for question, answer in turns:
            self.ask(question)
            self.add_text(answer)
            self.finish(question, None)
