"""Read JSONL/JSON training files in any common encoding, and save them safely.

Nothing is dropped: a line that is not valid JSON becomes a Row with its text and the error.
"""

from __future__ import annotations

import codecs
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import orjson

from core.dataset.model import Row, SourceInfo
from core.dataset.sources import Layout, converted_row, layout_for
from core.dataset.tabular import read_delimited, read_xlsx
from core.errors import CoreError
from core.fileio import write_atomically
from core.i18n import tr

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
BATCH_ROWS = 1000
_OTHER_MESSAGE_KEYS = re.compile(r'"(?:from|value|loss_weight)"')
REPLACEMENT = "\ufffd"


def detect_encoding(data: bytes) -> str:
    """The file's encoding: a BOM, else UTF-8 if it decodes, else charset-normalizer's best guess
    (GBK/GB18030 from Chinese Excel exports, UTF-16 without BOM...)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 or _stray_bytes(data):  # a cut-off last character, or a few stray bytes
            return "utf-8"
    from charset_normalizer import from_bytes

    matches = from_bytes(data[:1_000_000])
    best = matches.best()
    # Short samples fit several legacy encodings equally well; our users' files are most often GBK.
    chinese = next((m for m in matches if m.encoding in ("gb18030", "gbk", "gb2312")), None)
    if best is None or (chinese is not None and chinese.chaos <= best.chaos):
        return "gb18030"
    name = best.encoding
    return "gb18030" if name in ("gbk", "gb2312", "hz") else name  # GB18030 is the superset


MAX_STRAY_BYTES = 16


def _stray_bytes(data: bytes) -> bool:
    """True when UTF-8 text has only a few lone bytes that are not UTF-8, each among plain ASCII: a damaged
    file to show with those lines flagged, not one in a code page to guess (a guess turns it into mojibake
    that passes every check). Text in GBK and friends has runs of high bytes instead."""
    strays = [m.start(1) for m in _UTF8_OR_STRAY.finditer(data) if m.start(1) >= 0]
    return 0 < len(strays) <= MAX_STRAY_BYTES and all(
        (at == 0 or data[at - 1] < 0x80) and (at + 1 == len(data) or data[at + 1] < 0x80) for at in strays)


# Runs of ASCII and whole UTF-8 characters, or (group 1) one byte that cannot stand where it is.
_UTF8_OR_STRAY = re.compile(rb"(?:[\x00-\x7f]|[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|"
                            rb"[\xf0-\xf4][\x80-\xbf]{3})+|(.)", re.S)


def decode(data: bytes, path: Path) -> tuple[str, str]:
    if not data.startswith(tuple(bom for bom, _ in _BOMS)):
        try:
            return data.decode("utf-8"), "utf-8"  # the common case, decoded once
        except UnicodeDecodeError:
            pass
    encoding = detect_encoding(data)
    try:
        # "replace" only acts on a character cut off at the end or on a few stray bytes (detect_encoding
        # checked the rest); those lines then show up as rows to fix, not as a lost file.
        return data.decode(encoding, errors="replace" if encoding == "utf-8" else "strict"), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise CoreError(tr("{name} is not a text file in any encoding we know.").format(name=path.name),
                        tr("Save it from your editor or Excel as UTF-8 (CSV UTF-8 or JSONL) and open it again."),
                        repr(exc)) from exc


def line_ending(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    if not crlf and not lf:
        return "none"
    return "CRLF" if crlf and not lf else "LF" if lf and not crlf else "mixed"


def parse_lines(text: str, first_line: int = 1, layout: Layout | None = None,
                damaged: bool = False) -> Iterator[list[Row]]:
    """Rows of a JSONL text in batches (so a caller can show the first rows at once), converted to OpenAI's
    format where they are in another one we know (see sources). ``damaged``: the text was decoded with
    replacement characters for bytes that are not UTF-8, and the lines holding them must be fixed."""
    batch: list[Row] = []
    # Only \n ends a line: str.splitlines() would also split at U+2028 and friends, which JSON strings may hold.
    for number, line in enumerate(text.split("\n"), start=first_line):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        if damaged and REPLACEMENT in line:
            batch.append(Row(number, None, line, tr("This line holds bytes that are not UTF-8 text (shown as �); "
                                                    "retype those characters.")))
            continue
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            batch.append(Row(number, None, line, str(exc)))
        else:
            if isinstance(data, dict):
                # OpenAI chat rows, the usual case, go without a look at each message: only keys that other
                # formats use inside messages would make a conversion necessary.
                plain = layout is None and "messages" in data and not _OTHER_MESSAGE_KEYS.search(line)
                batch.append(Row(number, data) if plain else converted_row(number, data, layout))
            else:
                batch.append(Row(number, None, line, tr("A line must hold one JSON object {…}.")))
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def _json_array_rows(text: str, path: Path, layout: Layout | None) -> list[Row]:
    try:
        items = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise CoreError(tr("{name} is not valid JSON: {error}").format(name=path.name, error=exc),
                        tr("Fix the file in a text editor, or save it as JSONL (one example per line)."),
                        str(exc)) from exc
    if not isinstance(items, list):
        raise CoreError(tr("{name} holds one JSON object, not a list of examples.").format(name=path.name),
                        tr("Put the examples in a list [ … ] or save them as JSONL."))
    lines = element_lines(text)
    if len(lines) != len(items):  # cannot happen for valid JSON; example numbers are better than nothing
        lines = list(range(1, len(items) + 1))
    return [converted_row(line, item, layout) if isinstance(item, dict) else
            Row(line, None, orjson.dumps(item).decode(), tr("An example must be a JSON object {…}."))
            for line, item in zip(lines, items, strict=True)]


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]')
_NON_SPACE = re.compile(r"\S")


def element_lines(text: str) -> list[int]:
    """The file line on which each element of a top-level JSON array starts (strings skipped whole)."""
    starts: list[int] = []
    depth, line, seen = 0, 1, 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token[0] == '"':
            continue
        if token in "]}":
            depth -= 1
            continue
        depth += token in "[{"
        if depth == 1 and token in "[,":
            begin = _NON_SPACE.search(text, match.end())
            if begin is None or text[begin.start()] == "]":
                continue
            line += text.count("\n", seen, begin.start())
            seen = begin.start()
            starts.append(line)
    return starts


def read_rows(path: Path, on_batch: Callable[[list[Row]], None] | None = None) -> tuple[list[Row], SourceInfo]:
    """Every row of a .jsonl, .json, .csv, .tsv or .xlsx file (converted to OpenAI's format where it is in
    another format we know), and what was detected about it."""
    data = read_file(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        rows, mapping = read_xlsx(path)
        return _done(rows, SourceInfo(path, "xlsx", "xlsx", "none", len(data), mapping), on_batch)
    text, encoding = decode(data, path)
    text = text.removeprefix("\ufeff")
    if suffix in (".csv", ".tsv"):
        rows, mapping = read_delimited(text, "\t" if suffix == ".tsv" else ",", path.name)
        return _done(rows, SourceInfo(path, suffix[1:], encoding, line_ending(text), len(data), mapping), on_batch)
    layout = layout_for(path)
    is_array = text.lstrip().startswith("[")
    info = SourceInfo(path, "json" if is_array else "jsonl", encoding, line_ending(text), len(data),
                      layout=layout.name if layout else "")
    if is_array:
        return _done(_json_array_rows(text, path, layout), info, on_batch)
    rows = []
    for batch in parse_lines(text, layout=layout, damaged=was_damaged(data, text)):
        rows.extend(batch)
        if on_batch:
            on_batch(batch)
    return rows, info


def was_damaged(data: bytes, text: str) -> bool:
    """True when decoding put replacement characters where the bytes had none."""
    return REPLACEMENT in text and REPLACEMENT.encode() not in data


def _done(rows: list[Row], info: SourceInfo, on_batch: Callable[[list[Row]], None] | None
          ) -> tuple[list[Row], SourceInfo]:
    if on_batch:
        on_batch(rows)
    return rows, info


def unreadable(path: Path, exc: OSError) -> CoreError:
    return CoreError(tr("{name} could not be read.").format(name=path.name),
                     tr("Check that the file exists and that you may read it."), repr(exc))


def regular_size(path: Path) -> int:
    """The size of ``path``; a pipe, a device or a folder is refused before anything reads from it (a FIFO
    would wait for ever, /dev/zero never ends)."""
    try:
        found = path.stat()
    except OSError as exc:
        raise unreadable(path, exc) from exc
    if not stat.S_ISREG(found.st_mode):
        raise CoreError(tr("{name} is not a file that can be read as a dataset (it is a folder, a device or a "
                           "pipe).").format(name=path.name), tr("Choose a saved .jsonl, .json, .csv or .xlsx file."))
    return found.st_size


def read_file(path: Path) -> bytes:
    regular_size(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise unreadable(path, exc) from exc


def reencoded(data: bytes, path: Path, bom: bool = False) -> bytes:
    """A text file's content as UTF-8, with a byte-order mark when ``bom`` (some providers require it)."""
    text, _ = decode(data, path)
    return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")


def jsonl_bytes(rows: Sequence[Row]) -> bytes:
    """UTF-8 without BOM, LF, one compact object per line (broken rows exactly as they were)."""
    return b"".join(orjson.dumps(r.data) + b"\n" if r.data is not None else r.raw.encode() + b"\n" for r in rows)


def save_jsonl(path: Path, rows: Sequence[Row]) -> None:
    """Atomic, keeping the previous version as FILE.bak."""
    data = jsonl_bytes(rows)
    if path.exists():
        # No fsync needed: the old file stays in place until the new one is safely on disk.
        write_atomically(path.with_name(path.name + ".bak"), path.read_bytes(), sync=False)
    write_atomically(path, data)
