"""Spreadsheets (.csv, .tsv, .xlsx) as training examples: columns are mapped to roles by their headers.

Recognised headers (any case, English or Chinese): prompt/completion → legacy completion rows;
system + user/question/问题 + assistant/answer/回答 → chat rows; user + preferred + non_preferred → DPO rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from core.dataset.model import Row
from core.errors import CoreError
from core.i18n import tr

SYNONYMS = {
    "prompt": ("prompt", "提示词", "提示"),
    "completion": ("completion", "补全", "续写"),
    "system": ("system", "system prompt", "系统", "系统提示", "系统提示词", "人设"),
    "user": ("user", "question", "q", "query", "input", "instruction", "用户", "问题", "提问", "输入", "指令"),
    "assistant": ("assistant", "answer", "a", "response", "output", "reply", "助手", "回答", "答案", "回复", "输出"),
    "preferred": ("preferred", "preferred_output", "chosen", "更好的回答", "好回答"),
    "non_preferred": ("non_preferred", "non-preferred", "non_preferred_output", "rejected", "更差的回答", "差回答"),
}


def map_columns(headers: Sequence[str]) -> dict[str, int]:
    """Role → column index for the headers we recognise."""
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = str(header or "").strip().lower()
        for role, words in SYNONYMS.items():
            if name in words and role not in found:
                found[role] = index
    return found


def _cell(values: Sequence[object], index: int | None) -> str:
    if index is None or index >= len(values) or values[index] is None:
        return ""
    return str(values[index])


def rows_from_table(records: Iterable[Sequence[object]], name: str) -> tuple[list[Row], tuple[str, ...]]:
    """Rows from a header line and data lines; also says which column became what."""
    records = iter(records)
    headers = [str(h or "") for h in next(records, [])]
    columns = map_columns(headers)
    dpo = {"user", "preferred", "non_preferred"} <= columns.keys()
    chat = not dpo and "user" in columns and "assistant" in columns
    if not chat and not dpo and not {"prompt", "completion"} <= columns.keys():
        raise CoreError(tr("{name}: no columns we can use ({headers}).").format(
                            name=name, headers=", ".join(h for h in headers if h) or tr("no header row")),
                        tr("Name the columns user and assistant (or 问题 and 回答), optionally system; or prompt "
                           "and completion."))
    used = (("system", "user", "preferred", "non_preferred") if dpo else ("system", "user", "assistant") if chat
            else ("prompt", "completion"))
    mapping = tuple(tr("column “{column}” → {role}").format(column=headers[columns[r]], role=r)
                    for r in used if r in columns)
    rows = []
    for number, values in enumerate(records, start=2):  # the header is line 1
        cells = {role: _cell(values, columns.get(role)) for role in used}
        if not any(v.strip() for v in cells.values()):
            continue  # an empty spreadsheet line is not an example
        if chat or dpo:
            messages = [{"role": role, "content": cells[role]} for role in ("system", "user", "assistant")
                        if role in columns and (role != "system" or cells[role].strip())]
            rows.append(Row(number, {"messages": messages}) if chat else Row(number, {
                "input": {"messages": messages},
                "preferred_output": [{"role": "assistant", "content": cells["preferred"]}],
                "non_preferred_output": [{"role": "assistant", "content": cells["non_preferred"]}]}))
        else:
            rows.append(Row(number, {"prompt": cells["prompt"], "completion": cells["completion"]}))
    return rows, mapping


def write_excel_csv(path: Path, records: Iterable[Sequence[object]]) -> None:
    """A CSV that Excel opens with Chinese intact (UTF-8 with a BOM, CRLF)."""
    from core.fileio import write_atomically

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(records)
    write_atomically(path, "\ufeff" + buffer.getvalue())


def read_delimited(text: str, delimiter: str, name: str) -> tuple[list[Row], tuple[str, ...]]:
    return rows_from_table(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), name)


def read_xlsx(path: Path) -> tuple[list[Row], tuple[str, ...]]:
    """The first sheet of an Excel workbook (openpyxl, imported only when needed)."""
    try:
        import openpyxl

        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors all mean "not a workbook we can read"
        raise CoreError(tr("{name} could not be opened as an Excel workbook.").format(name=path.name),
                        tr("Open it in Excel and save it again as .xlsx, or as CSV UTF-8."), repr(exc)) from exc
    try:
        return rows_from_table(workbook.worksheets[0].iter_rows(values_only=True), path.name)
    finally:
        workbook.close()
