"""The main window: tabs, menus and the status bar. No business logic lives here."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from core.background import run_blocking
from core.diagnostics import write_diagnostics
from core.errors import CoreError
from core.i18n import tr
from core.paths import data_dir, log_dir, resource_path
from core.profiles import ProfileService
from core.settings import SANDBOX_ID, AppSettings
from core.version import APP_NAME, __version__
from gui import icons, theme
from gui.connection_state import ConnectionState, LinkState
from gui.i18n import LanguageManager
from gui.navigation import DATASET, FILES, HOME, MODELS, SETTINGS, TAB_ICONS, TRAINING, TRY_IT, Navigation
from gui.profile_tab import ProfileTab
from gui.tasks import Tasks
from gui.widgets.plain_text import plain_label, tooltip
from gui.widgets.retranslating import Retranslating

if TYPE_CHECKING:
    from core.dataset.model import Row
    from gui.dataset_tab import DatasetTab
    from gui.files_tab import FilesTab
    from gui.home_page import HomePage
    from gui.models_tab import ModelsTab
    from gui.settings_tab import SettingsTab
    from gui.training_tab import TrainingTab
    from gui.try_it_tab import TryItTab

CHECKING, CLOSING = "check", "close"  # the window's named tasks: a newer one replaces the older
PROFILE_TABS = (HOME, TRAINING, TRY_IT, MODELS, FILES)  # the tabs that work with the active profile's provider
LOOP_WAIT_MS = 20


class MainWindow(Retranslating, QMainWindow):
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

    # -- tabs, built on first use -------------------------------------------------------------------------
    @property
    def home(self) -> HomePage:
        return self._tab(HOME)  # type: ignore[return-value]

    @property
    def settings_tab(self) -> SettingsTab:
        return self._tab(SETTINGS)  # type: ignore[return-value]

    @property
    def dataset_tab(self) -> DatasetTab:
        return self._tab(DATASET)  # type: ignore[return-value]

    @property
    def training_tab(self) -> TrainingTab:
        return self._tab(TRAINING)  # type: ignore[return-value]

    @property
    def try_it_tab(self) -> TryItTab:
        return self._tab(TRY_IT)  # type: ignore[return-value]

    @property
    def models_tab(self) -> ModelsTab:
        return self._tab(MODELS)  # type: ignore[return-value]

    @property
    def files_tab(self) -> FilesTab:
        return self._tab(FILES)  # type: ignore[return-value]

    @property
    def profile_tabs(self) -> tuple[ProfileTab, ...]:
        """The tabs that work with the active profile (Home, Training, Try it, Models, Files), all built."""
        return tuple(self._tab(index) for index in PROFILE_TABS)  # type: ignore[misc]

    def _built_tabs(self, indexes: tuple[int, ...] = tuple(range(7))) -> list[QWidget]:
        """The tabs among ``indexes`` built so far (one never built has nothing to update or cancel)."""
        return [self._built[index] for index in indexes if index in self._built]

    def _tab(self, index: int) -> QWidget:
        """The tab at ``index``, built in place of its placeholder on first use."""
        tab = self._built.get(index)
        if tab is None:
            tab = self._built[index] = self._builders[index]()
            placeholder, current, text = self.tabs.widget(index), self.tabs.currentIndex(), self.tabs.tabText(index)
            tip = self.tabs.tabToolTip(index)
            blocked = self.tabs.blockSignals(True)  # the same tab stays current: nothing to announce
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, tab, icons.icon(TAB_ICONS[index]), text)
            self.tabs.setTabToolTip(index, tip)
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(blocked)
            placeholder.deleteLater()
            if index == DATASET:
                self._show_title()  # its document's name
        return tab

    def _build_home(self) -> QWidget:
        from gui.home_page import HomePage

        tab = HomePage(self.service)
        tab.practise.connect(self._practise)
        tab.open_dataset.connect(self._open_dataset)
        tab.connect_account.connect(self._connect_account)
        tab.start_job.connect(lambda: self.tabs.setCurrentIndex(TRAINING))
        tab.job_chosen.connect(self._show_job)
        tab.model_chosen.connect(self._try_model)
        self.navigation.follow_home(tab)
        return tab

    def _build_settings_tab(self) -> QWidget:
        from gui.settings_tab import SettingsTab  # start-up speed

        tab = SettingsTab(self.service, self.connection, self.languages)
        tab.active_profile_changed.connect(self._active_profile_changed)
        tab.next_step.connect(lambda: self.tabs.setCurrentIndex(DATASET))
        return tab

    def _build_dataset_tab(self) -> QWidget:
        from gui.dataset_tab import DatasetTab  # start-up speed

        tab = DatasetTab(self.service)
        tab.title_changed.connect(self._show_title)
        tab.title_changed.connect(lambda: HOME in self._built and self.home.show_datasets())  # recent files
        tab.send_to_training.connect(self._send_to_training)
        tab.practise.connect(self._practise)
        self.navigation.follow_dataset(tab)
        tab.add_file_actions(self.file_menu)
        for action in (self.file_separator, self.quit_action):  # Quit stays last
            self.file_menu.removeAction(action)
            self.file_menu.addAction(action)
        return tab

    def _build_training_tab(self) -> QWidget:
        from gui.training_tab import TrainingTab  # start-up speed

        tab = TrainingTab(self.service)
        tab.try_model.connect(self._try_model)
        tab.retrain.connect(self._retrain)
        tab.jobs_changed.connect(lambda jobs: HOME in self._built and self.home.jobs_changed(jobs))
        self.navigation.follow_training(tab)
        return tab

    def _build_try_it_tab(self) -> QWidget:
        from gui.try_it_tab import TryItTab  # start-up speed

        tab = TryItTab(self.service)
        tab.add_to_dataset.connect(self._keep_answer)
        self.navigation.follow_try_it(tab)
        return tab

    def _build_models_tab(self) -> QWidget:
        from gui.models_tab import ModelsTab  # start-up speed

        tab = ModelsTab(self.service)
        tab.try_model.connect(self._try_model)
        tab.continue_training.connect(self._continue_training)
        tab.retrain.connect(self._retrain)
        tab.go_training.connect(lambda: self.tabs.setCurrentIndex(TRAINING))
        self.navigation.follow_models(tab)
        return tab

    def _build_files_tab(self) -> QWidget:
        from gui.files_tab import FilesTab  # start-up speed

        tab = FilesTab(self.service)
        tab.go_training.connect(lambda: self.tabs.setCurrentIndex(TRAINING))
        return tab

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
        self.help_menu = self.menuBar().addMenu("")
        self.welcome_action = QAction(self, triggered=self.show_welcome)
        self.guide_action = QAction(self, shortcut="F1", triggered=self.show_guide)
        self.diagnostics_action = QAction(self, triggered=lambda: self.tasks.run(self._export_diagnostics()))
        self.reset_action = QAction(self, triggered=lambda: self.tasks.run(self._reset()))
        self.log_action = QAction(self, triggered=self._open_log_folder)
        self.about_action = QAction(self, triggered=self._show_about)
        self.help_menu.addActions([self.guide_action, self.welcome_action, self.log_action])
        self.help_menu.addSeparator()
        self.help_menu.addActions([self.diagnostics_action, self.reset_action])
        self.help_menu.addSeparator()
        from gui.update_check import UpdateChecker

        self.updates = UpdateChecker(self, self.service, self.tasks)
        self.first_shown.connect(self.updates.check_at_start)
        self.help_menu.addActions([self.updates.action, self.about_action])


    def retranslate(self) -> None:
        self._show_title()
        self.navigation.set_titles((self.tr("Home"), self.tr("Settings"), self.tr("Dataset"), self.tr("Training"),
                                    self.tr("Try it"), self.tr("Models"), self.tr("Files")))
        self.file_menu.setTitle(self.tr("&File"))
        self.quit_action.setText(self.tr("&Quit"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.welcome_action.setText(self.tr("&Welcome guide"))
        self.guide_action.setText(self.tr("&User guide"))
        self.diagnostics_action.setText(self.tr("Export &diagnostics…"))
        self.diagnostics_action.setToolTip(self.tr("Save logs and settings for support, without any key"))
        self.reset_action.setText(self.tr("&Reset the app…"))
        self.log_action.setText(self.tr("Open the &log folder"))
        self.about_action.setText(self.tr("&About FineTune Studio"))
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
        name = self.tr("Sandbox (practice, nothing is billed)") if profile.is_sandbox else profile.name
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

    def show_guide(self) -> None:
        from gui.help import GuideDialog  # start-up speed

        self.guide = GuideDialog(self.languages.language, self)
        self.guide.open()

    async def _export_diagnostics(self) -> None:
        from gui.widgets.dialogs import choose_file  # start-up speed

        path = await choose_file(self, self.tr("Save diagnostics"), "Zip (*.zip)", save=True,
                                 suggested=Path.home() / "finetune-studio-diagnostics.zip")
        if path is not None:
            saved = await run_blocking(write_diagnostics, path)
            self.statusBar().showMessage(self.tr("Diagnostics saved to {path} (no keys inside).").format(
                path=saved), 10_000)

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

    def _open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir())))

    def _show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # start-up speed

        box = QMessageBox(QMessageBox.Icon.Information, self.tr("About FineTune Studio"),
                          self.tr("{app} {version}\nFine-tune OpenAI-compatible models without a terminal.").format(
                              app=APP_NAME, version=__version__), parent=self)
        box.open()  # non-blocking: never exec() under qasync


def _autosaves_left() -> bool:
    """Whether any autosave is in its folder (core.dataset.autosave): only then is the Dataset tab needed at start,
    to find out whether it is unsaved work of an earlier run to offer back."""
    folder = data_dir() / "autosave"
    return folder.is_dir() and any(folder.glob("*.json"))
