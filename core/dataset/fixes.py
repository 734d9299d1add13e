"""Fixes for common problems. Each takes rows and returns new rows plus how many it changed, so the
editor can preview them and undo them; none of them edits rows in place."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import orjson

from core.dataset.model import Format, Row

# Separators and stop words the legacy prepare_data tool told people to add.
LEGACY_SEPARATORS = ("\n\n###\n\n", "\n\n===\n\n", "\n###\n", " ->", "->", "\n\n")
LEGACY_ENDINGS = (" END", "END", "\n", " ###", "###")


# Keys whose values are (or hold) the texts of an example; roles, names and ids are left alone.
TEXT_KEYS = ("content", "prompt", "completion", "text", "messages", "input", "preferred_output",
             "non_preferred_output")


@dataclass(frozen=True)
class FixResult:
    rows: list[Row]
    changed: int  # rows changed, added or removed


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_map_strings(v, change) for v in value]
    if isinstance(value, dict):
        return {k: (_map_strings(v, change) if k in TEXT_KEYS else v) for k, v in value.items()}
    return value


def trim_whitespace(rows: Sequence[Row]) -> FixResult:
    """Strip leading and trailing whitespace from every text (keys and non-text values untouched)."""
    out, changed = [], 0
    for row in rows:
        data = _map_strings(row.data, str.strip) if row.data is not None else None
        changed += data != row.data
        out.append(replace(row, data=data) if data != row.data else row)
    return FixResult(out, changed)


def drop_duplicates(rows: Sequence[Row]) -> FixResult:
    """Keep the first copy of each identical example."""
    seen: set[bytes] = set()
    out = []
    for row in rows:
        key = orjson.dumps(row.data, option=orjson.OPT_SORT_KEYS) if row.data is not None else row.raw.encode()
        if key not in seen:
            seen.add(key)
            out.append(row)
    return FixResult(out, len(rows) - len(out))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key in TEXT_KEYS:
            yield from _strings(value.get(key))


def _is_empty(row: Row) -> bool:
    if row.data is None:
        return not row.raw.strip()
    return not any(text.strip() for text in _strings(row.data))


def drop_empty(rows: Sequence[Row]) -> FixResult:
    out = [r for r in rows if not _is_empty(r)]
    return FixResult(out, len(rows) - len(out))


def add_system_message(rows: Sequence[Row], text: str) -> FixResult:
    """Put ``text`` as the system message of every chat example that has none."""
    out, changed = [], 0
    for row in rows:
        messages = row.data.get("messages") if row.data is not None and row.format is Format.CHAT else None
        if isinstance(messages, list) and not any(isinstance(m, dict) and m.get("role") == "system"
                                                  for m in messages):
            out.append(replace(row, data={**row.data, "messages": [{"role": "system", "content": text}, *messages]}))
            changed += 1
        else:
            out.append(row)
    return FixResult(out, changed)


def _strip_legacy(text: str, markers: tuple[str, ...]) -> str:
    if not text.endswith(markers):
        return text
    marker = next(m for m in markers if text.endswith(m))
    return text[: -len(marker)]


def completion_to_chat(rows: Sequence[Row], system: str = "") -> FixResult:
    """prompt → user, completion → assistant; legacy separators (\\n\\n###\\n\\n, ->) and END markers removed."""
    out, changed = [], 0
    for row in rows:
        if row.data is None or row.format is not Format.COMPLETION:
            out.append(row)
            continue
        prompt = _strip_legacy(str(row.data.get("prompt", "")), LEGACY_SEPARATORS).strip()
        answer = _strip_legacy(str(row.data.get("completion", "")), LEGACY_ENDINGS).strip()
        messages = ([{"role": "system", "content": system}] if system else []) + [
            {"role": "user", "content": prompt}, {"role": "assistant", "content": answer}]
        out.append(Row(row.line, {"messages": messages}))  # not dataclasses.replace: 100,000 rows add up
        changed += 1
    return FixResult(out, changed)


def split(rows: Sequence[Row], validation_fraction: float, seed: int = 0) -> tuple[list[Row], list[Row]]:
    """Shuffle with ``seed`` and hold back a fraction for validation (at least one row when asked for any)."""
    if not 0 < validation_fraction < 1:
        raise ValueError("validation_fraction must be between 0 and 1")
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    held = max(1, round(len(rows) * validation_fraction)) if rows else 0
    chosen = set(order[:held])
    return ([r for i, r in enumerate(rows) if i not in chosen], [r for i, r in enumerate(rows) if i in chosen])


