"""The main window: tabs, menus and the status bar. No business logic lives here."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from core.background import run_blocking
from core.errors import CoreError
from core.i18n import tr
from core.paths import data_dir, resource_path
from core.profiles import ProfileService
from core.settings import SANDBOX_ID, AppSettings
from core.version import APP_NAME
from gui import icons, theme
from gui.connection_state import ConnectionState, LinkState
from gui.i18n import LanguageManager
from gui.navigation import DATASET, SETTINGS, Navigation
from gui.profile_names import shown_name
from gui.profile_tab import ProfileTab
from gui.tasks import Tasks
from gui.widgets.plain_text import plain_label, tooltip
from gui.widgets.retranslating import Retranslating
from gui.window_tabs import PROFILE_TABS, WindowTabs

if TYPE_CHECKING:
    from core.dataset.model import Row

CHECKING, CLOSING = "check", "close"  # the window's named tasks: a newer one replaces the older
LOOP_WAIT_MS = 20


class MainWindow(Retranslating, WindowTabs, QMainWindow):
    first_shown = Signal()

    def __init__(self, service: ProfileService, languages: LanguageManager) -> None:
        super().__init__()
        self.service, self.languages = service, languages
        self.connection = ConnectionState(self)
        self._shown_once = False
        self._closing = False
        self.tasks = Tasks(self._show_error, "window")
        self.tabs = QTabWidget(documentMode=True)
        # Start-up speed: only the tab in front is built (and its modules imported) now; the others are built
        # when first opened or used (the *_tab properties), the Dataset tab also once the window is shown.
        self._builders: tuple[Callable[[], QWidget], ...] = (
            self._build_home, self._build_settings_tab, self._build_dataset_tab, self._build_training_tab,
            self._build_try_it_tab, self._build_models_tab, self._build_files_tab)
        self._built: dict[int, QWidget] = {}
        for _ in self._builders:
            self.tabs.addTab(QWidget(), "")  # a placeholder until the tab is built
        self.navigation = Navigation(self, self.tabs)
        self.journey, self.step_bar = self.navigation.journey, self.navigation.step_bar
        central = QWidget()
        layout = theme.space(QVBoxLayout(central), 0, 0)
        layout.addWidget(self.step_bar)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.status_label = plain_label(QLabel())
        self.statusBar().addPermanentWidget(self.status_label)
        self._build_menus()
        self.connection.changed.connect(self._show_connection)
        self.setMinimumSize(760, 520)
        self._restore_state()
        self.tabs.currentChanged.connect(lambda _: self._tab_shown())
        self.retranslate()
        self._show_connection()
        self.navigation.show_current_step()
        self.first_shown.connect(self.show_startup_notices)
        self.first_shown.connect(self._after_first_show)

    # -- once shown ---------------------------------------------------------------------------------------
    def _after_first_show(self) -> None:
        """The tab restored in front loads as if it had been opened (its tasks need the running loop), and the
        icon set loads beside the window."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # Qt's events were handled outside the asyncio loop (processEvents): once it runs
            QTimer.singleShot(LOOP_WAIT_MS, self._after_first_show)
            return
        self._tab_shown()
        self.tasks.run(icons.load())

    def _open_dataset(self, path: Path | None) -> None:
        self.tabs.setCurrentWidget(self.dataset_tab)
        if path is None:
            self.dataset_tab.actions.open.trigger()
        else:
            self.dataset_tab.open_file(path)

    def _show_job(self, job_id: str) -> None:
        self.tabs.setCurrentWidget(self.training_tab)
        self.training_tab.select_job(job_id)

    def open_keys(self) -> None:
        """Once the window is shown: open the key store in a worker thread (finding the system keyring takes
        0.1–0.3 s; ProfileService.open_keys_later), then show in Settings where keys are kept."""
        async def open_and_show() -> None:
            await run_blocking(self.service.open_keys)
            if SETTINGS in self._built:
                self.settings_tab._show_key_storage()  # its banner: no keyring, keys kept for this session...

        self.tasks.run(open_and_show())

    def prepare_dataset_tab(self) -> None:
        """Once the window is shown: build the Dataset tab (its File menu commands and shortcuts) and load what
        its first file needs, while the app is idle."""
        async def build() -> None:
            await run_blocking(import_module, "gui.dataset_tab")  # its modules load beside the running window
            if self.isVisible():
                self.dataset_tab.warm_up()

        self.tasks.run(build())

    def show_startup_notices(self) -> None:
        """Tell once what went wrong loading settings or keys (a damaged file set aside...)."""
        notices = self.service.take_notices()
        if notices:
            if not self._has_recovery():  # unsaved work to recover stays in front
                self.tabs.setCurrentWidget(self.settings_tab)
            self.settings_tab.show_error(" ".join(n.message for n in notices),
                                         " ".join(n.hint for n in notices if n.hint))

    def _build_menus(self) -> None:
        self.file_menu = self.menuBar().addMenu("")
        self.file_menu.aboutToShow.connect(lambda: self.dataset_tab)  # the Dataset tab adds its file commands
        self.file_separator = self.file_menu.addSeparator()
        self.quit_action = QAction(self, shortcut="Ctrl+Q", triggered=self.close)
        self.file_menu.addAction(self.quit_action)
        from gui.help_menu import HelpMenu  # start-up speed: with QApplication made

        self.help = HelpMenu(self, self.service, self.languages, self.tasks)
        self.help.welcome_chosen.connect(self.show_welcome)
        self.help.reset_chosen.connect(lambda: self.tasks.run(self._reset()))
        self.first_shown.connect(self.help.updates.check_at_start)


    def retranslate(self) -> None:
        self._show_title()
        self.navigation.set_titles((self.tr("Home"), self.tr("Settings"), self.tr("Dataset"), self.tr("Training"),
                                    self.tr("Try it"), self.tr("Models"), self.tr("Files")))
        self.file_menu.setTitle(self.tr("&File"))
        self.quit_action.setText(self.tr("&Quit"))
        self.help.retranslate()
        self._show_connection()

    def _show_title(self) -> None:
        dataset = self._built.get(DATASET)
        name = dataset.document_name() if dataset is not None else tr("Untitled dataset")  # type: ignore[attr-defined]
        self.setWindowTitle(self.tr("{name}[*] — FineTune Studio").format(name=name))
        self.setWindowModified(self._has_unsaved_changes())

    def _has_unsaved_changes(self) -> bool:
        dataset = self._built.get(DATASET)
        return dataset is not None and dataset.has_unsaved_changes()  # type: ignore[attr-defined]

    def _has_recovery(self) -> bool:
        dataset = self._built.get(DATASET)
        return dataset is not None and dataset.has_recovery()  # type: ignore[attr-defined]

    def _show_error(self, message: str, hint: str) -> None:
        """An error of the window's own tasks (diagnostics, reset), whichever tab is open."""
        from PySide6.QtWidgets import QMessageBox  # start-up speed: its enums take a few ms to make

        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, message, parent=self)
        box.setObjectName("window_error")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(hint)
        box.open()  # non-blocking: never exec() under qasync

    def _tab_shown(self) -> None:
        tab = self._tab(self.tabs.currentIndex()) if self.tabs.currentIndex() >= 0 else None
        if isinstance(tab, ProfileTab) and self._shown_once:
            tab.shown()

    def _try_model(self, model: str) -> None:
        self.tabs.setCurrentWidget(self.try_it_tab)
        self.try_it_tab.set_model(model)

    def _continue_training(self, model: str) -> None:
        self.tabs.setCurrentWidget(self.training_tab)
        self.training_tab.continue_from(model)

    def _retrain(self, job_or_model: str) -> None:
        from gui.retrain_dialog import RetrainDialog  # start-up speed

        self.retrain_dialog = RetrainDialog(self.service, job_or_model, self)
        self.retrain_dialog.started.connect(self._retrained)
        self.retrain_dialog.open()

    def _retrained(self, profile_id: str, job_id: str) -> None:
        """A job was re-created on another profile: show it in that profile's Training tab."""
        self.settings_tab.use_profile(profile_id)
        self.tabs.setCurrentWidget(self.training_tab)
        self.training_tab.show_info(self.tr("Job {id} started on this profile.").format(id=job_id))

    def _keep_answer(self, row: Row) -> None:
        self.dataset_tab.add_example(row, self.tr("Add an answer from Try it"))
        self.try_it_tab.show_info(self.tr("Added to the dataset in the Dataset tab; save it there."))

    def _send_to_training(self, path: Path) -> None:
        self.training_tab.use_file(path)
        self.tabs.setCurrentWidget(self.training_tab)

    # -- status bar -------------------------------------------------------------------------
    def _show_connection(self) -> None:
        profile = self.service.settings.active_profile
        name = shown_name(profile)
        state = self.connection.state if self.connection.profile_name == profile.name else LinkState.UNKNOWN
        text = {LinkState.UNKNOWN: self.tr("not checked yet"), LinkState.CHECKING: self.tr("checking…"),
                LinkState.CONNECTED: self.tr("connected"), LinkState.FAILED: self.tr("not connected")}[state]
        self.status_label.setText(self.tr("Profile: {name} — {state}").format(name=name, state=text))
        self.status_label.setToolTip(tooltip(self.connection.message))
        self.journey.set_connection(self.tr("Sandbox") if profile.is_sandbox else profile.name, state)

    def _active_profile_changed(self) -> None:
        self.journey.profile_changed()
        self._show_connection()
        for tab in self._built_tabs(PROFILE_TABS):  # one not built yet loads the profile when it is
            tab.profile_changed()  # type: ignore[attr-defined]
        self.check_active_profile()

    def check_active_profile(self) -> None:
        """Check the active profile in the background; the status bar shows the outcome."""
        self.tasks.replace(CHECKING, self._check())

    async def _check(self) -> None:
        from core.connection import check_connection  # start-up speed: the providers' SDK loads after the window

        profile = self.service.settings.active_profile
        self.connection.set(profile.name, LinkState.CHECKING)
        try:
            base_url, key = await self.service.endpoint(profile)
            report = await check_connection(profile, key, base_url)
        except CoreError as error:
            self.connection.set(profile.name, LinkState.FAILED, error.user_message)
            return
        failed = report.failed
        self.connection.set(profile.name, LinkState.CONNECTED if report.ok else LinkState.FAILED,
                            failed.message if failed else "")

    # -- window state -----------------------------------------------------------------------
    def _restore_state(self) -> None:
        settings = self.service.settings
        if not settings.window_geometry or not self.restoreGeometry(
                QByteArray.fromBase64(settings.window_geometry.encode())):
            self.resize(1100, 720)
        index = min(max(settings.last_tab, 0), self.tabs.count() - 1)
        if _autosaves_left():
            self._tab(DATASET)  # it offers to recover unsaved work of an earlier run
        if self._has_recovery():
            index = DATASET  # unsaved work to recover comes first
        self._tab(index)
        self.tabs.setCurrentIndex(index)

    def save_state(self) -> None:
        geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self.service.update(window_geometry=geometry, last_tab=self.tabs.currentIndex())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            QTimer.singleShot(0, self.first_shown.emit)  # after the first paint has been queued

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._has_unsaved_changes() and not self._closing:
            event.ignore()  # ask first, without blocking the loop; close again once answered
            self.tabs.setCurrentWidget(self.dataset_tab)
            self.tasks.replace(CLOSING, self._close_after_asking())
            return
        self.save_state()
        for tab in self._built_tabs((DATASET, *PROFILE_TABS, SETTINGS)):
            tab.cancel_tasks()  # type: ignore[attr-defined]
        self.tasks.cancel_all()
        super().closeEvent(event)

    # -- first run ------------------------------------------------------------------------------------------
    def first_run(self) -> None:
        """The welcome guide, once: on the first start."""
        if not self.service.settings.welcome_done:
            self.show_welcome()

    def show_welcome(self) -> None:
        from gui.welcome import WelcomeDialog  # start-up speed: shown once the window is up

        self.welcome = WelcomeDialog(self.languages.language, self)
        self.welcome.language_chosen.connect(self.settings_tab.choose_language)
        self.welcome.practice_chosen.connect(self._practise)
        self.welcome.account_chosen.connect(self._connect_account)
        self.welcome.finished.connect(lambda _: self.service.update(welcome_done=True))
        self.welcome.open()

    def _practise(self) -> None:
        """Open a copy of the demo project (the bundled file stays untouched) in the Dataset tab."""
        from core.fileio import write_atomically

        demo = data_dir() / "samples" / "demo_support.jsonl"
        if not demo.exists():
            write_atomically(demo, resource_path("samples", "demo_support.jsonl").read_bytes())
        if self.service.settings.active_profile_id != SANDBOX_ID:  # practice never bills: use the Sandbox
            self.settings_tab.use_profile(SANDBOX_ID)
        self.tabs.setCurrentWidget(self.dataset_tab)
        self.dataset_tab.open_file(demo, self.tr("This is a small demo project in English and Chinese."), self.tr(
            "Look through the examples, then click Send to Training: the Sandbox trains it in under a minute."))

    def _connect_account(self) -> None:
        from core.providers.registry import WELCOME

        self.tabs.setCurrentWidget(self.settings_tab)
        self.settings_tab.add_profile(WELCOME.kind)

    async def _reset(self) -> None:
        """Back to a fresh install: profiles and their keys removed, settings back to defaults. Datasets,
        jobs at the provider and exported files are not touched."""
        from gui.widgets.dialogs import Button, ask

        if await ask(self, self.tr("Reset the app?"), self.tr(
                "Remove every connection profile and its saved key, and set all settings back to their defaults? "
                "Your data files are not touched."), Button.Reset | Button.Cancel, Button.Cancel) != Button.Reset:
            return
        for profile in self.service.settings.profiles:
            if not profile.is_sandbox:
                self.service.delete_profile(profile.id)
        self.service.update(**{name: value for name, value in asdict(AppSettings()).items()
                               if name not in ("profiles", "version", "key_storage")})
        theme.save_theme("system")
        theme.apply_theme("system")
        self.settings_tab.reload()
        self._active_profile_changed()
        self.statusBar().showMessage(self.tr("The app was reset."), 10_000)

    async def _close_after_asking(self) -> None:
        if await self.dataset_tab.may_discard():
            self._closing = True
            self.close()


def _autosaves_left() -> bool:
    """Whether any autosave is in its folder (core.dataset.autosave): only then is the Dataset tab needed at start,
    to find out whether it is unsaved work of an earlier run to offer back."""
    folder = data_dir() / "autosave"
    return folder.is_dir() and any(folder.glob("*.json"))
