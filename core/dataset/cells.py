"""A row seen as table cells: which columns a format has, the text of a cell, editing one cell, and rows
as text for the clipboard (JSONL, or tab-separated for Excel)."""

from __future__ import annotations

import csv
import io
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson

from core.dataset.io import jsonl_bytes, parse_lines
from core.dataset.model import Format, Row, content_text
from core.dataset.tabular import rows_from_table, write_excel_csv
from core.errors import CoreError


class Column(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TURNS = "turns"
    PROMPT = "prompt"
    COMPLETION = "completion"
    INPUT = "input"
    PREFERRED = "preferred"
    NON_PREFERRED = "non_preferred"
    TOKENS = "tokens"
    STATUS = "status"


COLUMNS = {
    Format.CHAT: (Column.SYSTEM, Column.USER, Column.ASSISTANT, Column.TURNS, Column.TOKENS, Column.STATUS),
    Format.COMPLETION: (Column.PROMPT, Column.COMPLETION, Column.TOKENS, Column.STATUS),
    Format.DPO: (Column.INPUT, Column.PREFERRED, Column.NON_PREFERRED, Column.TOKENS, Column.STATUS),
}
COLUMNS[Format.UNKNOWN] = COLUMNS[Format.CHAT]
TEXT_COLUMNS = {fmt: tuple(c for c in columns if c not in (Column.TURNS, Column.TOKENS, Column.STATUS))
                for fmt, columns in COLUMNS.items()}
_ROLE_OF = {Column.SYSTEM: "system", Column.USER: "user", Column.ASSISTANT: "assistant", Column.INPUT: "user"}
_OUTPUT_KEYS = {Column.PREFERRED: "preferred_output", Column.NON_PREFERRED: "non_preferred_output"}


def _messages(row: Row, column: Column) -> list[Any] | None:
    data = row.data or {}
    if column is Column.INPUT:
        data = data.get("input") if isinstance(data.get("input"), dict) else {}
    messages = data.get(_OUTPUT_KEYS.get(column, "messages"))
    return messages if isinstance(messages, list) else None


def _role_messages(row: Row, column: Column) -> list[dict[str, Any]]:
    messages = _messages(row, column) or []
    role = _ROLE_OF.get(column, "assistant")
    return [m for m in messages if isinstance(m, dict) and m.get("role") == role]


def cell_text(row: Row, column: Column) -> str:
    """What the table shows: the first message of the column's role (the row editor shows them all)."""
    if row.data is None:
        return row.raw if column in (Column.SYSTEM, Column.PROMPT, Column.INPUT) else ""
    if column in (Column.PROMPT, Column.COMPLETION):
        value = row.data.get(column.value, "")
        return value if isinstance(value, str) else orjson.dumps(value).decode()
    if column is Column.TURNS:
        return str(len(_role_messages(row, Column.USER)))
    found = _role_messages(row, column)
    return (content_text(found[0].get("content")) or "") if found else ""


def can_edit(row: Row, column: Column) -> bool:
    """Short cells are edited in place; rows with several messages of a role go to the row editor."""
    if row.data is None or column in (Column.TURNS, Column.TOKENS, Column.STATUS):
        return False
    if column in (Column.PROMPT, Column.COMPLETION):
        return True
    found = _role_messages(row, column)
    return _messages(row, column) is not None and len(found) <= 1 and (
        not found or isinstance(found[0].get("content"), str | None))


def with_cell(row: Row, column: Column, text: str) -> Row:
    """A new row with the cell set to ``text`` (adding the message when the role has none)."""
    data = orjson.loads(orjson.dumps(row.data))  # a deep copy: rows are never changed in place
    if column in (Column.PROMPT, Column.COMPLETION):
        data[column.value] = text
        return Row(row.line, data)
    holder = data["input"] if column is Column.INPUT else data
    key = _OUTPUT_KEYS.get(column, "messages")
    messages = holder[key]
    role = _ROLE_OF.get(column, "assistant")
    found = [m for m in messages if isinstance(m, dict) and m.get("role") == role]
    if found:
        found[0]["content"] = text
    elif role == "system":
        messages.insert(0, {"role": "system", "content": text})
    else:
        messages.append({"role": role, "content": text})
    return Row(row.line, data)


def _records(rows: list[Row], fmt: Format) -> list[list[str]]:
    """A header line of the format's text columns, then one line per row."""
    columns = TEXT_COLUMNS[fmt]
    return [[c.value for c in columns], *([cell_text(row, c) for c in columns] for row in rows)]


def rows_to_tsv(rows: list[Row], fmt: Format) -> str:
    """Tab-separated text with a header line, as Excel pastes and copies it."""
    buffer = io.StringIO()
    csv.writer(buffer, dialect="excel-tab", lineterminator="\n").writerows(_records(rows, fmt))
    return buffer.getvalue()


def save_csv(path: Path, rows: list[Row], fmt: Format) -> None:
    """A CSV that Excel opens with Chinese intact, header line first."""
    write_excel_csv(path, _records(rows, fmt))


def rows_to_jsonl(rows: list[Row]) -> str:
    return jsonl_bytes(rows).decode("utf-8")


def rows_from_text(text: str, fmt: Format) -> list[Row]:
    """Rows pasted from the clipboard: JSONL when every line starts with "{" (a broken line is kept as a
    row to fix), else tab-separated text with a header line we recognise, or in the table's column order."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    if all(line.lstrip().startswith("{") for line in lines):
        return [Row(0, row.data, row.raw, row.parse_error) for batch in parse_lines(text) for row in batch]
    records = list(csv.reader(io.StringIO(text.strip("\r\n"), newline=""), dialect="excel-tab"))
    try:
        rows, _ = rows_from_table(records, "clipboard")
    except CoreError:
        width = max(len(r) for r in records)
        header = {Format.DPO: ["user", "preferred", "non_preferred"], Format.COMPLETION: ["prompt", "completion"]
                  }.get(fmt, ["user", "assistant"] if width <= 2 else ["system", "user", "assistant"])
        rows, _ = rows_from_table([header, *records], "clipboard")
    return [Row(0, row.data) for row in rows]
