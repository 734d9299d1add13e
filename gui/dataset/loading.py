"""Background work for the Dataset tab: opening a file into the table while it is read and checked,
and checking rows that are waiting (after bulk fixes, big pastes or a change of tokenizer)."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from core.background import run_blocking
from core.dataset.check import RowResult, detect_format, examine
from core.dataset.document import Document
from core.dataset.io import BATCH_ROWS, read_rows
from core.dataset.loader import open_batches
from core.dataset.model import Format, Row, SourceInfo
from core.dataset.parallel import PARALLEL_FROM_BYTES, block_pool, expand, plan_blocks, submit_blocks
from gui.dataset.gil import window_first
from gui.item_models.dataset_table_model import DatasetTableModel

PENDING_BATCH = 100  # about 10 ms of checking between repaints
SLICE_SECONDS = 0.025  # parsing between repaints while a file opens


class FileLoad:
    """One file being opened into ``model``: rows are parsed a batch at a time between repaints, while
    worker processes check them and their results come back through a thread."""

    def __init__(self, model: DatasetTableModel, path: Path, on_progress: Callable[[int, int], None]) -> None:
        self.model, self.path, self.on_progress = model, path, on_progress
        self._index_of_line: dict[int, int] = {}
        self._waiting: dict[int, RowResult] = {}  # results (by line) whose rows have not arrived yet

    def _rows(self, rows: list[Row], fmt: Format) -> None:
        start = len(self.model.document)
        self._index_of_line.update((row.line, start + i) for i, row in enumerate(rows))
        self.model.append_rows(rows, fmt)
        # Rows live long and hold no reference cycles: keep the cyclic collector from walking all of them
        # again and again while the file grows (those walks were the 0.1-0.4 s pauses of a 100,000-row load).
        gc.freeze()
        if self._waiting:
            self._results([(row.line, self._waiting.pop(row.line)) for row in rows if row.line in self._waiting])

    def _results(self, results: list[tuple[int, RowResult]]) -> None:
        pairs = []
        for line, result in results:
            index = self._index_of_line.get(line)
            if index is None:
                self._waiting[line] = result
            else:
                pairs.append((index, result))
        self.model.set_results(pairs)
        gc.freeze()  # results live as long as their rows (see _rows)

    async def _batches(self) -> tuple[SourceInfo, Iterator[list[Row]]]:
        opened = open_batches(self.path)
        if opened is not None:
            return opened
        rows, info = await run_blocking(read_rows, self.path)
        return info, iter([rows[i:i + BATCH_ROWS] for i in range(0, len(rows), BATCH_ROWS)])

    async def _read(self, batches: Iterator[list[Row]], fmt: Format) -> None:
        """Parse for up to SLICE_SECONDS, put those rows in the table at once, let the window repaint."""
        pending: list[Row] = []
        deadline = time.perf_counter() + SLICE_SECONDS
        for batch in batches:
            pending += batch
            if time.perf_counter() >= deadline:
                self._rows(pending, fmt)
                pending = []
                await asyncio.sleep(0)
                deadline = time.perf_counter() + SLICE_SECONDS
        self._rows(pending, fmt)

    async def run(self) -> SourceInfo:
        """Open the file; raises CoreError if it cannot be read, CancelledError if cancelled. Big JSONL
        files are checked by worker processes meanwhile; other rows wait for check_pending."""
        info, batches = await self._batches()
        first = next(batches, [])
        fmt = detect_format(first)
        self._rows(first, fmt)
        if info.kind != "jsonl" or info.size < PARALLEL_FROM_BYTES:
            await self._read(batches, fmt)
            return info
        pool = block_pool(self.model.document.model, background=True)
        reading = asyncio.ensure_future(self._read(batches, fmt))
        shared = window_first()  # the pool's threads unpickle results meanwhile
        shared.__enter__()
        try:
            # Finding the blocks reads the whole file: a worker does it, so the window never waits for it.
            # The first submit starts the processes and waits for them: also not on the GUI thread.
            planning = await run_blocking(pool.submit, plan_blocks, self.path)
            plan = await asyncio.wrap_future(planning)
            blocks = submit_blocks(pool, self.path, plan, fmt, self.model.document.model, per_row=True)
            for end, future in blocks:
                # The pool's thread only unpickles plain tuples; rows are made here, between repaints.
                self._results(expand(await asyncio.wrap_future(future)))
                self.on_progress(end, info.size)
            await reading
        finally:
            shared.__exit__(None, None, None)
            reading.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
        return info


async def check_pending(model: DatasetTableModel) -> None:
    """Check rows without a result, a small batch at a time on the GUI thread between repaints (a worker
    thread would fight the window for the interpreter lock), until none is left."""
    cursor = 0
    while True:
        document = model.document
        indexes = document.pending(PENDING_BATCH, cursor)
        if not indexes:
            if cursor == 0:
                return
            cursor = 0  # once more from the top: rows may have been added above meanwhile
            continue
        model.set_results([(i, examine(document.rows[i], document.format, document.model)) for i in indexes])
        gc.freeze()  # see FileLoad._rows
        cursor = indexes[-1] + 1
        await asyncio.sleep(0)


def new_document(rows: list[Row], model_name: str, path: Path | None = None) -> Document:
    """A document of ``rows`` whose checks follow in the background (see check_pending)."""
    return Document(rows, detect_format(rows), model_name, path)
