"""Which file id each training file got on each server, so the same file is not sent (and stored) twice.

Kept by server address rather than by profile: profiles that reach the same server see the same files. The
profile store (core/profile_data.py) clears an address's entries when the last profile that uses it is deleted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.paths import data_dir
from core.private_json import PrivateJson, json_object

FILE_NAME = "uploads.json"


def _key(address: str, key: str) -> str:
    return f"{address} {key}"


class UploadCache:
    """(server address, content hash) -> file id; (address, "<hash> parts") -> an unfinished upload in parts."""

    def __init__(self, path: Path | None = None) -> None:
        self.file = PrivateJson(path or data_dir() / FILE_NAME)

    @property
    def path(self) -> Path:
        return self.file.path

    def _load(self) -> dict[str, Any]:
        return self.file.read(json_object) or {}

    def get(self, address: str, digest: str) -> str | None:
        found = self._load().get(_key(address, digest))
        return found if isinstance(found, str) else None

    def get_state(self, address: str, key: str) -> dict[str, Any] | None:
        found = self._load().get(_key(address, key))
        return found if isinstance(found, dict) else None

    def put_state(self, address: str, key: str, value: object) -> None:
        """Remember ``value`` under ``key`` (None forgets it)."""
        entries = self._load()
        entries.pop(_key(address, key), None)
        if value is not None:
            entries[_key(address, key)] = value
        self.file.write(entries)

    def forget(self, address: str) -> None:
        """Forget every file and unfinished upload sent to ``address`` (the SDK adds a trailing slash)."""
        entries = self._load()
        kept = {key: value for key, value in entries.items()
                if key.split(" ", 1)[0].rstrip("/") != address.rstrip("/")}
        if len(kept) != len(entries):
            self.file.write(kept)
