"""Settings: connection profiles, the API key's storage, test connection, language."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import CoreError
from core.i18n import tr
from core.profiles import ProfileService
from core.providers.registry import addable, spec_for
from core.secrets import storage_warning
from core.settings import KeyStorage, env_profile, new_profile
from gui import icons, theme
from gui.connection_state import ConnectionState, LinkState
from gui.i18n import LanguageManager
from gui.item_models.profile_list_model import ProfileIdRole, ProfileListModel
from gui.tasks import Tasks
from gui.update_check import UpdateOptIn
from gui.widgets.connection_results import ConnectionResults
from gui.widgets.message_bar import MessageBar
from gui.widgets.plain_text import plain_label
from gui.widgets.profile_form import ProfileForm
from gui.widgets.retranslating import Retranslating

log = logging.getLogger(__name__)
LANGUAGES = ("system", "en", "zh_CN")
TESTING = "test"  # the connection test in the tab's tasks


class SettingsTab(Retranslating, QWidget):
    active_profile_changed = Signal()
    next_step = Signal()  # connected: on to preparing the data

    def __init__(self, service: ProfileService, connection: ConnectionState, languages: LanguageManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service, self.connection, self.languages = service, connection, languages
        self.model = ProfileListModel(service)
        self.messages = MessageBar()
        self.tasks = Tasks(self.messages.show_error, "settings")
        self.key_banner = MessageBar()
        self.env_banner = MessageBar()
        self.profiles_box, self.profile_box, self.language_box = QGroupBox(), QGroupBox(), QGroupBox()
        self.profile_list = QListView()
        self.profile_list.setModel(self.model)
        self.add_button, self.delete_button, self.activate_button = QToolButton(), QPushButton(), QPushButton()
        self.add_menu = QMenu(self)
        self.add_button.setMenu(self.add_menu)
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.form = ProfileForm()
        self.save_button, self.test_button, self.next_button = QPushButton(), QPushButton(), QPushButton()
        self.results = ConnectionResults()
        self.only_sandbox = theme.text_role(plain_label(QLabel(wordWrap=True)), "caption")
        self.language_combo, self.language_label = QComboBox(), QLabel()
        self.theme_combo, self.theme_label = QComboBox(), QLabel()
        self._build_layout()
        self._connect()
        self.retranslate()
        self._select(service.settings.active_profile_id)
        self._show_key_storage()

    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.add_button, self.delete_button, self.activate_button):
            buttons.addWidget(button)
        left = QVBoxLayout(self.profiles_box)
        left.addWidget(self.profile_list)
        left.addWidget(self.only_sandbox)
        left.addLayout(buttons)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.save_button)
        actions.addWidget(self.test_button)
        actions.addWidget(self.next_button)
        right = QVBoxLayout(self.profile_box)
        right.addWidget(self.form)
        right.addLayout(actions)
        right.addWidget(self.results)
        right.addStretch(1)
        language = QFormLayout(self.language_box)
        language.addRow(self.language_label, self.language_combo)
        language.addRow(self.theme_label, self.theme_combo)
        self.update_opt_in = UpdateOptIn(self.service)
        language.addRow(self.update_opt_in)
        self.theme_combo.addItems([""] * len(theme.THEMES))
        self.theme_combo.setCurrentIndex(theme.THEMES.index(theme.saved_theme()))
        icons.attach(self.next_button, "next", icons.ON_ACCENT)  # shown only as the primary action
        columns = QHBoxLayout()
        columns.addWidget(self.profiles_box, 1)
        columns.addWidget(self.profile_box, 2)
        layout = QVBoxLayout(self)
        for widget in (self.messages, self.key_banner, self.env_banner):
            layout.addWidget(widget)
        layout.addLayout(columns, 1)
        layout.addWidget(self.language_box)

    def _connect(self) -> None:
        self.profile_list.selectionModel().currentChanged.connect(lambda *_: self._show_selected())
        for kind in (spec.kind for spec in addable()):
            action = self.add_menu.addAction("")
            action.setData(kind)
            action.triggered.connect(lambda _=False, k=kind: self.add_profile(k))
        self.delete_button.clicked.connect(self.delete_profile)
        self.activate_button.clicked.connect(self.activate_profile)
        self.save_button.clicked.connect(self.save_profile)
        self.test_button.clicked.connect(self.toggle_test)
        self.language_combo.currentIndexChanged.connect(self._language_chosen)
        self.theme_combo.currentIndexChanged.connect(self._theme_chosen)
        self.next_button.clicked.connect(self.next_step)
        self.connection.changed.connect(self._show_next)
        self.active_profile_changed.connect(self._show_next)
        self.key_banner.action_clicked.connect(self._switch_key_storage)
        self.env_banner.action_clicked.connect(self.import_env_profile)


    def retranslate(self) -> None:
        self.messages.hide()  # a notice shown in the previous language is stale
        self.profiles_box.setTitle(self.tr("Connection profiles"))
        self.profile_box.setTitle(self.tr("Profile"))
        self.language_box.setTitle(self.tr("Language and look"))
        self.language_label.setText(self.tr("Language of the app"))
        self.theme_label.setText(self.tr("Colours"))
        for index, text in enumerate((self.tr("Follow the system"), self.tr("Light"), self.tr("Dark"))):
            self.theme_combo.setItemText(index, text)
        self.theme_combo.setAccessibleName(self.tr("Colours"))
        self.next_button.setText(self.tr("Next: prepare data"))
        self.next_button.setToolTip(self.tr("Open the Dataset tab"))
        self.only_sandbox.setText(self.tr("Only the practice Sandbox so far. To train for real, click Add… and "
                                          "connect an account."))
        self._show_next()
        self.add_button.setText(self.tr("Add…"))
        self.delete_button.setText(self.tr("Delete"))
        self.activate_button.setText(self.tr("Use this profile"))
        self.save_button.setText(self.tr("Save"))
        self._set_test_button_text()
        for action in self.add_menu.actions():
            action.setText(spec_for(action.data()).title)
        self.language_combo.blockSignals(True)
        self.language_combo.clear()
        self.language_combo.addItems([self.tr("Follow the system"), "English", "简体中文"])
        self.language_combo.setCurrentIndex(self._saved_language_index())
        self.language_combo.blockSignals(False)
        self.language_combo.setAccessibleName(self.tr("Language of the app"))
        self.profile_list.setAccessibleName(self.tr("Connection profiles"))
        self._show_key_storage()
        self._show_env_offer()
        self.model.layoutChanged.emit()

    # -- what MainWindow calls -------------------------------------------------------------------------
    def show_error(self, message: str, hint: str = "") -> None:
        self.messages.show_error(message, hint)

    def choose_language(self, language: str) -> None:
        """Switch the app to ``language`` ("en", "zh_CN" or "system"), as if chosen here."""
        self.language_combo.setCurrentIndex(LANGUAGES.index(language))

    def reload(self) -> None:
        """The settings were changed elsewhere (the app was reset): show them as they are now."""
        self.model.reload()
        self.language_combo.setCurrentIndex(self._saved_language_index())
        self.update_opt_in.reload()
        self.theme_combo.setCurrentIndex(theme.THEMES.index(theme.saved_theme()))
        self._show_next()

    def is_testing(self) -> bool:
        return self.tasks.busy(TESTING)

    def cancel_tasks(self) -> None:
        self.tasks.cancel_all()

    def _saved_language_index(self) -> int:
        language = self.service.settings.language
        return LANGUAGES.index(language) if language in LANGUAGES else 0

    def _set_test_button_text(self, testing: bool | None = None) -> None:
        testing = self.is_testing() if testing is None else testing
        self.test_button.setText(self.tr("Cancel test") if testing else self.tr("Test connection"))

    # -- profiles ---------------------------------------------------------------------------
    def selected_profile_id(self) -> str:
        return self.profile_list.currentIndex().data(ProfileIdRole) or self.service.settings.active_profile_id

    def _select(self, profile_id: str) -> None:
        index = self.model.index(max(self.model.row_of(profile_id), 0))
        self.profile_list.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self._show_selected()

    def _show_selected(self) -> None:
        profile = self.service.settings.profile(self.selected_profile_id())
        if profile is None:
            return
        self.form.load(profile, bool(not profile.is_sandbox and self.service.key_for(profile)))
        self.delete_button.setEnabled(not profile.is_sandbox)
        self.activate_button.setEnabled(profile.id != self.service.settings.active_profile_id)
        self.save_button.setEnabled(not profile.is_sandbox)
        self.results.clear()

    def _run(self, action: str, call: Callable[[], object]) -> bool:
        """Run a profile change; show its error in the message bar instead of raising."""
        try:
            call()
        except CoreError as error:
            self.messages.show_error(error.user_message, error.hint)
            return False
        log.info("profile %s", action)
        self.messages.hide()
        return True

    def add_profile(self, kind: str) -> None:
        """Show a new profile in the form; it joins the list when the user saves it."""
        names = {p.name for p in self.service.settings.profiles}
        base = tr(spec_for(kind).profile_name)
        name = next(n for n in (base, *(f"{base} {i}" for i in range(2, 100))) if n not in names)
        self.profile_list.selectionModel().clear()
        self.form.load(new_profile(kind, name), has_key=False)
        for button, enabled in ((self.delete_button, False), (self.activate_button, False),
                                (self.save_button, True)):
            button.setEnabled(enabled)
        self.results.clear()
        self.messages.show_info(self.tr("New profile: fill in the fields, then click Save."))
        self.form.name.setFocus()

    def save_profile(self) -> None:
        profile = self.form.profile()
        if profile is None or not self._run("saved", lambda: self.service.save_profile(profile,
                                                                                      self.form.entered_key())):
            return
        self.model.reload()
        self._select(profile.id)
        self.messages.show_info(self.tr("Profile “{name}” saved.").format(name=self.form.name.text()))
        self.active_profile_changed.emit()

    def delete_profile(self) -> None:
        profile_id = self.selected_profile_id()
        if self._run("deleted", lambda: self.service.delete_profile(profile_id)):
            self.model.reload()
            self._select(self.service.settings.active_profile_id)
            self.active_profile_changed.emit()

    def use_profile(self, profile_id: str) -> None:
        """Select ``profile_id`` and make it the active profile."""
        self._select(profile_id)
        self.activate_profile()

    def activate_profile(self) -> None:
        profile_id = self.selected_profile_id()
        if self._run("activated", lambda: self.service.activate(profile_id)):
            self.model.reload()
            self._select(profile_id)
            self.active_profile_changed.emit()

    def import_env_profile(self) -> None:
        found = env_profile()
        if found and self._run("imported", lambda: self.service.save_profile(found[0], found[1])):
            self.model.reload()
            self._select(found[0].id)
            self._show_env_offer()
            self.active_profile_changed.emit()

    # -- connection test --------------------------------------------------------------------
    def toggle_test(self) -> None:
        if self.is_testing():
            self.tasks.cancel(TESTING)
            return
        self.tasks.replace(TESTING, self._test_selected())
        self._set_test_button_text(testing=True)

    async def _test_selected(self) -> None:
        from core.connection import run_checks  # start-up speed

        profile = self.form.profile()
        self.results.clear()
        is_active = profile is not None and profile.id == self.service.settings.active_profile_id
        try:
            profile = self.service.validated(profile)
            base_url, key = await self.service.endpoint(profile)
            if is_active:
                self.connection.set(profile.name, LinkState.CHECKING)
            ok = True
            async for result in run_checks(profile, self.form.entered_key() or key, base_url):
                self.results.add(result)
                ok = ok and result.ok
            if is_active:
                failed = self.results.results[-1].message if not ok else ""
                self.connection.set(profile.name, LinkState.CONNECTED if ok else LinkState.FAILED, failed)
        except asyncio.CancelledError:
            self.messages.show_info(self.tr("Connection test cancelled."))
        except CoreError as error:
            self.messages.show_error(error.user_message, error.hint)
        finally:
            self._set_test_button_text(testing=False)

    # -- key storage, environment, language -------------------------------------------------
    def _show_key_storage(self) -> None:
        warning = storage_warning(self.service.keys, self.service.settings.key_storage)
        if not warning:
            self.key_banner.hide()
        elif self.service.keys.kind is KeyStorage.SESSION:
            self.key_banner.show_warning(warning, action=self.tr("Store keys in a file only I can read"))
        else:
            self.key_banner.show_warning(warning, action=self.tr("Keep keys for this session only"))

    def _switch_key_storage(self) -> None:
        """Toggle between this session only and the opt-in protected file (when there is no keyring)."""
        storage = KeyStorage.FILE if self.service.keys.kind is KeyStorage.SESSION else KeyStorage.SESSION
        if self._run("key storage changed", lambda: self.service.switch_key_storage(storage)):
            self._show_key_storage()

    def _show_env_offer(self) -> None:
        found = env_profile()
        imported = found is not None and any(p.name == found[0].name for p in self.service.settings.profiles)
        if found and not imported:
            self.env_banner.show_info(self.tr("An API key was found in the OPENAI_API_KEY environment variable."),
                                      action=self.tr("Import as a profile"))
        else:
            self.env_banner.hide()

    def _theme_chosen(self, index: int) -> None:
        choice = theme.THEMES[index]
        if choice != theme.saved_theme():
            theme.save_theme(choice)
            theme.apply_theme(choice)

    def _show_next(self) -> None:
        """Once the active profile is connected, the next step is the primary action; until then, the test."""
        active = self.service.settings.active_profile
        connected = self.connection.state is LinkState.CONNECTED and self.connection.profile_name == active.name
        self.next_button.setVisible(connected)
        theme.make_primary(self.next_button if connected else self.test_button, True)
        theme.make_primary(self.test_button if connected else self.next_button, False)
        self.only_sandbox.setVisible(len(self.service.settings.profiles) == 1)

    def _language_chosen(self, index: int) -> None:
        language = LANGUAGES[index]
        self.service.update(language=language)
        self.languages.apply(language)
