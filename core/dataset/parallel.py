"""Check a big JSONL file on every core: blocks of lines go to worker processes, results come back in
file order, so progress can be shown and the first rows are ready long before the last.

Workers read their block straight from the file (nothing large crosses process boundaries) and
send back a small Summary. Files that are not plain UTF-8 JSONL use the single-process path.

Where it is safe (Linux, a process with no other thread: the CLI), workers are forked from a process that
has the tokenizer loaded, so they start at once and share its memory. Elsewhere (the app, with its threads)
they come from a forkserver, and each one re-imports the main module and loads the tokenizer first.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from core.dataset.check import (
    CheckReport,
    RowResult,
    Summary,
    detect_format,
    examine,
    finish,
    memo_count,
    summarise,
)
from core.dataset.io import (
    BATCH_ROWS,
    detect_encoding,
    line_ending,
    parse_lines,
    read_rows,
    regular_size,
    was_damaged,
)
from core.dataset.model import Format, Row, SourceInfo
from core.dataset.sources import layout_for
from core.dataset.tokens import encoding, encoding_name_for
from core.errors import CoreError
from core.i18n import current_language, set_language, tr

BLOCK_BYTES = 2 * 1024 * 1024
PARALLEL_FROM_BYTES = 8 * 1024 * 1024  # smaller files are quicker in one process


def _blocks(path: Path, size: int) -> Iterator[tuple[int, int, int]]:
    """(start, end, first line number) of blocks that end on a line break."""
    with path.open("rb") as handle:
        start, line = 0, 1
        while start < size:
            handle.seek(min(start + BLOCK_BYTES, size))
            handle.readline()  # run on to the end of the line we landed in
            end = min(handle.tell(), size)
            handle.seek(start)
            line_breaks = handle.read(end - start).count(b"\n")
            yield start, end, line
            start, line = end, line + line_breaks


Results = list[tuple[int, RowResult]]  # (line, result) in file order
Compact = list[tuple[Any, ...]]  # (line, *RowResult fields): plain tuples cross process boundaries fast


def _block_rows(path: str, start: int, end: int, first_line: int) -> list[Row]:
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    text = data.decode("utf-8", errors="replace")
    return [row for batch in parse_lines(text, first_line, layout_for(Path(path)), was_damaged(data, text))
            for row in batch]


def _summarise_block(path: str, start: int, end: int, first_line: int, fmt: Format, model: str) -> Summary:
    return summarise(_block_rows(path, start, end, first_line), fmt, model)


def _examine_block(path: str, start: int, end: int, first_line: int, fmt: Format, model: str) -> Compact:
    count = memo_count(model)
    return [(row.line, *_fields(examine(row, fmt, model, count))) for row in _block_rows(path, start, end, first_line)]


def _fields(result: RowResult) -> tuple[Any, ...]:
    return tuple(getattr(result, name) for name in RowResult.__slots__)


def expand(compact: Compact) -> Results:
    """Row results from a worker's plain tuples."""
    return [(item[0], RowResult(*item[1:])) for item in compact]


def _merged(results: Results) -> Summary:
    summary = Summary()
    for line, result in results:
        summary.add(line, result)
    return summary


def _warm_up(model: str, background: bool, language: str) -> None:
    if background and hasattr(os, "nice"):
        os.nice(10)  # the window that waits for us must stay smooth
    set_language(language)  # the problems a worker finds are read by the user
    encoding(encoding_name_for(model))


def _context(model: str) -> multiprocessing.context.BaseContext:
    """fork where this process has no other thread (the CLI): the workers get the tokenizer loaded here and
    skip what a forkserver child does first, re-running the main module (the whole app's imports, seconds on
    a busy machine). forkserver on Linux otherwise: a clean single-threaded parent, even inside the GUI.
    spawn elsewhere (fork is unsafe on macOS)."""
    if not sys.platform.startswith("linux"):
        return multiprocessing.get_context("spawn")
    if threading.active_count() == 1:
        encoding(encoding_name_for(model))
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver")


def block_pool(model: str, workers: int | None = None, background: bool = False) -> ProcessPoolExecutor:
    """Worker processes with the model's tokenizer loaded; ``background`` ones yield the CPU to the app."""
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 2, mp_context=_context(model),
                               initializer=_warm_up, initargs=(model, background, current_language()))


