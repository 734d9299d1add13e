"""The new-job form: files, base model (incl. your own ft: models), suffix with a live model-name
preview, method and hyperparameters (auto by default), seed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.deadlines import days_left, shutdown_text
from core.errors import CoreError
from core.providers.base import Capabilities, check_suffix, model_name_preview
from core.providers.records import BaseModel, Hyperparameters
from gui.colors import colour
from gui.theme import make_primary
from gui.widgets.plain_text import plain_label, tooltip
from gui.widgets.retranslating import Retranslating


class NamePreview(QWidget):
    """The model's future name and, under it, a warning in the error colour: both plain text, since model
    ids come from the server."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name, self.warning = plain_label(QLabel(wordWrap=True)), plain_label(QLabel(wordWrap=True))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name)
        layout.addWidget(self.warning)

    def show_name(self, name: str, warning: str = "") -> None:
        self.name.setText(name)
        self.name.setVisible(bool(name))
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.warning.setStyleSheet(f"color:{colour('error')};")

    def text(self) -> str:
        """What the user reads, a line each."""
        return "\n".join(label.text() for label in (self.name, self.warning) if label.text())


class JobForm(Retranslating, QWidget):
    browse_clicked = Signal(str)  # "training" or "validation"
    start_clicked = Signal()
    get_models_clicked = Signal()  # the provider downloads base models to this computer first

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.training_edit, self.validation_edit = QLineEdit(), QLineEdit()
        self.browse_training, self.browse_validation = QPushButton(), QPushButton()
        self.model_combo = QComboBox(editable=True)
        self.get_models_button = QPushButton()
        self.suffix_edit, self.preview = QLineEdit(), NamePreview()
        self.method_combo = QComboBox()
        self.method_combo.addItems(["", ""])
        self.epochs, self.batch_size = QSpinBox(maximum=50), QSpinBox(maximum=256)
        self.lr_multiplier = QDoubleSpinBox(maximum=10.0, decimals=2, singleStep=0.1)
        self.beta = QDoubleSpinBox(maximum=2.0, decimals=2, singleStep=0.05)
        self.seed = QSpinBox(minimum=-1, maximum=2_147_483_647, value=-1)
        self.metadata_edit = QLineEdit()
        self.start_button = make_primary(QPushButton())
        self.shutdowns: dict[str, str] = {}
        self.capabilities = Capabilities()
        self.form = QFormLayout(self)
        self.labels = [QLabel() for _ in range(12)]
        for label, edit, button in ((self.labels[0], self.training_edit, self.browse_training),
                                    (self.labels[1], self.validation_edit, self.browse_validation)):
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(button)
            self.form.addRow(label, row)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model_combo, 1)
        model_row.addWidget(self.get_models_button)
        for label, widget in zip(self.labels[2:], (model_row, self.suffix_edit, self.preview,
                                                   self.method_combo, self.epochs, self.batch_size,
                                                   self.lr_multiplier, self.beta, self.seed, self.metadata_edit),
                                 strict=True):
            self.form.addRow(label, widget)
        self.form.addRow(self.start_button)
        self.browse_training.clicked.connect(lambda: self.browse_clicked.emit("training"))
        self.browse_validation.clicked.connect(lambda: self.browse_clicked.emit("validation"))
        self.start_button.clicked.connect(self.start_clicked)
        self.get_models_button.clicked.connect(self.get_models_clicked)
        self.suffix_edit.textChanged.connect(lambda _: self._show_preview())
        self.model_combo.currentTextChanged.connect(lambda _: self._show_preview())
        self.method_combo.currentIndexChanged.connect(lambda _: self._show_method())
        self.retranslate()
        self._show_method()

    def retranslate(self) -> None:
        labels = (self.tr("Training file"), self.tr("Validation file"), self.tr("Base model"), self.tr("Suffix"),
                  self.tr("Model name"), self.tr("Method"), self.tr("Epochs"), self.tr("Batch size"),
                  self.tr("Learning-rate multiplier"), self.tr("DPO beta"), self.tr("Seed"), self.tr("Labels"))
        for label, text in zip(self.labels, labels, strict=True):
            label.setText(text)
        self.browse_training.setText(self.tr("Choose…"))
        self.browse_validation.setText(self.tr("Choose…"))
        self.validation_edit.setPlaceholderText(self.tr("optional"))
        self.training_edit.setPlaceholderText(self.tr("a JSONL file, or Send to Training in the Dataset tab"))
        self.model_combo.setToolTip(self.tr("Pick a base model or one of your fine-tuned models to continue "
                                            "training it; you can also type a model id."))
        self.get_models_button.setText(self.tr("Get models…"))
        self.get_models_button.setToolTip(self.tr("Download a base model to this computer, or use a model folder "
                                                  "already on disk"))
        self.suffix_edit.setPlaceholderText(self.tr("e.g. support-v1 (optional)"))
        self.method_combo.setItemText(0, self.tr("Supervised (examples of good answers)"))
        self.method_combo.setItemText(1, self.tr("DPO (preferred and non-preferred answers)"))
        auto = self.tr("auto")
        for spin in (self.epochs, self.batch_size, self.lr_multiplier, self.beta):
            spin.setSpecialValueText(auto)
            spin.setToolTip(self.tr("Leave at auto to let the provider choose from your data; change it only if "
                                    "the results show you need to."))
        self.seed.setSpecialValueText(self.tr("random"))
        self.metadata_edit.setPlaceholderText(self.tr("optional, e.g. team=support, data=v3"))
        self.metadata_edit.setToolTip(self.tr("Labels kept with the job (metadata) to find it later"))
        self.start_button.setText(self.tr("Check, estimate and start…"))
        self.set_capabilities(self.capabilities)

    def set_capabilities(self, capabilities: Capabilities) -> None:
        """Offer only what the profile's provider can do, and say why the rest is disabled."""
        self.capabilities = capabilities
        dpo = self.method_combo.model().item(1)  # type: ignore[attr-defined]
        dpo.setEnabled(capabilities.supports_dpo)
        dpo.setToolTip("" if capabilities.supports_dpo else self.tr("This provider does not offer DPO training."))
        if not capabilities.supports_dpo:
            self.method_combo.setCurrentIndex(0)
        for widget in (self.validation_edit, self.browse_validation):
            widget.setEnabled(capabilities.supports_validation_file)
            widget.setToolTip("" if capabilities.supports_validation_file
                              else self.tr("This provider does not take a validation file."))
        if not capabilities.supports_validation_file:
            self.validation_edit.clear()
        self.get_models_button.setVisible(capabilities.downloads_models)
        self.seed.setEnabled(capabilities.supports_seed)
        self.seed.setToolTip("" if capabilities.supports_seed else self.tr("This provider does not take a seed."))
        self._show_preview()

    def set_models(self, models: Sequence[BaseModel], current: str = "") -> None:
        current = current or self.model_combo.currentText()
        self.model_combo.clear()
        for model in models:
            price = f"${model.price_per_million:g}/1M" if model.price_per_million is not None else "?"
            self.model_combo.addItem(model.id)
            tip = self.tr("training {price} tokens · longest example {context} tokens").format(
                price=price, context=model.context_tokens or "?")
            if model.shutdown:
                tip += " · " + self.tr("shuts down {date}").format(date=model.shutdown)
                if left := shutdown_text(model.shutdown):
                    tip += f" ({left})"
            self.model_combo.setItemData(self.model_combo.count() - 1, tooltip(tip), 3)  # 3: tooltip role
        self.shutdowns = {m.id: m.shutdown for m in models if m.shutdown}
        if current and self.model_combo.findText(current) >= 0:  # a model of another provider is not kept
            self.model_combo.setCurrentText(current)

    def _show_method(self) -> None:
        dpo = self.method_combo.currentIndex() == 1
        self.beta.setEnabled(dpo)
        self.form.setRowVisible(9, dpo)

    def _show_preview(self) -> None:
        try:
            suffix = check_suffix(self.suffix_edit.text(), self.capabilities)
        except CoreError as error:
            self.preview.show_name("", f"{error.user_message} {error.hint}".strip())
            return
        model = self.model_combo.currentText().strip()
        shutdown = self.shutdowns.get(model) or self.shutdowns.get(model.removeprefix("ft:").split(":")[0])
        warning = ""
        if shutdown:
            left = days_left(shutdown)
            if left is None:  # a date we cannot read is shown as the server sent it
                warning = self.tr("This model and models trained from it shut down on {date}.").format(date=shutdown)
            elif left <= 0:
                warning = self.tr("This model was shut down on {date}: choose another.").format(date=shutdown)
            else:
                warning = self.tr("This model and models trained from it shut down on {date} ({n} days left).").format(
                    date=shutdown, n=left)
        self.preview.show_name(model_name_preview(model or "?", suffix, self.capabilities), warning)

    # -- what the user chose ---------------------------------------------------------------------
    def training_path(self) -> Path | None:
        return Path(self.training_edit.text().strip()) if self.training_edit.text().strip() else None

    def validation_path(self) -> Path | None:
        return Path(self.validation_edit.text().strip()) if self.validation_edit.text().strip() else None

    def method(self) -> str:
        return "dpo" if self.method_combo.currentIndex() == 1 else "supervised"

    def hyperparameters(self) -> Hyperparameters:
        return Hyperparameters(self.epochs.value() or None, self.batch_size.value() or None,
                               self.lr_multiplier.value() or None,
                               (self.beta.value() or None) if self.method() == "dpo" else None)

    def seed_value(self) -> int | None:
        return None if self.seed.value() < 0 or not self.capabilities.supports_seed else self.seed.value()

    def metadata(self) -> dict[str, str]:
        """``key=value`` pairs, comma separated; raises CoreError for a pair without "=" ."""
        pairs = [part.strip() for part in self.metadata_edit.text().replace("，", ",").split(",") if part.strip()]
        if any("=" not in pair for pair in pairs):
            raise CoreError(self.tr("Write labels as name=value, separated by commas."), "")
        return {key.strip(): value.strip() for key, value in (pair.split("=", 1) for pair in pairs)}
