"""Spreadsheets (.csv, .tsv, .xlsx) as training examples: columns are given roles by their headers
(see roles.WORDS: English or Chinese, e.g. instruction/input/output, 问题/回答, ask/answer, prompt/completion,
chosen/rejected).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from core.dataset.model import Row
from core.dataset.roles import CHAT_ROLES, DPO_ROLES, kind_of, record_row, roles_of
from core.errors import CoreError
from core.i18n import tr

# A history cell would be text, not question/answer pairs: spreadsheets have no history column.
MIB = 1024 * 1024
MAX_TABLE_ROWS = 200_000  # lines read from a sheet, empty ones included: bounds time and memory
MAX_CELL_CHARS = 16 * MIB
MAX_XLSX_BYTES = 256 * MIB  # unpacked: a small zip can hold gigabytes of sheet XML
# OWASP, CSV Injection: a spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
USED_ROLES = {kind: tuple(r for r in roles if r != "history") for kind, roles in
              (("chat", CHAT_ROLES), ("dpo", DPO_ROLES), ("completion", ("prompt", "completion")))}


def map_columns(headers: Sequence[str]) -> dict[str, int]:
    """Role → column index for the headers we recognise."""
    return roles_of(enumerate(headers))


def _cell(values: Sequence[object], index: int | None) -> object:
    return None if index is None or index >= len(values) else values[index]


def _no_columns(name: str, headers: Sequence[str]) -> CoreError:
    return CoreError(tr("{name}: no columns we can use ({headers}).").format(
                         name=name, headers=", ".join(h for h in headers if h) or tr("no header row")),
                     tr("Name the columns user and assistant (or 问题 and 回答; instruction, input and output), "
                        "optionally system; or prompt and completion."))


def rows_from_table(records: Iterable[Sequence[object]], name: str) -> tuple[list[Row], tuple[str, ...]]:
    """Rows from a header line and data lines; also says which column became what (and which were left)."""
    records = iter(records)
    headers = [str(h or "") for h in next(records, [])]
    columns = map_columns(headers)
    kind = kind_of(columns)
    if kind is None:
        raise _no_columns(name, headers)
    used = [r for r in USED_ROLES[kind] if r in columns]
    mapping = tuple(tr("column “{column}” → {role}").format(column=headers[columns[r]], role=r) for r in used)
    unused = [h for i, h in enumerate(headers) if h.strip() and i not in {columns[r] for r in used}]
    if unused:
        mapping += (tr("not used: {columns}").format(columns=", ".join(unused)),)
    rows = []
    for number, values in enumerate(records, start=2):  # the header is line 1
        if number > MAX_TABLE_ROWS + 1:
            raise CoreError(tr("{name} has more than {n} lines; that is more than a training file can hold.")
                            .format(name=name, n=f"{MAX_TABLE_ROWS:,}"),
                            tr("Keep the examples you need in a smaller sheet, or split the file."))
        cells = {role: _cell(values, columns[role]) for role in used}
        if not any(str(v).strip() for v in cells.values() if v is not None):
            continue  # an empty spreadsheet line is not an example
        made = record_row(cells, kind)
        if made is None:
            rows.append(Row(number, None, "\t".join("" if v is None else str(v) for v in values),
                            tr("A cell could not be read as text.")))
            continue
        rows.append(Row(number, made[0], origin="table", notes=made[1]))
    return rows, mapping


def excel_cell(value: object) -> object:
    """``value`` as a spreadsheet should show it: text it would run as a formula gets a leading quote, which
    Excel shows as text; plain numbers such as -5 stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def excel_rows(records: Iterable[Sequence[object]]) -> Iterable[list[object]]:
    return ([excel_cell(value) for value in record] for record in records)


def write_excel_csv(path: Path, records: Iterable[Sequence[object]]) -> None:
    """A CSV that Excel opens with Chinese intact (UTF-8 with a BOM, CRLF) and runs no formula from the data."""
    from core.fileio import write_atomically

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(excel_rows(records))
    write_atomically(path, "\ufeff" + buffer.getvalue())


def read_delimited(text: str, delimiter: str, name: str) -> tuple[list[Row], tuple[str, ...]]:
    csv.field_size_limit(MAX_CELL_CHARS)  # the csv module's own limit (131,072) is below a long answer
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return rows_from_table(reader, name)
    except csv.Error as exc:
        raise CoreError(tr("{name}, line {line}: {error}").format(name=name, line=reader.line_num, error=exc),
                        tr("A cell may be longer than {n} characters, or a quote may not be closed. Check that "
                           "line in a text editor.").format(n=f"{MAX_CELL_CHARS:,}"), repr(exc)) from exc


def _check_unpacked_size(path: Path) -> None:
    """A workbook is a zip: refuse one that would unpack to more than MAX_XLSX_BYTES (a zip bomb) before
    openpyxl unpacks anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return  # not a zip at all: openpyxl says so in the message below
    if unpacked > MAX_XLSX_BYTES:
        raise CoreError(tr("{name} would unpack to {size} MB; workbooks larger than {limit} MB are not opened.")
                        .format(name=path.name, size=f"{unpacked / MIB:,.0f}", limit=f"{MAX_XLSX_BYTES / MIB:,.0f}"),
                        tr("Save the sheet as CSV UTF-8 and open that, or split it into smaller workbooks."))


def read_xlsx(path: Path) -> tuple[list[Row], tuple[str, ...]]:
    """The first sheet of an Excel workbook (openpyxl, imported only when needed)."""
    _check_unpacked_size(path)
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
