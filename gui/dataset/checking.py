"""The summary and the problems list follow the rows: rows waiting for their checks are checked between
repaints, and the report is worked out again shortly after a burst of edits."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QObject

from core.background import run_blocking
from core.dataset.document import report_of
from gui.dataset.loading import check_pending
from gui.dataset.problems_panel import ProblemsPanel
from gui.dataset.summary_bar import SummaryBar
from gui.item_models.dataset_table_model import DatasetTableModel
from gui.tasks import Tasks

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
        report = await run_blocking(report_of, results, document.format, document.model, 0)
        checking = self.model.read_only or any(r is None for r in results)
        self.summary.show_report(report, loading=checking)
        self.problems.show_report(report)
