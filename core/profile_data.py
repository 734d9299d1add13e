"""What this computer keeps for each profile (never its key), in one store that deleting a profile clears.

    <data>/profiles/<profile>/history.json   the Try it tab's conversations (core.history)
    <data>/profiles/<profile>/choices.json   choices remembered for its server, such as streaming (core.streaming)
    <data>/profiles/<profile>/origins.json   which job each retrained job re-creates (core.training.origins)
    <data>/uploads.json                      files already sent, by server address (core.upload_cache): profiles
                                             that reach the same server share them, so a file is sent once

Files are private to the user and written whole (core.private_json); a damaged one is set aside and read as empty.
Earlier versions kept <data>/history/<profile>.json and one <data>/streaming.json for every profile: a profile's
part of them moves into its folder the first time its data is used, so nothing is lost.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from pathlib import Path

from core.paths import data_dir
from core.private_json import PRIVATE_FOLDER, PrivateJson, json_object
from core.upload_cache import UploadCache

PROFILES = "profiles"
HISTORY, CHOICES, ORIGINS = "history.json", "choices.json", "origins.json"
STREAMING = "streaming"  # the key of the streaming choice in CHOICES
OLD_HISTORY_FOLDER, OLD_STREAMING_FILE = "history", "streaming.json"
SAFE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}


def folder_name(profile_id: str) -> str:
    """The profile's id when it is a safe file name everywhere; otherwise its safe letters and a short hash, so that
    two ids never share a folder and no id reaches outside the profiles folder."""
    if SAFE_NAME.fullmatch(profile_id) and profile_id.upper() not in WINDOWS_DEVICES:
        return profile_id
    kept = "".join(c for c in profile_id if c.isascii() and (c.isalnum() or c in "-_"))[:40]
    return f"{kept or 'profile'}-{hashlib.sha256(profile_id.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


def _old_history_name(profile_id: str) -> str:
    """The file name earlier versions gave a profile's history."""
    return "".join(c for c in profile_id if c.isalnum() or c in "-_") or "profile"


class ProfileData:
    """One profile's folder in the store."""

    def __init__(self, profile_id: str, root: Path | None = None) -> None:
        self.profile_id = profile_id
        self.root = root if root is not None else data_dir()
        self.folder = self.root / PROFILES / folder_name(profile_id)

    def file(self, name: str) -> PrivateJson:
        """One of the profile's files (HISTORY, CHOICES, ORIGINS), with what earlier versions kept for it moved
        in first."""
        self._move_old_history()
        self._move_old_streaming_choice()
        return PrivateJson(self.folder / name)

    def forget(self) -> None:
        """Remove everything kept for the profile, in the old places too."""
        self.file(HISTORY)  # moves the old files' part in, to go with the rest
        if self.folder.exists():
            shutil.rmtree(self.folder)

    def _move_old_history(self) -> None:
        old, new = self.root / OLD_HISTORY_FOLDER / f"{_old_history_name(self.profile_id)}.json", self.folder / HISTORY
        if not old.exists() or new.exists():
            return
        self.folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        os.replace(old, new)
        with contextlib.suppress(OSError):  # still holds other profiles' histories
            old.parent.rmdir()

    def _move_old_streaming_choice(self) -> None:
        old = PrivateJson(self.root / OLD_STREAMING_FILE)
        if not old.path.exists():
            return
        choices = old.read(json_object) or {}
        if self.profile_id not in choices:
            return
        mine = PrivateJson(self.folder / CHOICES)
        mine.write((mine.read(json_object) or {}) | {STREAMING: bool(choices.pop(self.profile_id))})
        if choices:
            old.write(choices)
        else:
            old.remove()


def forget(profile_id: str, unused_address: str = "") -> None:
    """A profile was deleted: remove what this computer kept for it. ``unused_address``: its server's address when
    no other profile uses it, whose upload cache goes too (raises OSError if a file cannot be removed)."""
    ProfileData(profile_id).forget()
    if unused_address:
        UploadCache().forget(unused_address)
