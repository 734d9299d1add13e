"""The summary and the problems list follow the rows: rows waiting for their checks are checked between
repaints, and the report is worked out again shortly after a burst of edits."""

from __future__ import annotations

import asyncio
import gc
import time

from PySide6.QtCore import QObject

from core.background import run_blocking
from core.dataset.check import Summary, finish
from gui.dataset.gil import window_first
from gui.dataset.loading import check_pending
from gui.dataset.problems_panel import ProblemsPanel
from gui.dataset.summary_bar import SummaryBar
from gui.item_models.dataset_table_model import DatasetTableModel
from gui.tasks import Tasks

SLICE_SECONDS = 0.015  # summing up between repaints
REPORT_DELAY = 0.15  # edits come in bursts; one report after them is enough
# Names in the tab's tasks: a newer report replaces the older one.
REPORTING, CHECKING = "report", "check"


class Checking(QObject):
    def __init__(self, model: DatasetTableModel, summary: SummaryBar, problems: ProblemsPanel, tasks: Tasks,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model, self.summary, self.problems, self.tasks = model, summary, problems, tasks
        for signal in (model.dataChanged, model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self.schedule_report)

    def check_pending(self) -> None:
        """Check the rows that wait for it (one pass at a time; it goes on until none is left)."""
        if not self.tasks.busy(CHECKING):
            self.tasks.replace(CHECKING, check_pending(self.model))

    def schedule_report(self, *_: object) -> None:
        """Work the summary out again soon."""
        self.tasks.replace(REPORTING, self._report())

    async def _report(self) -> None:
        await asyncio.sleep(REPORT_DELAY)
        document = self.model.document
        if self.model.read_only:
            self.summary.show_report(None, loading=True)
            return  # while a file opens; its end brings a report
        if not len(document) and document.path is None:
            self.summary.show_report(None)
            self.problems.show_report(None)
            return
        results = list(document.results)
        # Rows are summed up here, a slice at a time: a thread walking 100,000 results would hold the
        # interpreter lock against every repaint (the 0.5-1 s stalls after a bulk fix); the rest is quick.
        summary = Summary()
        deadline = time.perf_counter() + SLICE_SECONDS
        for index, result in enumerate(results):
            if result is not None:
                summary.add(index + 1, result, renumber=True)
            if index % 500 == 0 and time.perf_counter() >= deadline:
                gc.freeze()  # the problems gathered so far: a full collection would walk them again and again
                await asyncio.sleep(0)
                deadline = time.perf_counter() + SLICE_SECONDS
        with window_first():
            report = await run_blocking(finish, [summary], document.format, document.model, 0)
        gc.freeze()  # the report's problems, made in the thread (see loading.FileLoad._rows)
        checking = self.model.read_only or any(r is None for r in results)
        self.summary.show_report(report, loading=checking)
        self.problems.show_report(report)
