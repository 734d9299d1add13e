"""Growing the open dataset: runs core's grow workflow with the chosen profile, feeds the review queue as rows
arrive (progress, cost so far, Cancel keeps what was made), and turns the user's review into undoable steps on
the tab's undo stack — accepting moves rows from the queue into the file in one step."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from core.background import run_blocking
from core.grow import GeneratedRow, GrowProgress, cost_text, grow, stage_text
from core.grow.review_file import keep_waiting, load_review, waiting
from core.i18n import tr
from core.profiles import ProfileService
from core.training.service import connect
from gui.dataset.grow_dialog import GrowChoice
from gui.dataset.review_commands import AddToFile, EditInQueue, TakeFromQueue, accepted_row
from gui.dataset.review_edit_dialog import ReviewEditDialog
from gui.dataset.review_queue import ReviewQueue
from gui.item_models.dataset_table_model import DatasetTableModel
from gui.item_models.review_table_model import ReviewTableModel
from gui.tasks import Tasks

GROWING = "grow"


class Growing(QObject):
    started = Signal()
    finished = Signal(str)  # what happened, for the tab's message bar

    def __init__(self, service: ProfileService, document: DatasetTableModel, undo: QUndoStack, tasks: Tasks,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.service, self.document, self.undo, self.tasks = service, document, undo, tasks
        self.model = ReviewTableModel()
        self.queue = ReviewQueue(self.model)
        self.queue.setVisible(False)
        self.queue.accept_chosen.connect(self.accept)
        self.queue.reject_chosen.connect(self.reject)
        self.queue.accept_all_chosen.connect(self.accept_all)
        self.queue.edit_chosen.connect(self.edit)
        self.queue.cancel_chosen.connect(self.cancel)
        self.queue.hide_chosen.connect(lambda: self.queue.setVisible(False))
        # Rows still waiting are kept for the next start (nothing generated is lost by closing the app).
        self._keep_timer = QTimer(self, singleShot=True, interval=500, timeout=self.keep)
        for changed in (self.model.rowsInserted, self.model.rowsRemoved, self.model.dataChanged):
            changed.connect(lambda *_: self._keep_timer.start())

    async def restore(self) -> None:
        """Show the rows the last run left waiting, if any (read off the GUI thread)."""
        rows = await run_blocking(waiting)
        if rows:
            self.model.append(rows)
            self.queue.setVisible(True)
            self.finished.emit(tr("{n} new rows from last time are waiting for your review below the table.").format(
                n=len(rows)))

    def keep(self) -> None:
        self._keep_timer.stop()
        keep_waiting(list(self.model.rows))

    async def open_review_file(self, path: Path) -> None:
        """Add the rows of a review file (from the grow command, or saved earlier) to the queue."""
        rows = await run_blocking(load_review, path)
        self.model.append(rows)
        self.queue.setVisible(True)
        self.started.emit()
        self.finished.emit(tr("{n} new rows from {name} are waiting for your review below the table.").format(
            n=len(rows), name=path.name))

    def running(self) -> bool:
        return self.tasks.busy(GROWING)

    def start(self, choice: GrowChoice) -> None:
        self.queue.setVisible(True)
        self.started.emit()
        self.tasks.replace(GROWING, self._grow(choice))

    def cancel(self) -> None:
        self.tasks.cancel(GROWING)

    async def _grow(self, choice: GrowChoice) -> None:
        profile = self.service.settings.profile(choice.profile_id)
        if profile is None:
            return
        billed = not profile.served_here
        self.queue.set_running(True)
        try:
            provider = await connect(self.service, profile)
            try:
                async for progress in grow(provider.chat_client, choice.request, list(self.document.document.rows)):
                    self._show(progress, billed)
            finally:
                await provider.close()
        finally:
            self.queue.set_running(False)
            if self.model.rows:
                self.finished.emit(tr("{n} new rows are waiting for your review below the table.").format(
                    n=len(self.model.rows)))

    def _show(self, progress: GrowProgress, billed: bool) -> None:
        self.model.append(list(progress.new_rows))
        status = tr("{stage} {made} of {wanted} rows.").format(stage=stage_text(progress.stage),
                                                               made=progress.made, wanted=progress.wanted)
        cost = cost_text(progress.cost, billed)
        spent = tr("Spent: {cost}").format(cost=cost) if progress.cost.done else tr("So far: {cost}").format(cost=cost)
        self.queue.show_progress(status, progress.made, progress.wanted, spent)

    # -- the user's review ------------------------------------------------------------------------------------
    def accept(self, indexes: list[int]) -> None:
        chosen = [i for i in indexes if not self.model.rows[i].error]
        if not chosen:
            return
        text = tr("Accept {n} new rows").format(n=len(chosen))
        rows = [accepted_row(self.model.rows[i]) for i in chosen]
        self.undo.beginMacro(text)
        self.undo.push(TakeFromQueue(self.model, chosen, text))
        self.undo.push(AddToFile(self.document, rows, text))
        self.undo.endMacro()

    def accept_all(self) -> None:
        self.accept(list(range(len(self.model.rows))))

    def reject(self, indexes: list[int]) -> None:
        if indexes:
            self.undo.push(TakeFromQueue(self.model, indexes, tr("Reject {n} new rows").format(n=len(indexes))))

    def edit(self, index: int) -> None:
        original = self.model.rows[index]
        dialog = ReviewEditDialog(original, self.queue)
        dialog.edited.connect(lambda row: self._edited(original, row))
        dialog.open()

    def _edited(self, original: GeneratedRow, row: GeneratedRow) -> None:
        """Replace ``original`` wherever it is now (rows may have been accepted or rejected meanwhile)."""
        index = next((i for i, r in enumerate(self.model.rows) if r is original), None)
        if index is not None:
            self.undo.push(EditInQueue(self.model, index, row, tr("Edit new row")))
