"""The file that is uploaded is the file that was checked: rows read from a CSV, a workbook, a JSON array,
a GBK file or a format of another tool are written as UTF-8 JSONL into a copy, and that copy is sent."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from core.dataset.io import jsonl_bytes
from core.dataset.model import Row
from core.fileio import write_atomically
from core.paths import cache_dir

FOLDER = "converted-uploads"


def upload_copy(path: Path, rows: Sequence[Row]) -> Path:
    """``rows`` as UTF-8 JSONL under ``path``'s name with a .jsonl ending, in the cache (the user's own file
    stays as it is)."""
    # One folder per source file, so train.csv and train.xlsx never share a copy; the name stays readable.
    folder = hashlib.blake2b(str(path.resolve()).encode(), digest_size=6).hexdigest()
    copy = cache_dir() / FOLDER / folder / (path.stem + ".jsonl")
    write_atomically(copy, jsonl_bytes(rows), sync=False)
    return copy
