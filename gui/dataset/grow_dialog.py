"""Grow dataset…: what to grow from (the selected rows, the whole file or a document), to how many rows, the
model that writes (any chat model of any profile), instructions and temperature, with the cost estimated
before anything is sent. Accepting hands a GrowChoice to the tab; nothing is generated here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.background import run_blocking
from core.dataset.model import Row, is_legacy_model
from core.grow import GrowError, GrowRequest, cost_text, estimate_cost, read_document, split_passages
from core.grow.documents import SUFFIXES
from core.grow.model import MAX_COUNT
from core.profiles import ProfileService
from core.training.service import connect
from gui.profile_names import shown_name
from gui.tasks import Tasks
from gui.theme import make_primary
from gui.widgets.dialogs import choose_file
from gui.widgets.message_bar import MessageBar
from gui.widgets.plain_text import plain_label
from gui.widgets.retranslating import Retranslating

SELECTED, WHOLE_FILE, DOCUMENT = range(3)
MODELS = "models"


@dataclass(frozen=True)
class GrowChoice:
    profile_id: str
    request: GrowRequest


class GrowDialog(Retranslating, QDialog):
    chosen = Signal(object)  # GrowChoice

    def __init__(self, service: ProfileService, selected: list[Row], all_rows: list[Row],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("grow_dialog")
        self.service, self.selected, self.all_rows = service, selected, all_rows
        self.passages: tuple[str, ...] = ()
        self.document_name = ""
        self.messages = MessageBar()
        self.tasks = Tasks(self.messages.show_error, "grow")
        self.sources = QButtonGroup(self)
        self.source_buttons = [QRadioButton() for _ in range(3)]
        for index, button in enumerate(self.source_buttons):
            self.sources.addButton(button, index)
        self.open_document, self.document_label = QPushButton(), plain_label(QLabel(wordWrap=True))
        self.pasted = QPlainTextEdit()
        self.target, self.temperature = QSpinBox(), QDoubleSpinBox(decimals=1, singleStep=0.1)
        self.profile_combo, self.model_combo = QComboBox(), QComboBox(editable=True)
        self.instructions = QPlainTextEdit()
        self.estimate = plain_label(QLabel(wordWrap=True))
        self.labels = [QLabel() for _ in range(6)]
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.grow_button = make_primary(self.buttons.button(QDialogButtonBox.StandardButton.Ok))
        self._estimate_timer = QTimer(self, singleShot=True, interval=300, timeout=self._show_estimate)
        self._lay_out()
        self._fill()
        self._connect()
        self.retranslate()
        self._source_changed()

    def _lay_out(self) -> None:
        document = QHBoxLayout()
        document.addWidget(self.open_document)
        document.addWidget(self.document_label, 1)
        source = QVBoxLayout()
        for button in self.source_buttons:
            source.addWidget(button)
        source.addLayout(document)
        source.addWidget(self.pasted)
        self.pasted.setMaximumHeight(110)
        self.instructions.setMaximumHeight(70)
        form = QFormLayout()
        for label, field in zip(self.labels, (source, self.target, self.profile_combo, self.model_combo,
                                              self.instructions, self.temperature), strict=True):
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addWidget(self.messages)
        layout.addLayout(form)
        layout.addWidget(self.estimate)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(620, self.sizeHint().height())

    def _fill(self) -> None:
        self.target.setRange(1, len(self.all_rows) + MAX_COUNT)
        self.target.setValue(max(len(self.all_rows) + 10, 50))
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setValue(1.0)
        for profile in self.service.settings.profiles:
            self.profile_combo.addItem(shown_name(profile), profile.id)
        self.profile_combo.setCurrentIndex(self.profile_combo.findData(self.service.settings.active_profile_id))
        self.sources.button(SELECTED if len(self.selected) > 1 else WHOLE_FILE).setChecked(True)
        self.source_buttons[SELECTED].setEnabled(bool(self.selected))
        self.source_buttons[WHOLE_FILE].setEnabled(bool(self.all_rows))
        if not self.all_rows:
            self.source_buttons[DOCUMENT].setChecked(True)
        self.tasks.replace(MODELS, self._load_models())

    def _connect(self) -> None:
        self.sources.idClicked.connect(lambda _: self._source_changed())
        self.open_document.clicked.connect(lambda: self.tasks.run(self._open_document()))
        self.pasted.textChanged.connect(self._pasted_changed)
        self.profile_combo.currentIndexChanged.connect(lambda _: self.tasks.replace(MODELS, self._load_models()))
        for changed in (self.target.valueChanged, self.temperature.valueChanged, self.model_combo.currentTextChanged,
                        self.instructions.textChanged):
            changed.connect(lambda *_: self._estimate_timer.start())
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.finished.connect(lambda _: self.tasks.cancel_all())

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Grow dataset"))
        texts = (self.tr("The {n} selected rows").format(n=len(self.selected)),
                 self.tr("The whole file ({n} rows)").format(n=f"{len(self.all_rows):,}"),
                 self.tr("A document (questions and answers from its text)"))
        for button, text in zip(self.source_buttons, texts, strict=True):
            button.setText(text)
        self.open_document.setText(self.tr("Open a document…"))
        self.pasted.setPlaceholderText(self.tr("…or paste the text here (an FAQ page, a policy, a manual)."))
        for label, text in zip(self.labels, (self.tr("Grow from:"), self.tr("Grow the file to:"),
                                             self.tr("Profile:"), self.tr("Model that writes:"),
                                             self.tr("Instructions:"), self.tr("Temperature:")), strict=True):
            label.setText(text)
        self.target.setSuffix(self.tr(" rows"))
        self.instructions.setPlaceholderText(self.tr("Optional, e.g. “more questions about refunds”, “answers "
                                                     "under 50 characters”, “in Simplified Chinese”."))
        self.temperature.setToolTip(self.tr("Higher writes more varied questions; lower stays closer to the "
                                            "examples."))
        self.grow_button.setText(self.tr("Grow"))
        self._show_estimate()

    # -- choices --------------------------------------------------------------------------------------
    def _source(self) -> int:
        return self.sources.checkedId()

    def _source_changed(self) -> None:
        from_document = self._source() == DOCUMENT
        for widget in (self.open_document, self.document_label, self.pasted):
            widget.setVisible(from_document)
        self._estimate_timer.start()

    def _examples(self) -> tuple[Row, ...]:
        if self._source() == SELECTED:
            return tuple(self.selected)
        return tuple(self.all_rows) if self._source() == WHOLE_FILE else ()

    def billed(self) -> bool:
        profile = self.service.settings.profile(str(self.profile_combo.currentData()))
        return profile is None or not profile.served_here

    def request(self) -> GrowRequest:
        return GrowRequest(examples=self._examples(), count=self.target.value() - len(self.all_rows),
                           model=self.model_combo.currentText().strip(),
                           instructions=self.instructions.toPlainText().strip(),
                           temperature=self.temperature.value(),
                           passages=self.passages if self._source() == DOCUMENT else ())

    def _show_estimate(self) -> None:
        request = self.request()
        if request.count < 1:
            self.estimate.setText(self.tr("The file already has {n} rows: choose a larger number.").format(
                n=f"{len(self.all_rows):,}"))
        elif not request.model:
            self.estimate.setText(self.tr("Choose the model that writes the new rows."))
        elif not (request.examples or request.passages):
            self.estimate.setText(self.tr("Open or paste a document to grow from."))
        else:
            cost = cost_text(estimate_cost(request), self.billed())
            self.estimate.setText(self.tr("{n} new rows, to review before they join the file. Estimated cost: "
                                          "{cost}.").format(n=f"{request.count:,}", cost=cost))
        self.grow_button.setEnabled(request.count >= 1 and bool(request.model)
                                    and bool(request.examples or request.passages))

    # -- loading ---------------------------------------------------------------------------------------
    async def _load_models(self) -> None:
        profile = self.service.settings.profile(str(self.profile_combo.currentData()))
        if profile is None:
            return
        provider = await connect(self.service, profile)
        try:
            models = await provider.list_models()
        finally:
            await provider.close()
        chat = [m for m in models if not is_legacy_model(m.id)]  # completion models cannot write chat rows
        names = [m.id for m in chat if not m.fine_tuned] + [m.id for m in chat if m.fine_tuned]
        text = self.model_combo.currentText()
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        self.model_combo.addItems(names)
        self.model_combo.setCurrentText(text if text else names[0] if names else "")
        self.model_combo.blockSignals(False)
        self._show_estimate()

    async def _open_document(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in SUFFIXES)
        path = await choose_file(self, self.tr("Open a document"), self.tr("Documents ({patterns})").format(
            patterns=patterns))
        if path is not None:
            await self.use_document(path)

    async def use_document(self, path: Path) -> None:
        """Read ``path`` (off the GUI thread) and grow from its passages."""
        text = await run_blocking(read_document, path)
        self.document_name = path.name
        self._set_passages(split_passages(text), path.name)

    def _pasted_changed(self) -> None:
        text = self.pasted.toPlainText().strip()
        self._set_passages(split_passages(text) if text else (), self.tr("pasted text") if text else "")

    def _set_passages(self, passages: tuple[str, ...], name: str) -> None:
        self.passages = passages
        self.document_label.setText(self.tr("{name}: {n} passages").format(name=name, n=len(passages))
                                    if passages else "")
        self._estimate_timer.start()

    def _accept(self) -> None:
        from core.grow.model import check_request

        try:
            check_request(self.request())
        except GrowError as error:
            self.messages.show_error(error.user_message, error.hint)
            return
        self.chosen.emit(GrowChoice(str(self.profile_combo.currentData()), self.request()))
        self.accept()
