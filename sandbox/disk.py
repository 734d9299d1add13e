"""The Sandbox's writes to its state folder: whole files or none, even if the process is killed mid-write."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_file(path: Path, data: bytes | str) -> None:
    """Write ``data`` beside ``path`` and rename it over ``path`` (a rename is atomic on every OS we run on).

    No fsync: the Sandbox is practice, and a power cut that loses its last change loses nothing real."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
