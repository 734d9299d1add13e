"""Examples, format, tokens, the cost estimate for a base model and epochs, and whether the file is
ready to train; with the Send to Training button."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from core.dataset.check import CheckReport
from core.dataset.estimate import MAX_EPOCHS, estimate, price_table
from core.dataset.sources import describe
from gui.colors import span
from gui.theme import make_primary
from gui.widgets.retranslating import Retranslating


class SummaryBar(Retranslating, QWidget):
    model_changed = Signal(str)
    send_clicked = Signal()
    state_changed = Signal(str)  # "none", "checking", "errors" or "ready": whether the data can be trained on

    def __init__(self, model: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: CheckReport | None = None
        self.loading = False
        self.state = "none"
        self.facts = QLabel(textFormat=Qt.TextFormat.RichText, wordWrap=True)
        self.model_label, self.epochs_label = QLabel(), QLabel()
        self.model_combo = QComboBox(editable=True)
        self.model_combo.addItems(sorted(price_table().per_million))
        self.model_combo.setCurrentText(model)
        self.epochs = QSpinBox(minimum=0, maximum=MAX_EPOCHS)
        self.send_button = make_primary(QPushButton())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.facts, 1)
        for widget in (self.model_label, self.model_combo, self.epochs_label, self.epochs, self.send_button):
            layout.addWidget(widget)
        self.model_combo.currentTextChanged.connect(self.model_changed)
        self.epochs.valueChanged.connect(lambda _: self._show())
        self.send_button.clicked.connect(self.send_clicked)
        self.retranslate()


    def retranslate(self) -> None:
        self.model_label.setText(self.tr("Base model:"))
        self.model_combo.setToolTip(self.tr("The model you will fine-tune: it sets the tokenizer, the longest "
                                            "example and the price."))
        self.epochs_label.setText(self.tr("Epochs:"))
        self.epochs.setSpecialValueText(self.tr("auto"))
        self.epochs.setToolTip(self.tr("How many times training goes through your examples; auto follows the "
                                       "API's rule."))
        self.send_button.setText(self.tr("Send to Training"))
        self.send_button.setToolTip(self.tr("Save the file and use it in the Training tab"))
        self._show()

    def show_report(self, report: CheckReport | None, loading: bool = False) -> None:
        self.report, self.loading = report, loading
        self._show()
        state = "none" if report is None and not loading else "checking" if loading or report is None \
            else "errors" if report.errors or not report.examples else "ready"
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _show(self) -> None:
        report = self.report
        if report is None:
            self.facts.setText(self.tr("Opening and checking…") if self.loading else self.tr("No dataset open."))
            self.send_button.setEnabled(False)
            return
        tokens = report.tokens
        cost = estimate(report.estimate.model, tokens.total, report.examples, self.epochs.value() or None)
        price = (self.tr("about ${usd:,.2f} for {epochs} epochs (prices as of {date}, an estimate)").format(
                     usd=cost.usd, epochs=cost.epochs, date=cost.prices_as_of) if cost.usd is not None
                 else self.tr("no price known for this model"))
        errors = len(report.errors)
        if self.loading:
            verdict = span("muted", self.tr("checking…"))
        elif errors:
            verdict = span("error", "<b>{}</b>".format(self.tr("Errors to fix before training: {n}").format(n=errors)))
        else:
            verdict = span("ok", "<b>{}</b>".format(self.tr("Ready to train")))
        facts = self.tr("{examples} examples · {format} · {tokens} tokens (longest {max}) · {price}"
                        " — {verdict}").format(examples=f"{report.examples:,}", format=report.format.value,
                                               tokens=f"{tokens.total:,}", max=f"{tokens.max:,}",
                                               price=price, verdict=verdict)
        converted = describe(report.origins, report.notes, report.format.value)
        if converted:
            facts += "<br>" + span("muted", html.escape(self.tr("Recognised: {what}").format(what=converted)))
        self.facts.setText(facts)
        self.send_button.setEnabled(not self.loading and not errors)
