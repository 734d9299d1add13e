"""The fields of one connection profile; turns them into a Profile and back. Each provider shows the
fields it needs: Azure its resource and training type, Bailian its region and training type."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QWidget

from core.settings import BAILIAN_URLS, TRAINING_TYPES, Profile, ProfileKind
from gui.widgets.retranslating import Retranslating

PLACEHOLDER_URLS = {ProfileKind.ZHIPU: "https://open.bigmodel.cn/api/paas/v4",
                    ProfileKind.BAILIAN: BAILIAN_URLS["cn-beijing"]}


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
        self.region.addItems(["", ""])
        self.training_type = QComboBox()
        self.base_url = QLineEdit()
        self.api_key = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.proxy = QLineEdit()
        self.organization = QLineEdit()
        self.project = QLineEdit()
        self.timeout = QDoubleSpinBox(minimum=1, maximum=3600, decimals=0)
        self._layout = QFormLayout(self)
        self._layout.addRow(self.note)
        self._labels: dict[QWidget, QLabel] = {}
        for field in (self.name, self.kind, self.azure_resource, self.region, self.training_type, self.base_url,
                      self.api_key, self.proxy, self.organization, self.project, self.timeout):
            label = QLabel()
            label.setBuddy(field)
            self._labels[field] = label
            self._layout.addRow(label, field)
        self.region.currentIndexChanged.connect(lambda _: self._region_chosen())
        self.retranslate()

    def retranslate(self) -> None:
        texts = {
            self.name: self.tr("&Name"), self.kind: self.tr("Type"),
            self.azure_resource: self.tr("Azure &resource"), self.region: self.tr("Re&gion"),
            self.training_type: self.tr("Training t&ype"), self.base_url: self.tr("&Base URL"),
            self.api_key: self.tr("API &key"), self.proxy: self.tr("&Proxy"),
            self.organization: self.tr("&Organization"), self.project: self.tr("Pro&ject"),
            self.timeout: self.tr("&Timeout"),
        }
        for field, text in texts.items():
            self._labels[field].setText(text)
            field.setAccessibleName(text.replace("&", ""))
        self.region.setItemText(0, self.tr("China (Beijing)"))
        self.region.setItemText(1, self.tr("International (Singapore)"))
        self.azure_resource.setPlaceholderText(self.tr("e.g. my-openai-resource"))
        self.proxy.setPlaceholderText(self.tr("optional, e.g. http://127.0.0.1:7890 or socks5://host:1080"))
        self.organization.setPlaceholderText(self.tr("optional"))
        self.project.setPlaceholderText(self.tr("optional"))
        self.timeout.setSuffix(self.tr(" s"))
        self.api_key.setPlaceholderText(
            self.tr("Saved — type a new key to replace it") if self._has_key else self.tr("Paste your key here"))
        if self._profile is not None:
            self._show_kind(self._profile)
            if self._profile.is_sandbox:  # built in, so its name follows the app's language
                self.name.setText(self.tr("Sandbox"))

    def kind_text(self, kind: ProfileKind) -> str:
        return {ProfileKind.OPENAI: self.tr("OpenAI"), ProfileKind.AZURE: self.tr("Azure OpenAI"),
                ProfileKind.ZHIPU: self.tr("Zhipu BigModel (智谱)"),
                ProfileKind.BAILIAN: self.tr("Alibaba Cloud Bailian (百炼)"),
                ProfileKind.COMPATIBLE: self.tr("OpenAI-compatible gateway or relay"),
                ProfileKind.SANDBOX: self.tr("Sandbox (offline practice server)")}[kind]

    def _training_type_texts(self) -> dict[str, str]:
        return {"Standard": self.tr("Standard (training stays in the resource's region)"),
                "GlobalStandard": self.tr("Global Standard (cheaper; may train in other regions)"),
                "Developer": self.tr("Developer (cheapest; may be paused and resumed by Azure)"),
                "efficient_sft": self.tr("LoRA (efficient; pay-per-token deployment)"),
                "sft": self.tr("Full fine-tuning (deployment billed by the hour)")}

    def _show_kind(self, profile: Profile) -> None:
        self.kind.setText(self.kind_text(profile.kind))
        self.note.setVisible(profile.is_sandbox)
        self.note.setText(self.tr("The Sandbox runs on this computer. It imitates the fine-tuning service so "
                                  "you can rehearse every step for free: no real model is trained and nothing "
                                  "is billed. Add a profile with your own key when you are ready."))
        kinds = ProfileKind
        self._layout.setRowVisible(self.azure_resource, profile.kind is kinds.AZURE)
        self._layout.setRowVisible(self.region, profile.kind is kinds.BAILIAN)
        self._layout.setRowVisible(self.training_type, profile.kind.value in TRAINING_TYPES)
        for field in (self.base_url, self.api_key, self.proxy, self.timeout):
            self._layout.setRowVisible(field, not profile.is_sandbox)
        for field in (self.organization, self.project):  # OpenAI's own fields
            self._layout.setRowVisible(field, profile.kind in (kinds.OPENAI, kinds.COMPATIBLE))
        self.base_url.setPlaceholderText(PLACEHOLDER_URLS.get(profile.kind, "https://api.openai.com/v1"))
        texts = self._training_type_texts()
        for index in range(self.training_type.count()):
            self.training_type.setItemText(index, texts.get(self.training_type.itemData(index), ""))

    def _region_chosen(self) -> None:
        """A region's own address replaces the other region's (a custom address is kept)."""
        url = self.base_url.text().strip()
        if not url or url in BAILIAN_URLS.values():
            self.base_url.setText(list(BAILIAN_URLS.values())[self.region.currentIndex()])

    def load(self, profile: Profile, has_key: bool) -> None:
        self._profile, self._has_key = profile, has_key
        self.name.setText(profile.name)
        self.name.setReadOnly(profile.is_sandbox)
        self.azure_resource.setText(profile.azure_resource)
        self.training_type.clear()
        for value in TRAINING_TYPES.get(profile.kind.value, ()):
            self.training_type.addItem("", value)
        self.training_type.setCurrentIndex(max(self.training_type.findData(profile.training_type), 0))
        self.region.blockSignals(True)
        self.region.setCurrentIndex(list(BAILIAN_URLS).index(profile.region) if profile.region in BAILIAN_URLS else 0)
        self.region.blockSignals(False)
        self.base_url.setText("" if profile.is_sandbox else profile.base_url)
        self.api_key.clear()
        self.proxy.setText(profile.proxy)
        self.organization.setText(profile.organization)
        self.project.setText(profile.project)
        self.timeout.setValue(profile.timeout)
        self.retranslate()

    def profile(self) -> Profile | None:
        """The profile as edited (not yet validated)."""
        if self._profile is None:
            return None
        if self._profile.is_sandbox:
            return self._profile
        region = list(BAILIAN_URLS)[self.region.currentIndex()] if self._profile.kind is ProfileKind.BAILIAN else ""
        return replace(self._profile, name=self.name.text(), base_url=self.base_url.text(),
                       azure_resource=self.azure_resource.text(), proxy=self.proxy.text(),
                       organization=self.organization.text(), project=self.project.text(),
                       timeout=self.timeout.value(), training_type=self.training_type.currentData() or "",
                       region=region)

    def entered_key(self) -> str | None:
        """The key typed by the user, or None to keep the stored one."""
        return self.api_key.text().strip() or None
