"""Working a bulk fix out for the Dataset tab without holding up its window: big documents go to worker
processes (core/dataset/fix_workers.py) in chunks, and what comes back is turned into rows a chunk at a
time between repaints; small ones are fixed in a thread. Either way the rows a fix leaves alone keep their
check results, so only changed rows are checked again (by the workers, or later by check_pending)."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass

import orjson

from core.background import run_blocking
from core.dataset import fixes
from core.dataset.check import RowResult, row_key
from core.dataset.fix_workers import (
    CHUNK_ROWS,
    MAP_FIXES,
    PARALLEL_FROM_ROWS,
    ChunkOutcome,
    fix_chunk,
    pack,
    unpack,
)
from core.dataset.model import Format, Row
from core.dataset.parallel import block_pool
from core.i18n import current_language
from gui.dataset.gil import window_first

SLICE_SECONDS = 0.02  # GUI-thread work between repaints
Progress = Callable[[int, int], None]  # (rows done, rows in all)


@dataclass
class Fixed:
    """A fix worked out: the new rows, a check result (or None: not checked yet) for each, rows changed."""

    rows: list[Row]
    results: list[RowResult | None]
    changed: int


async def _slices(count: int, step: int) -> AsyncIterator[int]:
    """Starts of ``step``-sized pieces of range(count), yielding to the window every SLICE_SECONDS."""
    deadline = time.perf_counter() + SLICE_SECONDS
    for start in range(0, count, step):
        yield start
        if time.perf_counter() >= deadline:
            await asyncio.sleep(0)
            deadline = time.perf_counter() + SLICE_SECONDS


async def drop_duplicates(rows: Sequence[Row], results: Sequence[RowResult | None],
                          on_progress: Progress) -> Fixed:
    """Keep the first copy of each example, telling copies apart by the keys their checks made (the same
    key as fixes.drop_duplicates); the rows kept keep their results."""
    seen: set[bytes] = set()
    kept_rows: list[Row] = []
    kept_results: list[RowResult | None] = []
    async for start in _slices(len(rows), 2000):
        for row, result in zip(rows[start:start + 2000], results[start:start + 2000], strict=True):
            key = result.key if result is not None else row_key(row)
            if key not in seen:
                seen.add(key)
                kept_rows.append(row)
                kept_results.append(result)
        on_progress(min(start + 2000, len(rows)), len(rows))
    return Fixed(kept_rows, kept_results, len(rows) - len(kept_rows))


def _whole(name: str, argument: str) -> Callable[[list[Row]], fixes.FixResult]:
    if name == "drop_empty":
        return fixes.drop_empty
    return lambda rows: MAP_FIXES[name](rows, argument)


async def in_thread(name: str, argument: str, rows: list[Row], results: Sequence[RowResult | None],
                    same_format: bool) -> Fixed:
    """The fix in a thread; rows it left alone keep their results (unless the file's format changed), the
    others wait for check_pending."""
    done = await run_blocking(_whole(name, argument), rows)
    kept = {id(row): result for row, result in zip(rows, results, strict=True)} if same_format else {}
    return Fixed(done.rows, [kept.get(id(row)) for row in done.rows], done.changed)


async def in_workers(name: str, argument: str, rows: list[Row], results: list[RowResult | None], fmt: Format,
                     new_fmt: Format, model: str, on_progress: Progress) -> Fixed:
    """The fix ``name`` (a key of MAP_FIXES or DROP_FIXES) in worker processes, a chunk each."""
    pool = block_pool(model, background=True)
    try:
        chunks = []
        async for start in _slices(len(rows), CHUNK_ROWS):
            chunks.append(pack(rows[start:start + CHUNK_ROWS], results[start:start + CHUNK_ROWS]))
        language = current_language()
        # The first submit starts the processes and waits for them: not on the GUI thread.
        first = await run_blocking(pool.submit, fix_chunk, name, argument, chunks[0], fmt, new_fmt, model, language)
        futures = [first] + [pool.submit(fix_chunk, name, argument, chunk, fmt, new_fmt, model, language)
                             for chunk in chunks[1:]]
        new_rows, new_results, changed = list(rows), list(results), 0
        dropped: list[int] = []
        for number, future in enumerate(futures):
            outcome: ChunkOutcome = await asyncio.wrap_future(future)
            base = number * CHUNK_ROWS
            dropped += [base + i for i in outcome.dropped]
            for offset, row in zip(outcome.changed, unpack(orjson.loads(outcome.rows)), strict=True):
                new_rows[base + offset] = row
            for offset, *values in outcome.results:
                new_results[base + offset] = RowResult(*values)
            changed += len(outcome.changed) + len(outcome.dropped)
            # The new rows live long and hold no cycles: keep the cyclic collector from walking them again
            # and again (its full passes over the growing heap were the 0.1-0.6 s stalls of a bulk fix).
            gc.freeze()
            on_progress(min(base + CHUNK_ROWS, len(rows)), len(rows))
            await asyncio.sleep(0)
        if dropped:
            gone = set(dropped)
            new_rows = [row for i, row in enumerate(new_rows) if i not in gone]
            new_results = [result for i, result in enumerate(new_results) if i not in gone]
        return Fixed(new_rows, new_results, changed)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


async def work_out(name: str, argument: str, rows: list[Row], results: list[RowResult | None], fmt: Format,
                   new_fmt: Format, model: str, on_progress: Progress) -> Fixed:
    """The fix ``name`` of ``rows`` with their check results; cancelling the awaiting task stops it."""
    if name == "dedupe":
        return await drop_duplicates(rows, results, on_progress)
    if len(rows) >= PARALLEL_FROM_ROWS:
        try:
            with window_first():  # the pool's threads unpickle results meanwhile
                return await in_workers(name, argument, rows, results, fmt, new_fmt, model, on_progress)
        except TypeError:  # a value plain JSON cannot carry (rows are JSON; kept only to be safe)
            pass
    return await in_thread(name, argument, rows, results, new_fmt is fmt)
