"""Safe file writing shared by settings, keys and the Sandbox's state."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes | str, mode: int | None = None, sync: bool = True) -> None:
    """Write to a temporary file beside ``path`` and rename it over, so a crash never leaves half a file.

    ``sync`` flushes to disk first (survives a power cut, costs a few ms); the rename alone already
    guarantees a whole old or a whole new file after a crash of the program."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        if mode is not None:
            os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
