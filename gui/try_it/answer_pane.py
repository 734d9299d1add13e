"""One model's side of Try it: its header (the model, the last answer's timing) and its turns, which live in
the shared transcript's column ``column`` so both sides stay aligned question by question."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.chat import Answer
from gui.try_it.transcript import Transcript
from gui.try_it.turn import TurnBlock
from gui.widgets.plain_text import escaped, plain_label, rich_label
from gui.widgets.retranslating import Retranslating


class AnswerPane(Retranslating, QWidget):
    def __init__(self, transcript: Transcript, column: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.transcript, self.column = transcript, column
        self.model = ""
        self.turns: list[tuple[str, str]] = []  # (question, answer) of this pane's conversation
        self.blocks: list[TurnBlock] = []  # what the transcript shows of them, the current one last
        self.streaming = ""
        self.timed: tuple[Answer, str] | None = None  # the last complete answer and its note, shown under the title
        self.title, self.status = rich_label(QLabel()), plain_label(QLabel())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(f"<b>{escaped(self.model)}</b>" if self.model else escaped(self.tr("Choose a model")))
        if self.timed is not None:
            self._show_timing(*self.timed)

    def set_model(self, model: str) -> None:
        self.model = model
        self.retranslate()

    def clear(self) -> None:
        self.turns, self.streaming, self.timed = [], "", None
        for block in self.blocks:
            self.transcript.remove(block)
        self.blocks = []
        self.status.clear()

    def ask(self, question: str) -> None:
        self.streaming, self.timed = "", None
        self.blocks.append(TurnBlock(question))
        self.transcript.place(self.column, self.blocks[-1])
        self.status.setText(self.tr("waiting for the first words…"))

    def add_text(self, text: str) -> None:
        """A piece of the answer arrived."""
        self.streaming += text
        self.blocks[-1].set_answer(self.streaming)
        self.status.setText(self.tr("answering…"))

    def finish(self, question: str, answer: Answer | None, note: str = "") -> None:
        """The answer is complete (``answer``) or was stopped or cut off (None: keep what arrived)."""
        self.turns.append((question, self.streaming if answer is None else answer.text))
        self.blocks[-1].set_answer(self.turns[-1][1], final=True)
        if answer is None:
            self.status.setText(note)
            return
        self.timed = (answer, note)
        self._show_timing(answer, note)

    def _show_timing(self, answer: Answer, note: str) -> None:
        tokens = self.tr("{prompt} + {completion} tokens").format(
            prompt=answer.prompt_tokens or "?", completion=answer.completion_tokens or "?")
        self.status.setText(self.tr("{seconds:.1f} s (first words after {first:.1f} s) · {tokens}").format(
            seconds=answer.seconds, first=answer.first_token_seconds or answer.seconds, tokens=tokens)
            + (f" · {note}" if note else ""))

    def show_turns(self, turns: list[tuple[str, str]]) -> None:
        """Earlier questions and answers (from the saved history)."""
        for question, answer in turns:
            self.ask(question)
            self.streaming = answer
            self.finish(question, None)
