"""An open dataset in the editor: its rows, each row's check result, and the whole-file report.

Rows are never changed in place: every edit replaces rows, and the row is checked again at once.
Problems in the report name the editor's row numbers (1-based), which are the lines of the saved file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from core.dataset.check import DEFAULT_MODEL, CheckReport, RowResult, Summary, detect_format, examine, finish
from core.dataset.model import Format, Row, SourceInfo, content_text
from core.dataset.tokens import encoding_name_for


class Document:
    def __init__(self, rows: Sequence[Row] = (), fmt: Format = Format.UNKNOWN, model: str = DEFAULT_MODEL,
                 path: Path | None = None, info: SourceInfo | None = None) -> None:
        self.rows: list[Row] = list(rows)
        self.results: list[RowResult | None] = [None] * len(self.rows)
        self.format, self.model, self.path, self.info = fmt, model, path, info

    def __len__(self) -> int:
        return len(self.rows)

    # -- checking ---------------------------------------------------------------------------
    def check(self, start: int = 0, stop: int | None = None) -> None:
        """Check rows [start, stop) now (the editor does this for each edited row: well under 50 ms)."""
        if self.format is Format.UNKNOWN:
            self.format = detect_format(self.rows)
        for index in range(start, len(self.rows) if stop is None else stop):
            self.results[index] = examine(self.rows[index], self.format, self.model)

    def set_model(self, model: str) -> bool:
        """Change the base model; True when every row must be counted again (another tokenizer)."""
        recount = encoding_name_for(model) != encoding_name_for(self.model)
        self.model = model
        return recount

    def report(self, file_size: int = 0) -> CheckReport:
        return report_of(list(self.results), self.format, self.model, file_size)

    # -- editing ------------------------------------------------------------------------------
    def replace_rows(self, start: int, rows: Sequence[Row]) -> list[Row]:
        """Put ``rows`` at start.. (same count) and check them; returns the rows they replaced."""
        old = self.rows[start:start + len(rows)]
        self.rows[start:start + len(rows)] = rows
        self.check(start, start + len(rows))
        return old

    def insert_rows(self, start: int, rows: Sequence[Row], check: bool = True) -> None:
        """Insert and (when ``check``) check at once; unchecked rows wait for ``pending()``."""
        self.rows[start:start] = rows
        self.results[start:start] = [None] * len(rows)
        if check:
            self.check(start, start + len(rows))

    def remove_rows(self, start: int, count: int) -> list[Row]:
        removed = self.rows[start:start + count]
        del self.rows[start:start + count]
        del self.results[start:start + count]
        return removed

    def set_all(self, rows: Sequence[Row], results: Sequence[RowResult | None] | None = None) -> list[Row]:
        """Replace every row (bulk fixes), with their check results when known (None: each row waits for
        ``pending()``); returns the old rows for undo."""
        old, self.rows = self.rows, list(rows)
        self.results = list(results) if results is not None else [None] * len(self.rows)
        return old

    def pending(self, limit: int, start: int = 0) -> list[int]:
        """Up to ``limit`` indexes, from ``start`` on, of rows not checked yet (the editor checks them
        in the background)."""
        found = []
        for index in range(start, len(self.results)):
            if self.results[index] is None:
                found.append(index)
                if len(found) == limit:
                    break
        return found

    # -- finding ------------------------------------------------------------------------------
    def matching(self, text: str = "", role: str = "", codes: frozenset[str] = frozenset(),
                 problems_only: bool = False) -> list[int]:
        """Indexes of rows with ``text`` (any case) in a message of ``role`` (any role when empty), with
        one of ``codes`` (or any problem when ``problems_only``)."""
        needle = text.casefold()
        found = []
        for index, row in enumerate(self.rows):
            result = self.results[index]
            problems = result.problems if result is not None else ()
            if problems_only and not problems:
                continue
            if codes and not any(p.code in codes for p in problems):
                continue
            if (needle or role) and not _contains(row, needle, role):
                continue
            found.append(index)
        return found


def _texts(row: Row, role: str) -> list[str]:
    if row.data is None:
        return [row.raw] if not role else []
    data = row.data
    messages = list(data.get("messages") or [])
    if isinstance(data.get("input"), dict):
        messages += list(data["input"].get("messages") or [])
    for key in ("preferred_output", "non_preferred_output"):
        messages += list(data.get(key) or []) if isinstance(data.get(key), list) else []
    texts = [content_text(m.get("content")) or "" for m in messages
             if isinstance(m, dict) and (not role or m.get("role") == role)]
    if not role:
        texts += [str(data[k]) for k in ("prompt", "completion") if k in data]
    return texts


def _contains(row: Row, needle: str, role: str) -> bool:
    texts = _texts(row, role)
    if not needle:
        return bool(texts)
    return any(needle in t.casefold() for t in texts)


def report_of(results: Sequence[RowResult | None], fmt: Format, model: str, file_size: int = 0) -> CheckReport:
    """Counts, duplicates, limits, statistics and cost over the rows checked so far (a snapshot of a
    document's results, so the editor can work it out in the background)."""
    summary = Summary()
    for index, result in enumerate(results):
        if result is not None:
            summary.add(index + 1, result, renumber=True)
    return finish([summary], fmt, model, file_size)
