"""Edit one generated row before accepting it: its question and answer (a row whose answer failed gets one
written here), with the passage it came from shown for reference."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from core.dataset.model import Row
from core.grow import GeneratedRow
from gui.widgets.plain_text import plain_label
from gui.widgets.retranslating import Retranslating


def with_texts(generated: GeneratedRow, question: str, answer: str) -> GeneratedRow:
    """``generated`` with this question and answer (system message kept); an answer clears the row's error."""
    messages: list[dict[str, Any]] = [dict(m) for m in generated.messages if m.get("role") == "system"]
    messages += [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
    row = Row(0, {"messages": messages}, origin=generated.row.origin)
    return replace(generated, row=row, error="" if answer.strip() else generated.error)


class ReviewEditDialog(Retranslating, QDialog):
    edited = Signal(object)  # the GeneratedRow with the user's text

    def __init__(self, generated: GeneratedRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review_edit_dialog")
        self.generated = generated
        self.question, self.answer = QPlainTextEdit(generated.question), QPlainTextEdit(generated.answer)
        self.question_label, self.answer_label = QLabel(), QLabel()
        self.passage = plain_label(QLabel(generated.passage, wordWrap=True))
        self.problem = plain_label(QLabel(generated.error or generated.similar_to, wordWrap=True))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        for widget in (self.problem, self.question_label, self.question, self.answer_label, self.answer,
                       self.passage):
            layout.addWidget(widget)
        self.passage.setVisible(bool(generated.passage))
        self.problem.setVisible(bool(self.problem.text()))
        self.question.setMaximumHeight(90)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, 440)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Edit new row"))
        self.question_label.setText(self.tr("Question:"))
        self.answer_label.setText(self.tr("Answer:"))
        self.passage.setToolTip(self.tr("The passage of the document this row was written from"))

    def _accept(self) -> None:
        self.edited.emit(with_texts(self.generated, self.question.toPlainText(), self.answer.toPlainText()))
        self.accept()
