"""Bulk fixes of big documents in worker processes, checks included, so the editor never re-checks
100,000 rows on its own thread and its window never waits.

The editor cuts its rows into chunks of plain JSON (orjson: one fast C call, nothing pickled row by
row); a worker applies the fix to its chunk and checks only the rows it changed, and sends back those
rows and their results. Rows the fix leaves alone keep their results, so Drop duplicates (decided from
the keys the checks already made) re-checks nothing, and Add a system message only adds the new
message's tokens to the count. The caller turns the pieces back into rows a chunk at a time, between
repaints (see gui/dataset/fix_menu.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from core.dataset import fixes
from core.dataset.check import RowResult, examine, memo_count, row_key
from core.dataset.model import Format, Row
from core.dataset.tokens import TOKENS_PER_MESSAGE, count_text, image_parts
from core.dataset.validate import check_row
from core.i18n import current_language, set_language

CHUNK_ROWS = 500  # one chunk turns back into rows in about 5-15 ms on the GUI thread
PARALLEL_FROM_ROWS = 5000  # fewer rows: the fix runs in a thread and the rows it changed are checked after

# Fixes that change rows one by one (same number of rows out), and fixes that drop rows.
MAP_FIXES: dict[str, Callable[[Sequence[Row], str], fixes.FixResult]] = {
    "trim": lambda rows, _: fixes.trim_whitespace(rows),
    "add_system": fixes.add_system_message,
    "to_chat": lambda rows, _: fixes.completion_to_chat(rows),
}
DROP_FIXES: dict[str, Callable[[Row], bool]] = {"drop_empty": fixes._is_empty}


@dataclass
class ChunkOutcome:
    """What a worker found in one chunk: offsets in the chunk of the rows to drop, and of the rows changed
    (``rows``: their fields as JSON, in order) with their new results (``results``: (offset, *fields))."""

    dropped: list[int]
    changed: list[int]
    rows: bytes
    results: list[tuple[Any, ...]]


def pack(rows: Sequence[Row], results: Sequence[RowResult | None]) -> bytes:
    """Rows (and the token count each one had) as one JSON document a worker can read back exactly."""
    return orjson.dumps([(r.line, r.data, r.raw, r.parse_error, r.origin, r.notes,
                          res.tokens if res is not None else None) for r, res in zip(rows, results, strict=True)])


def unpack(items: list[list[Any]]) -> list[Row]:
    return [Row(item[0], item[1], item[2], item[3], item[4], tuple(item[5])) for item in items]


def fields(result: RowResult) -> tuple[Any, ...]:
    return tuple(getattr(result, name) for name in RowResult.__slots__)


def _added_system(old: Row, new: Row, tokens: int | None, fmt: Format, model: str, text: str) -> RowResult:
    """The result of a chat row that gained a system message: messages are counted one by one, so the count
    grows by that message's tokens; the rest is checked again (quick: no tokenizer)."""
    if fmt is not Format.CHAT or tokens is None or old.format is not Format.CHAT:
        return examine(new, fmt, model)
    return RowResult(tuple(check_row(new, fmt)), tokens + count_text(text, model) + TOKENS_PER_MESSAGE,
                     row_key(new), missing_system=False, origin=new.origin, notes=new.notes,
                     images=image_parts(new.data))


def fix_chunk(name: str, argument: str, chunk: bytes, fmt: Format, new_fmt: Format, model: str,
              language: str = "en") -> ChunkOutcome:
    """Apply the fix ``name`` to one packed chunk and check what it changed (every row when the fix changes
    the file's format). Runs in a worker process."""
    if current_language() != language:
        set_language(language)  # problems are written in the user's language
    items = orjson.loads(chunk)
    rows = unpack(items)
    if name in DROP_FIXES:
        drop = DROP_FIXES[name]
        return ChunkOutcome([i for i, row in enumerate(rows) if drop(row)], [], b"[]", [])
    fixed = MAP_FIXES[name](rows, argument).rows
    changed = [i for i, (old, new) in enumerate(zip(rows, fixed, strict=True)) if old is not new]
    if new_fmt is not fmt:
        results = [(i, *fields(examine(row, new_fmt, model))) for i, row in enumerate(fixed)]
    elif name == "add_system":
        results = [(i, *fields(_added_system(rows[i], fixed[i], items[i][6], fmt, model, argument))) for i in changed]
    else:
        count = memo_count(model)  # system prompts repeat across the chunk: each distinct text is counted once
        results = [(i, *fields(examine(fixed[i], fmt, model, count))) for i in changed]
    packed = orjson.dumps([(r.line, r.data, r.raw, r.parse_error, r.origin, r.notes)
                           for r in (fixed[i] for i in changed)])
    return ChunkOutcome([], changed, packed, results)