def plan_blocks(path: Path) -> list[tuple[int, int, int]]:
    """(start, end, first line) of each block; reads the whole file (run it where it cannot hold up a window)."""
    return list(_blocks(path, path.stat().st_size))


def submit_blocks(pool: ProcessPoolExecutor, path: Path, plan: list[tuple[int, int, int]], fmt: Format, model: str,
                  per_row: bool) -> list[tuple[int, Future[Any]]]:
    """Check every block of ``plan`` in ``pool``: (block end in bytes, future) in file order. A future
    gives a Summary, or with ``per_row`` a Compact list for ``expand``."""
    work = _examine_block if per_row else _summarise_block
    return [(end, pool.submit(work, str(path), start, end, line, fmt, model)) for start, end, line in plan]


def _submitted(pool: ProcessPoolExecutor, path: Path, size: int, fmt: Format, model: str,
               per_row: bool) -> list[tuple[int, Future[Any]]]:
    """submit_blocks for each block as _blocks finds it."""
    return [item for block in _blocks(path, size) for item in submit_blocks(pool, path, [block], fmt, model, per_row)]


def _utf8_sample(path: Path) -> tuple[str, str] | None:
    """(first block as text, encoding) when the file looks like UTF-8 JSONL, else None."""
    if path.suffix.lower() != ".jsonl":
        return None
    with path.open("rb") as handle:
        data = handle.read(BLOCK_BYTES)
        if data.count(b"\n") < 2:  # a first line longer than a block: read on, or there is nothing to sample
            data += handle.readline() + handle.readline()
    encoding = detect_encoding(data)
    if encoding not in ("utf-8", "utf-8-sig") or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        return None
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff"), encoding


def _from_head(path: Path, expected: Format) -> tuple[SourceInfo, Format] | None:
    """What the first block tells about a UTF-8 JSONL file (None for other files), its rows gone again
    before the tokenizer is loaded for the workers, which keeps the peak memory down."""
    found = _utf8_sample(path)
    if found is None:
        return None
    sample, text_encoding = found
    layout = layout_for(path)
    info = SourceInfo(path, "jsonl", text_encoding, line_ending(sample), path.stat().st_size,
                      layout=layout.name if layout else "")
    sampled = [r for batch in parse_lines(sample, layout=layout) for r in batch]
    whole = sample.endswith("\n")  # else the last line is cut off and would read as broken JSON
    return info, expected if expected is not Format.UNKNOWN else detect_format(sampled if whole else sampled[:-1])


def check_file(path: Path, model: str, expected: Format = Format.UNKNOWN,
               on_progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] = lambda: False,
               workers: int | None = None,
               on_results: Callable[[Results], None] | None = None, method: str = "",
               validation_keys: set[bytes] | None = None) -> tuple[CheckReport, SourceInfo]:
    """Check ``path`` like check_rows; ``on_progress(bytes_done, bytes_total)``; stops when ``cancelled()``.

    ``on_results`` receives each block's per-row results in file order as soon as they are ready, so the
    editor can show the first rows' problems and tokens long before the last block is done."""
    size = regular_size(path)
    found = _from_head(path, expected) if size >= PARALLEL_FROM_BYTES else None
    if found is None:
        rows, info = read_rows(path)
        fmt = expected if expected is not Format.UNKNOWN else detect_format(rows)
        results: Results = []
        for start in range(0, len(rows), BATCH_ROWS):
            if cancelled():
                raise CoreError(tr("The check was cancelled."), "")
            batch = [(row.line, examine(row, fmt, model)) for row in rows[start:start + BATCH_ROWS]]
            results += batch
            if on_results:
                on_results(batch)
        return finish([_merged(results)], fmt, model, info.size, validation_keys, method), info
    info, fmt = found
    summaries: list[Summary] = []
    with block_pool(model, workers) as pool:
        # Each block is handed out as soon as it is found: the workers start while the rest is planned.
        for end, future in _submitted(pool, path, size, fmt, model, per_row=on_results is not None):
            if cancelled():
                pool.shutdown(cancel_futures=True)
                raise CoreError(tr("The check was cancelled."), "")
            outcome = future.result()
            if on_results is not None:
                outcome = expand(outcome)
                on_results(outcome)
                outcome = _merged(outcome)
            summaries.append(outcome)
            if on_progress:
                on_progress(end, size)
    return finish(summaries, fmt, model, size, validation_keys, method), info
