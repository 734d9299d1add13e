"""The window's tabs as a way through the app: which tab is which, the step bar above them (fed by what the tabs
already report), their icons, and Ctrl+1 … Ctrl+7."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QTabWidget, QWidget

from gui import icons
from gui.journey import DataState, Journey, Step
from gui.step_bar import StepBar

if TYPE_CHECKING:
    from gui.dataset_tab import DatasetTab
    from gui.home_page import HomePage
    from gui.models_tab import ModelsTab
    from gui.training_tab import TrainingTab
    from gui.try_it_tab import TryItTab

HOME, SETTINGS, DATASET, TRAINING, TRY_IT, MODELS, FILES = range(7)  # the tabs, in their order
STEP_TABS = {Step.CONNECT: SETTINGS, Step.DATA: DATASET, Step.TRAIN: TRAINING, Step.TRY: TRY_IT, Step.USE: MODELS}
TAB_ICONS = ("home", "settings", "dataset", "training", "try", "models", "files")


class Navigation(QObject):
    def __init__(self, window: QWidget, tabs: QTabWidget) -> None:
        super().__init__(window)
        self.tabs = tabs
        self.journey = Journey(self)
        self.step_bar = StepBar(self.journey)
        self.step_bar.step_clicked.connect(lambda step: tabs.setCurrentIndex(STEP_TABS[Step(step)]))
        tabs.currentChanged.connect(lambda _: self.show_current_step())
        icons.notifier().changed.connect(self.show_icons)
        for index in range(tabs.count()):
            action = QAction(window, shortcut=QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, i=index: tabs.setCurrentIndex(i))
            window.addAction(action)

    def set_titles(self, titles: Sequence[str]) -> None:
        """The tabs' names, with their shortcut in the tooltip."""
        for index, title in enumerate(titles):
            self.tabs.setTabText(index, title)
            shortcut = QKeySequence(f"Ctrl+{index + 1}").toString(QKeySequence.SequenceFormat.NativeText)
            self.tabs.setTabToolTip(index, self.tr("{tab} ({shortcut})").format(tab=title, shortcut=shortcut))

    def show_icons(self) -> None:
        for index, name in enumerate(TAB_ICONS):
            self.tabs.setTabIcon(index, icons.icon(name))

    def show_current_step(self) -> None:
        steps = {tab: step for step, tab in STEP_TABS.items()}
        self.step_bar.set_current(steps.get(self.tabs.currentIndex()))

    # -- what the tabs report, as they are built ---------------------------------------------------------
    def follow_home(self, tab: HomePage) -> None:
        tab.jobs_listed.connect(self.journey.set_jobs)
        tab.models_listed.connect(self.journey.set_models)

    def follow_dataset(self, tab: DatasetTab) -> None:
        tab.summary.state_changed.connect(lambda state: self.journey.set_dataset(tab.document_name(),
                                                                                  DataState(state)))

    def follow_training(self, tab: TrainingTab) -> None:
        tab.jobs_changed.connect(self.journey.set_jobs)

    def follow_try_it(self, tab: TryItTab) -> None:
        """The Try step is done once one of the user's own models was asked something; Use once code was copied."""
        def asked() -> None:
            model = tab.known.get(tab.model_combo.currentText().strip())
            if model is not None and model.fine_tuned:
                self.journey.mark_tried()

        tab.send_button.clicked.connect(asked)
        tab.code_menu.triggered.connect(lambda _: self.journey.mark_used())

    def follow_models(self, tab: ModelsTab) -> None:
        tab.models_listed.connect(self.journey.set_models)
