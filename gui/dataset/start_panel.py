"""What the Dataset tab shows before any dataset is open: where the examples will appear, and the three ways to
get some (open a file, start from a template, practise with the demo project in the Sandbox)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QPushButton, QWidget

from gui import icons
from gui.dataset.actions import DatasetActions
from gui.theme import make_primary
from gui.widgets.empty_state import EmptyState
from gui.widgets.retranslating import Retranslating


class StartPanel(Retranslating, EmptyState):
    practise = Signal()

    def __init__(self, view: QWidget, actions: DatasetActions, parent: QWidget | None = None) -> None:
        super().__init__(view, "dataset", parent)
        self.open_button = self.add_button(make_primary(QPushButton()))
        self.template_button = self.add_button(QPushButton())
        self.practise_button = self.add_button(QPushButton())
        self.templates = QMenu(self)
        self.templates.addActions(list(actions.templates.values()))
        self.template_button.setMenu(self.templates)
        self.open_button.clicked.connect(actions.open.trigger)
        self.practise_button.clicked.connect(self.practise)
        icons.attach(self.open_button, "open", icons.ON_ACCENT)
        icons.attach(self.template_button, "template")
        icons.attach(self.practise_button, "practise")
        self.set_empty(True)  # until a dataset is shown
        self.retranslate()

    def retranslate(self) -> None:
        self.set_message(self.tr("Your training examples appear here, one row each, checked as you edit them."))
        self.open_button.setText(self.tr("Open a file…"))
        self.template_button.setText(self.tr("Start from a template"))
        self.practise_button.setText(self.tr("Practise in the Sandbox"))
        self.practise_button.setToolTip(self.tr("Open a small demo project and train it for free in the Sandbox"))
