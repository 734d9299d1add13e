"""Safe file writing shared by settings, keys and per-profile data; damaged files set aside, not lost."""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import stat
import tempfile
import time
from pathlib import Path

STALE_SECONDS = 3600  # a temporary file this old beside its target is left from a killed process
# What a damaged file may raise while it is read and turned into values (1e400 -> OverflowError,
# deep nesting -> RecursionError, unreadable -> OSError, wrong types -> TypeError/AttributeError...).
DAMAGE_ERRORS = (OSError, ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError)
log = logging.getLogger(__name__)


def write_atomically(path: Path, data: bytes | str, mode: int | None = None, sync: bool = True) -> None:
    """Write to a temporary file beside ``path`` and rename it over, so a crash never leaves half a file.

    The file keeps the permissions it had (a new one gets the usual ones for the user's umask) unless
    ``mode`` is given. ``sync`` flushes to disk first (survives a power cut, costs a few ms); the rename
    alone already guarantees a whole old or a whole new file after a crash of the program. Temporary files
    that an earlier, killed write left beside ``path`` are removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    except OSError as exc:
        _name(exc, path)
        raise
    try:
        os.chmod(tmp, mode if mode is not None else _kept_mode(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        _name(exc, path)
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _name(exc: OSError, path: Path) -> None:
    """Make ``exc`` name ``path``: the user never heard of our temporary file, whose name it carries."""
    if exc.filename is not None:
        exc.filename, exc.filename2 = str(path), None


def _kept_mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _remove_stale_temporaries(path: Path) -> None:
    cutoff = time.time() - STALE_SECONDS
    for leftover in path.parent.glob(glob.escape(path.name) + "*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def set_aside(path: Path) -> Path | None:
    """Rename a damaged file to NAME.damaged-<time> so it is kept but no longer read; None if it cannot be moved."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 1
    while target.exists() or target.is_symlink():
        counter += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
    try:
        os.replace(path, target)
    except OSError as exc:
        log.warning("could not set aside %s: %r", path, exc)
        return None
    return target
