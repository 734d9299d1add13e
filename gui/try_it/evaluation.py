"""Run a validation set in Try it: every prompt of a file to one or two models, a few at a time, with
progress and cancel; expected vs. actual answers with a similarity score; export to CSV."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.background import run_blocking
from core.dataset.io import read_rows
from core.evaluate import Outcome, cases_from_rows, run_cases, save_outcomes
from core.providers.base import Provider
from gui.item_models.outcomes_table_model import OutcomesModel
from gui.tasks import Tasks
from gui.widgets.dialogs import DATASET_FILTER, choose_file
from gui.widgets.plain_text import plain_label
from gui.widgets.retranslating import Retranslating

RUNNING = "validation set"  # the name of the run in the tab's tasks


class EvaluationPanel(Retranslating, QWidget):
    """``other_profiles`` gives (id, name) of the profiles the compared model may be on (an old OpenAI model beside
    its copy retrained elsewhere); ``connect_profile`` connects to one of them."""

    def __init__(self, session: Callable[[], Awaitable[Provider]], models: Callable[[], list[str]], tasks: Tasks,
                 other_profiles: Callable[[], list[tuple[str, str]]] = list,
                 connect_profile: Callable[[str], Awaitable[Provider]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.models, self.tasks = session, models, tasks
        self.other_profiles, self.connect_profile = other_profiles, connect_profile
        self.compared_on = QComboBox()
        self.table = OutcomesModel()
        self.view = QTableView()
        self.view.setModel(self.table)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.file_edit, self.browse = QLineEdit(), QPushButton()
        self.sample = QSpinBox(maximum=100_000)
        self.run_button, self.cancel_button, self.export_button = QPushButton(), QPushButton(), QPushButton()
        self.progress, self.summary = QProgressBar(), plain_label(QLabel())
        top = QHBoxLayout()
        for widget in (self.file_edit, self.browse, self.sample, self.compared_on, self.run_button,
                       self.cancel_button):
            top.addWidget(widget)
        top.setStretch(0, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.browse.clicked.connect(lambda: self.tasks.run(self._browse()))
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(lambda: self.tasks.cancel(RUNNING))
        self.export_button.clicked.connect(lambda: self.tasks.run(self._export()))
        self._busy(False)
        self.retranslate()

    def retranslate(self) -> None:
        self.file_edit.setPlaceholderText(self.tr("a validation file (JSONL, CSV or Excel)"))
        self.browse.setText(self.tr("Choose…"))
        self.sample.setSpecialValueText(self.tr("all examples"))
        self.sample.setSuffix(self.tr(" examples"))
        self.sample.setToolTip(self.tr("Try a random sample of this many examples"))
        self.run_button.setText(self.tr("Run"))
        self.run_button.setToolTip(self.tr("Ask the chosen model (and the compared one) every question of the file"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.compared_on.setToolTip(self.tr("Where the compared model answers: this profile, or another one (e.g. "
                                            "the old OpenAI model beside its copy retrained elsewhere)"))
        self._fill_profiles()

    def _fill_profiles(self) -> None:
        chosen = self.compared_on.currentData()
        self.compared_on.clear()
        self.compared_on.addItem(self.tr("compared model on this profile"), "")
        for profile_id, name in self.other_profiles():
            self.compared_on.addItem(self.tr("compared model on “{name}”").format(name=name), profile_id)
        self.compared_on.setCurrentIndex(max(0, self.compared_on.findData(chosen)))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        self._fill_profiles()  # profiles may have been added in Settings meanwhile
        super().showEvent(event)

    def _busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)

    async def _browse(self) -> None:
        path = await choose_file(self, self.tr("Choose a validation file"), DATASET_FILTER)
        if path is not None:
            self.file_edit.setText(str(path))

    def run(self) -> None:
        if not self.tasks.busy(RUNNING) and self.file_edit.text().strip():
            self.tasks.replace(RUNNING, self._run())

    async def _run(self) -> None:
        try:
            await self._run_cases()
        finally:  # also after a file that could not be read: Run works again
            self._busy(False)

    async def _run_cases(self) -> None:
        rows, _ = await run_blocking(read_rows, Path(self.file_edit.text()))
        cases = cases_from_rows(rows, self.sample.value() or None)
        models = self.models()
        self.table.start(models, [(c.question, c.expected) for c in cases])
        self.progress.setMaximum(max(len(cases), 1))
        self.progress.setValue(0)
        self._busy(True)
        done: list[Outcome] = []

        def arrived(index: int, outcome: Outcome) -> None:
            self.table.set_outcome(index, outcome)
            done.append(outcome)
            self.progress.setValue(len(done))
            averages = [sum(o.scores[m] for o in done) / len(done) for m in range(len(models))]
            self.summary.setText("  ·  ".join(self.tr("{model}: {score:.0%} similar on average").format(
                model=model, score=score) for model, score in zip(models, averages, strict=True)))

        provider = await self.session()
        profile_id = self.compared_on.currentData()
        if len(models) < 2 or not profile_id or self.connect_profile is None:
            await run_cases(provider.chat_client, cases, models, arrived)
            return
        other = await self.connect_profile(profile_id)
        try:
            await run_cases(provider.chat_client, cases, models, arrived,
                            clients=(provider.chat_client, other.chat_client))
        finally:
            await other.close()

    async def _export(self) -> None:
        outcomes = [o for o in self.table.outcomes if o is not None]
        if not outcomes:
            return
        path = await choose_file(self, self.tr("Export the results"), "CSV (*.csv)", save=True)
        if path is not None:
            await run_blocking(save_outcomes, path, outcomes, self.table.models)
