"""The side editor for one whole row: its messages (add, remove, reorder, role, weight) or its raw JSON,
with the JSON error's line and column shown as you type. Apply hands a new Row to the tab."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.dataset.model import Row
from gui.colors import colour
from gui.widgets.plain_text import plain_label
from gui.widgets.retranslating import Retranslating

ROLES = ("system", "user", "assistant", "tool", "developer")


class MessageEditor(Retranslating, QFrame):
    """One message: role, weight (assistant only), text, and buttons to move or remove it."""

    moved = Signal(object, int)  # self, -1 up / +1 down
    removed = Signal(object)

    def __init__(self, message: dict[str, Any]) -> None:
        super().__init__(frameShape=QFrame.Shape.StyledPanel)
        self.extra = {k: v for k, v in message.items() if k not in ("role", "content", "weight")}
        self.role = QComboBox()
        self.role.addItems(ROLES)
        role = str(message.get("role", "user"))
        if role not in ROLES:
            self.role.addItem(role)
        self.role.setCurrentText(role)
        self.weight = QCheckBox()
        self.weight.setChecked(message.get("weight", 1) != 0)
        content = message.get("content")
        self.text = QPlainTextEdit(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
                                   if content is not None else "")
        self.text.setMinimumSize(120, 60)
        self.up, self.down, self.remove = QToolButton(text="↑"), QToolButton(text="↓"), QToolButton(text="✕")
        self.up.clicked.connect(lambda: self.moved.emit(self, -1))
        self.down.clicked.connect(lambda: self.moved.emit(self, 1))
        self.remove.clicked.connect(lambda: self.removed.emit(self))
        top = QHBoxLayout()
        top.addWidget(self.role)
        top.addWidget(self.weight)
        top.addStretch(1)
        for button in (self.up, self.down, self.remove):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.text)
        self.role.currentTextChanged.connect(self._show_weight)
        self._show_weight()
        self.retranslate()


    def retranslate(self) -> None:
        self.weight.setText(self.tr("learn from this answer"))
        self.weight.setToolTip(self.tr("Unticked: the model sees this answer but is not trained to give it "
                                       "(weight 0)."))
        for button, text in ((self.up, self.tr("Move up")), (self.down, self.tr("Move down")),
                             (self.remove, self.tr("Remove this message"))):
            button.setToolTip(text)
            button.setAccessibleName(text)  # the buttons show only an arrow or a cross

    def _show_weight(self) -> None:
        self.weight.setVisible(self.role.currentText() == "assistant")

    def message(self) -> dict[str, Any]:
        message: dict[str, Any] = {"role": self.role.currentText(), "content": self.text.toPlainText(), **self.extra}
        if self.role.currentText() == "assistant" and not self.weight.isChecked():
            message["weight"] = 0
        return message


class RowEditor(Retranslating, QWidget):
    applied = Signal(object)  # the new Row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row: Row | None = None
        self.title = QLabel()
        self.tabs = QTabWidget()
        self.messages_page, self.json_edit = QWidget(), QPlainTextEdit()
        self.messages_box = QVBoxLayout()
        self.messages_box.addStretch(1)
        holder = QWidget()
        holder.setLayout(self.messages_box)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # messages wrap to the width
        scroll.setWidget(holder)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self._add_message)
        page = QVBoxLayout(self.messages_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(scroll)
        page.addWidget(self.add_button)
        self.json_status = plain_label(QLabel(wordWrap=True))
        json_page = QWidget()
        json_layout = QVBoxLayout(json_page)
        json_layout.setContentsMargins(0, 0, 0, 0)
        json_layout.addWidget(self.json_edit)
        json_layout.addWidget(self.json_status)
        self.tabs.addTab(self.messages_page, "")
        self.tabs.addTab(json_page, "")
        self.apply_button, self.revert_button = QPushButton(), QPushButton()
        self.apply_button.clicked.connect(self._apply)
        self.revert_button.clicked.connect(lambda: self.show_row(self.row, self._number))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.json_edit.textChanged.connect(self._check_json)
        self.tabs.currentChanged.connect(self._switched)
        self._number = 0
        self.retranslate()
        self.show_row(None, 0)


    def retranslate(self) -> None:
        self.tabs.setTabText(0, self.tr("Messages"))
        self.tabs.setTabText(1, self.tr("JSON"))
        self.add_button.setText(self.tr("Add a message"))
        self.apply_button.setText(self.tr("Apply"))
        self.apply_button.setToolTip(self.tr("Put your changes into the table (Ctrl+Z undoes them)"))
        self.revert_button.setText(self.tr("Revert"))
        self._show_title()
        self._check_json()

    def _show_title(self) -> None:
        text = self.tr("Row {n}").format(n=self._number) if self.row else self.tr("Select a row to edit it.")
        self.title.setText(text)

    # -- showing a row ------------------------------------------------------------------------------
    def _editors(self) -> list[MessageEditor]:
        return [self.messages_box.itemAt(i).widget() for i in range(self.messages_box.count() - 1)]

    def _set_messages(self, messages: list[Any]) -> None:
        for editor in self._editors():
            editor.setParent(None)
            editor.deleteLater()
        for message in messages:
            self._insert_editor(message if isinstance(message, dict) else {"role": "user", "content": message})

    def _insert_editor(self, message: dict[str, Any]) -> None:
        editor = MessageEditor(message)
        editor.moved.connect(self._move)
        editor.removed.connect(self._remove)
        self.messages_box.insertWidget(self.messages_box.count() - 1, editor)

    def show_row(self, row: Row | None, number: int) -> None:
        self.row, self._number = row, number
        self._show_title()
        self.setEnabled(row is not None)
        messages = row.data.get("messages") if row is not None and row.data is not None else None
        self.tabs.setTabEnabled(0, isinstance(messages, list))
        self._set_messages(messages if isinstance(messages, list) else [])
        if row is None:
            self.json_edit.setPlainText("")
        else:
            self.json_edit.setPlainText(row.raw if row.data is None else json.dumps(row.data, ensure_ascii=False,
                                                                                    indent=2))
        self.tabs.setCurrentIndex(0 if isinstance(messages, list) else 1)

    def _move(self, editor: MessageEditor, step: int) -> None:
        index = self.messages_box.indexOf(editor)
        target = index + step
        if 0 <= target < self.messages_box.count() - 1:
            self.messages_box.insertWidget(target, editor)

    def _remove(self, editor: MessageEditor) -> None:
        editor.setParent(None)
        editor.deleteLater()

    def _add_message(self) -> None:
        last = self._editors()[-1].role.currentText() if self._editors() else "assistant"
        self._insert_editor({"role": "assistant" if last == "user" else "user", "content": ""})

    # -- JSON -----------------------------------------------------------------------------------------
    def _json_error(self) -> str:
        try:
            value = json.loads(self.json_edit.toPlainText())
        except json.JSONDecodeError as exc:
            return self.tr("Line {line}, column {column}: {error}").format(line=exc.lineno, column=exc.colno,
                                                                            error=exc.msg)
        return "" if isinstance(value, dict) else self.tr("A row must be one JSON object {…}.")

    def _check_json(self) -> None:
        error = self._json_error() if self.row is not None else ""
        self.json_status.setText(error or (self.tr("Valid JSON.") if self.row is not None else ""))
        self.json_status.setStyleSheet(f"color:{colour('error' if error else 'ok')};")
        if self.tabs.currentIndex() == 1:
            self.apply_button.setEnabled(not error)

    def _switched(self, index: int) -> None:
        """Keep both views of the row in step when the user changes tabs."""
        if index == 1 and self.tabs.isTabEnabled(0) and self.row is not None:
            self.json_edit.setPlainText(json.dumps(self._edited_data(), ensure_ascii=False, indent=2))
        elif index == 0 and not self._json_error():
            messages = json.loads(self.json_edit.toPlainText()).get("messages")
            if isinstance(messages, list):
                self._set_messages(messages)
        self.apply_button.setEnabled(index == 0 or not self._json_error())

    def _edited_data(self) -> dict[str, Any]:
        data = dict(self.row.data or {}) if self.row is not None else {}
        data["messages"] = [editor.message() for editor in self._editors()]
        return data

    def _apply(self) -> None:
        if self.row is None:
            return
        if self.tabs.currentIndex() == 1:
            if self._json_error():
                return
            data = json.loads(self.json_edit.toPlainText())
        else:
            data = self._edited_data()
        self.applied.emit(Row(self.row.line, data))
