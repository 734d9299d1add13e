"""The fields of one connection profile; turns them into a Profile and back. Which fields a provider shows, with
their labels, help texts and lists, comes from its spec (core/providers): the form names no provider."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QWidget

from core.i18n import tr
from core.providers.registry import spec_for
from core.providers.spec import ProfileField
from core.settings import Profile
from gui.widgets.retranslating import Retranslating


class ProfileForm(Retranslating, QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._profile: Profile | None = None
        self._has_key = False
        self.note = QLabel(wordWrap=True)
        self.name = QLineEdit()
        self.kind = QLabel()
        self.azure_resource = QLineEdit()
        self.region = QComboBox()
        self.training_type = QComboBox()
        self.base_url = QLineEdit()
        self.api_key = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.proxy = QLineEdit()
        self.organization = QLineEdit()
        self.project = QLineEdit()
        self.timeout = QDoubleSpinBox(minimum=1, maximum=3600, decimals=0)
        # The input of each value a provider's spec may ask for, by field name, in the order of the rows.
        self.inputs: dict[str, QWidget] = {
            "azure_resource": self.azure_resource, "region": self.region, "training_type": self.training_type,
            "base_url": self.base_url, "api_key": self.api_key, "proxy": self.proxy,
            "organization": self.organization, "project": self.project, "timeout": self.timeout}
        self._layout = QFormLayout(self)
        self._layout.addRow(self.note)
        self._labels: dict[QWidget, QLabel] = {}
        for field in (self.name, self.kind, *self.inputs.values()):
            label = QLabel()
            label.setBuddy(field)
            self._labels[field] = label
            self._layout.addRow(label, field)
        for name, widget in self.inputs.items():
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _, n=name: self._chosen(n))
        self.retranslate()

    def retranslate(self) -> None:
        for field, text in ((self.name, self.tr("&Name")), (self.kind, self.tr("Type"))):
            self._labels[field].setText(text)
            field.setAccessibleName(text.replace("&", ""))
        self.timeout.setSuffix(self.tr(" s"))
        self.api_key.setPlaceholderText(
            self.tr("Saved — type a new key to replace it") if self._has_key else self.tr("Paste your key here"))
        if self._profile is not None:
            self._show_kind(self._profile)
            if self._profile.is_sandbox:  # built in, so its name follows the app's language
                self.name.setText(self.tr("Sandbox"))

    def _show_kind(self, profile: Profile) -> None:
        """The rows, labels, help texts and list entries of ``profile``'s provider."""
        spec = spec_for(profile.kind)
        self.kind.setText(spec.title)
        self.note.setVisible(bool(spec.note))
        self.note.setText(tr(spec.note))
        for name, widget in self.inputs.items():
            field = spec.field(name)
            self._layout.setRowVisible(widget, field is not None)
            if field is not None:
                self._label(widget, field)

    def _label(self, widget: QWidget, field: ProfileField) -> None:
        text = tr(field.label)
        self._labels[widget].setText(text)
        widget.setAccessibleName(text.replace("&", ""))
        if isinstance(widget, QLineEdit) and widget is not self.api_key:  # the key's help says whether one is saved
            widget.setPlaceholderText(tr(field.help))
        if isinstance(widget, QComboBox):
            for index, choice in enumerate(field.choices):
                widget.setItemText(index, tr(choice.label))

    def _chosen(self, name: str) -> None:
        """An entry that stands for an address (a region's) replaces another entry's address; a typed one is kept."""
        field = spec_for(self._profile.kind).field(name) if self._profile is not None else None
        if field is None or not field.choices:
            return
        chosen = field.choice(self.inputs[name].currentData() or "").url
        url = self.base_url.text().strip()
        if chosen and (not url or url in {c.url for c in field.choices}):
            self.base_url.setText(chosen)

    def load(self, profile: Profile, has_key: bool) -> None:
        self._profile, self._has_key = profile, has_key
        spec = spec_for(profile.kind)
        self.name.setText(profile.name)
        self.name.setReadOnly(profile.is_sandbox)
        for name, widget in self.inputs.items():
            value = getattr(profile, name, "")
            if isinstance(widget, QComboBox):
                field = spec.field(name)
                widget.blockSignals(True)
                widget.clear()
                for choice in field.choices if field else ():
                    widget.addItem("", choice.value)
                widget.setCurrentIndex(max(widget.findData(value), 0))
                widget.blockSignals(False)
            elif isinstance(widget, QDoubleSpinBox):
                widget.setValue(value)
            elif isinstance(widget, QLineEdit):
                widget.setText(value if spec.field(name) else "")
        self.retranslate()

    def profile(self) -> Profile | None:
        """The profile as edited (not yet validated): the values of the fields its provider shows."""
        if self._profile is None:
            return None
        if self._profile.is_sandbox:
            return self._profile
        spec = spec_for(self._profile.kind)
        edited = {name: self._value(widget) for name, widget in self.inputs.items()
                  if spec.field(name) is not None and widget is not self.api_key}
        return replace(self._profile, name=self.name.text(), **edited)

    @staticmethod
    def _value(widget: QWidget) -> object:
        if isinstance(widget, QComboBox):
            return widget.currentData() or ""
        if isinstance(widget, QDoubleSpinBox):
            return widget.value()
        return widget.text()

    def entered_key(self) -> str | None:
        """The key typed by the user, or None to keep the stored one."""
        return self.api_key.text().strip() or None
