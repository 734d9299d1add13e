"""Open a dataset for the editor: rows arrive in batches while worker processes check them, so the first
rows are on screen at once and their problems and tokens follow. Runs in a caller's thread; every
callback is called from a background thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from core.dataset.check import CheckReport, detect_format
from core.dataset.io import BATCH_ROWS, detect_encoding, line_ending, parse_lines, read_rows
from core.dataset.model import Format, Row, SourceInfo
from core.dataset.parallel import Results, check_file
from core.errors import CoreError
from core.i18n import tr

READ_BYTES = 1024 * 1024  # small reads keep each hold of the interpreter short, so the window stays smooth


@dataclass(frozen=True)
class Loaded:
    info: SourceInfo
    format: Format
    report: CheckReport


def _jsonl_batches(path: Path) -> Iterator[list[Row]]:
    """Batches of rows of a UTF-8 JSONL file, read a block at a time."""
    with path.open("rb") as handle:
        line, rest = 1, b""
        while chunk := handle.read(READ_BYTES):
            data = rest + chunk
            cut = data.rfind(b"\n") + 1
            data, rest = data[:cut], data[cut:]
            if data:
                yield from parse_lines(data.decode("utf-8", errors="replace").removeprefix("\ufeff"), line)
                line += data.count(b"\n")
        if rest:
            yield from parse_lines(rest.decode("utf-8", errors="replace"), line)


def _batches(path: Path) -> tuple[SourceInfo, Iterator[list[Row]]]:
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(READ_BYTES)
    except OSError as exc:
        raise CoreError(tr("{name} could not be read.").format(name=path.name),
                        tr("Check that the file exists and that you may read it."), repr(exc)) from exc
    encoding = detect_encoding(head[: head.rfind(b"\n") + 1] or head)
    if path.suffix.lower() == ".jsonl" and encoding in ("utf-8", "utf-8-sig"):
        sample = head.decode("utf-8", errors="replace")
        return SourceInfo(path, "jsonl", encoding, line_ending(sample), size), _jsonl_batches(path)
    rows, info = read_rows(path)
    return info, iter([rows[i:i + BATCH_ROWS] for i in range(0, len(rows), BATCH_ROWS)] or [[]])


def load(path: Path, model: str, on_rows: Callable[[list[Row], Format], None],
         on_results: Callable[[Results], None], on_progress: Callable[[int, int], None] | None = None,
         cancelled: Callable[[], bool] = lambda: False) -> Loaded:
    """Read ``path``, giving rows to ``on_rows`` as they are read and each row's check result (by line)
    to ``on_results`` as it is ready. Raises CoreError if the file cannot be read or the user cancels."""
    info, batches = _batches(path)
    first = next(batches, [])
    fmt = detect_format(first)
    on_rows(first, fmt)
    outcome: list[CheckReport | BaseException] = []

    def check() -> None:
        try:
            outcome.append(check_file(path, model, fmt, on_progress, cancelled, on_results=on_results)[0])
        except BaseException as exc:  # handed to the caller's thread below
            outcome.append(exc)

    checker = threading.Thread(target=check, name="dataset-check", daemon=True)
    checker.start()
    for batch in batches:
        if cancelled():
            break
        on_rows(batch, fmt)
    checker.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    if cancelled():
        raise CoreError(tr("Opening the file was cancelled."), "")
    return Loaded(info, fmt, outcome[0])
