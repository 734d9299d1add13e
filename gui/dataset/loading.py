"""Background work for the Dataset tab: opening a file into the table while it is read and checked,
and checking rows that are waiting (after bulk fixes, big pastes or a change of tokenizer)."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from pathlib import Path

from core.dataset.check import RowResult, detect_format, examine
from core.dataset.document import Document
from core.dataset.loader import Loaded, load
from core.dataset.model import Format, Row
from gui.models.dataset_table_model import DatasetTableModel

PENDING_BATCH = 500


class FileLoad:
    """One file being opened into ``model``; rows and results are handed over on the GUI thread."""

    def __init__(self, model: DatasetTableModel, path: Path, on_progress: Callable[[int, int], None]) -> None:
        self.model, self.path, self.on_progress = model, path, on_progress
        self.cancel_flag = threading.Event()
        self._index_of_line: dict[int, int] = {}
        self._waiting: list[tuple[int, RowResult]] = []  # results whose rows have not arrived yet

    def _rows(self, rows: list[Row], fmt: Format) -> None:
        start = len(self.model.document)
        self._index_of_line.update((row.line, start + i) for i, row in enumerate(rows))
        self.model.append_rows(rows, fmt)
        if self._waiting:
            waiting, self._waiting = self._waiting, []
            self._results(waiting)

    def _results(self, results: list[tuple[int, RowResult]]) -> None:
        pairs = []
        for line, result in results:
            index = self._index_of_line.get(line)
            if index is None:
                self._waiting.append((line, result))
            else:
                pairs.append((index, result))
        self.model.set_results(pairs)

    async def run(self) -> Loaded:
        loop = asyncio.get_running_loop()

        def later(callback: Callable[..., None]) -> Callable[..., None]:
            return lambda *args: loop.call_soon_threadsafe(callback, *args)

        work = functools.partial(load, self.path, self.model.document.model, later(self._rows), later(self._results),
                                 later(self.on_progress), self.cancel_flag.is_set)
        try:
            return await loop.run_in_executor(None, work)
        except asyncio.CancelledError:
            self.cancel_flag.set()
            raise


async def check_pending(model: DatasetTableModel) -> None:
    """Check rows without a result, a batch at a time in a worker thread, until none is left."""
    loop = asyncio.get_running_loop()
    while True:
        document = model.document
        indexes = document.pending(PENDING_BATCH)
        if not indexes:
            return
        rows = [document.rows[i] for i in indexes]
        fmt, name = document.format, document.model
        results = await loop.run_in_executor(None, _examine_all, rows, fmt, name)
        if model.document is not document:
            return
        # Only rows that are still the same object (not edited or moved meanwhile) take the result.
        model.set_results([(i, result) for i, row, result in zip(indexes, rows, results, strict=True)
                           if i < len(document) and document.rows[i] is row and document.format is fmt])


def _examine_all(rows: list[Row], fmt: Format, model: str) -> list[RowResult]:
    return [examine(row, fmt, model) for row in rows]


def new_document(rows: list[Row], model_name: str, path: Path | None = None) -> Document:
    """A document of ``rows`` whose checks follow in the background (see check_pending)."""
    return Document(rows, detect_format(rows), model_name, path)
