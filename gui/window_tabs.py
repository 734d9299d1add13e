"""The main window's tabs, each built in place of its placeholder on first use (start-up speed), and wired to the
window as it is built. A part of MainWindow (gui/main_window.py), which holds the tabs, the navigation and the
slots used here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from gui import icons
from gui.navigation import DATASET, FILES, HOME, MODELS, SETTINGS, TAB_ICONS, TRAINING, TRY_IT
from gui.profile_tab import ProfileTab

if TYPE_CHECKING:
    from gui.dataset_tab import DatasetTab
    from gui.files_tab import FilesTab
    from gui.home_page import HomePage
    from gui.models_tab import ModelsTab
    from gui.settings_tab import SettingsTab
    from gui.training_tab import TrainingTab
    from gui.try_it_tab import TryItTab

PROFILE_TABS = (HOME, TRAINING, TRY_IT, MODELS, FILES)  # the tabs that work with the active profile's provider


class WindowTabs:
    """Mixed into MainWindow before QMainWindow."""

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
