"""Open a big JSONL file a batch of rows at a time, so the editor can show the first rows at once and
parse the rest between repaints (on its own thread: a second Python thread would fight the window for
the interpreter lock and make it stutter)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from core.dataset.io import detect_encoding, line_ending, parse_lines, regular_size, unreadable, was_damaged
from core.dataset.model import Row, SourceInfo
from core.dataset.sources import layout_for

READ_BYTES = 1024 * 1024


def _jsonl_batches(path: Path) -> Iterator[list[Row]]:
    """Batches of rows of a UTF-8 JSONL file, read a block at a time."""
    layout = layout_for(path)
    with path.open("rb") as handle:
        line, rest = 1, b""
        while chunk := handle.read(READ_BYTES):
            data = rest + chunk
            cut = data.rfind(b"\n") + 1
            data, rest = data[:cut], data[cut:]
            if data:
                text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
                yield from parse_lines(text, line, layout, was_damaged(data, text))
                line += data.count(b"\n")
        if rest:
            text = rest.decode("utf-8", errors="replace")
            yield from parse_lines(text, line, layout, was_damaged(rest, text))


def open_batches(path: Path) -> tuple[SourceInfo, Iterator[list[Row]]] | None:
    """What was detected and the rows in batches, for UTF-8 JSONL files; None for other files (read
    those whole with io.read_rows). Raises CoreError if the file cannot be read."""
    size = regular_size(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(READ_BYTES)
    except OSError as exc:
        raise unreadable(path, exc) from exc
    encoding = detect_encoding(head[: head.rfind(b"\n") + 1] or head)
    if path.suffix.lower() != ".jsonl" or encoding not in ("utf-8", "utf-8-sig"):
        return None
    sample = head.decode("utf-8", errors="replace")
    if sample.lstrip().startswith("["):  # a JSON array saved as .jsonl: read whole
        return None
    layout = layout_for(path)
    return (SourceInfo(path, "jsonl", encoding, line_ending(sample), size, layout=layout.name if layout else ""),
            _jsonl_batches(path))
