"""A JSON file that only its user may read, written whole or not at all, and set aside when damaged."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from core.fileio import DAMAGE_ERRORS, set_aside, write_atomically

log = logging.getLogger(__name__)
T = TypeVar("T")
PRIVATE = 0o600  # chat history and file names are the user's business alone
PRIVATE_FOLDER = 0o700


class PrivateJson:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self, parse: Callable[[Any], T]) -> T | None:
        """What the file holds, made into a value by ``parse`` (which raises ValueError or TypeError for what it
        cannot use); None when there is no file, or when it was damaged: then it is renamed NAME.damaged-<time>,
        kept for a look, and a warning (no traceback) goes to the log."""
        try:
            return parse(json.loads(self.path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except DAMAGE_ERRORS as exc:
            kept = set_aside(self.path)
            log.warning("%s was damaged (%s); set aside as %s", self.path.name, type(exc).__name__, kept)
            return None

    def write(self, value: object) -> None:
        self.path.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        write_atomically(self.path, json.dumps(value, ensure_ascii=False, indent=1), mode=PRIVATE, sync=False)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def json_object(value: Any) -> dict[str, Any]:
    """``parse`` for a file that holds one JSON object."""
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, found {type(value).__name__}")
    return value
