"""Connection profiles and app settings: frozen dataclasses, a versioned JSON file, atomic saves.

API keys are never part of these objects or of the file: see core/secrets.py.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import stat
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from core.fileio import DAMAGE_ERRORS as DAMAGE_ERRORS  # re-exported, as is set_aside
from core.fileio import set_aside as set_aside
from core.fileio import write_atomically
from core.i18n import tr
from core.paths import config_dir
from core.profile import SANDBOX_KIND, Profile
from core.providers.registry import ProfileKind as ProfileKind  # re-exported: front-ends make profiles by kind
from core.providers.registry import kind_for_sdk_address, known_kind, spec_for
from core.urls import normalise_base_url, split_proxy_password

SETTINGS_VERSION = 3
RECENT_FILES = 10
SANDBOX_ID = "sandbox"
MAX_SETTINGS_BYTES = 16 * 1024 * 1024  # far above any real settings file; a bigger one is not ours
log = logging.getLogger(__name__)


class KeyStorage(StrEnum):
    KEYRING = "keyring"
    SESSION = "session"
    FILE = "file"


@dataclass(frozen=True)
class Notice:
    """Something to tell the user once, at start-up: the CLI prints it, the GUI shows it in a banner.

    It keeps the English texts and their values: settings are read before the language is known, so the
    texts are translated when shown."""

    message_text: str
    hint_text: str = ""
    values: tuple[tuple[str, str], ...] = ()

    @property
    def message(self) -> str:
        return tr(self.message_text).format(**dict(self.values))

    @property
    def hint(self) -> str:
        return tr(self.hint_text).format(**dict(self.values)) if self.hint_text else ""


def damaged_notice(message: str, kept: Path | None, path: Path) -> Notice:
    """``message`` (an untranslated text) with where the damaged file went."""
    if kept is None:
        return Notice(message, tr("It could not be moved out of the way: fix or delete {path}."),
                      (("path", str(path)),))
    return Notice(message, tr("The damaged file was kept as {path}."), (("path", str(kept)),))


def new_profile(kind: str, name: str) -> Profile:
    """A fresh profile of ``kind`` with its provider's defaults (address, region, training type...)."""
    kind = known_kind(kind)
    return Profile(id=uuid.uuid4().hex[:12], name=name, kind=kind, **spec_for(kind).defaults())


def sandbox_profile() -> Profile:
    return replace(new_profile(SANDBOX_KIND, "Sandbox"), id=SANDBOX_ID)


@dataclass(frozen=True)
class AppSettings:
    version: int = SETTINGS_VERSION
    language: str = "system"
    active_profile_id: str = SANDBOX_ID
    profiles: tuple[Profile, ...] = field(default_factory=lambda: (sandbox_profile(),))
    key_storage: KeyStorage = KeyStorage.KEYRING
    window_geometry: str = ""  # base64 of QWidget.saveGeometry()
    last_tab: int = 0
    recent_files: tuple[str, ...] = ()  # newest first
    dataset_model: str = "gpt-4o-mini-2024-07-18"  # the base model the Dataset tab counts and prices for
    welcome_done: bool = False  # the welcome guide was seen (Help reopens it)
    check_for_updates: bool = False  # opt-in: look for a newer release once at start (Help checks on demand)

    @property
    def active_profile(self) -> Profile:
        return self.profile(self.active_profile_id) or self.profiles[0]

    def profile(self, profile_id: str) -> Profile | None:
        return next((p for p in self.profiles if p.id == profile_id), None)

    def with_profile(self, profile: Profile) -> AppSettings:
        """Add ``profile`` or replace the one with the same id."""
        if self.profile(profile.id):
            profiles = tuple(profile if p.id == profile.id else p for p in self.profiles)
        else:
            profiles = (*self.profiles, profile)
        return replace(self, profiles=profiles)

    def without_profile(self, profile_id: str) -> AppSettings:
        """Remove a profile (never the Sandbox); the Sandbox becomes active if it was the active one."""
        if profile_id == SANDBOX_ID:
            return self
        profiles = tuple(p for p in self.profiles if p.id != profile_id)
        active = SANDBOX_ID if self.active_profile_id == profile_id else self.active_profile_id
        return replace(self, profiles=profiles, active_profile_id=active)


def _finite(value: Any, name: str) -> float:
    """``value`` as a finite number; ValueError for NaN, infinity, text or anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return float(value)


def _whole(value: Any, name: str) -> int:
    number = _finite(value, name)
    if not number.is_integer():
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    return int(number)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, not {type(value).__name__}")
    return value


def _profile_from_dict(data: Mapping[str, Any]) -> Profile:
    if not isinstance(data, Mapping):
        raise ValueError("a profile must be an object")
    known = {f.name for f in fields(Profile)}
    values = {k: _text(v, k) for k, v in data.items() if k in known and k != "timeout"}
    values["kind"] = known_kind(values.get("kind", ""))
    values["timeout"] = _finite(data.get("timeout", 60.0), "timeout")
    return Profile(**values)


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a settings dict of any earlier version up to SETTINGS_VERSION."""
    version = _whole(data.get("version", 1), "version")
    if version < 2:  # version 1 stored a single "profile" and no key storage choice
        if "profile" in data:
            data["profiles"] = [data.pop("profile")]
        data.setdefault("key_storage", KeyStorage.KEYRING.value)
    if version < 3 and isinstance(data.get("last_tab"), int) and not isinstance(data["last_tab"], bool):
        data["last_tab"] += 1  # version 3 put Home before the other tabs
    for profile in data.get("profiles", []):
        profile.pop("api_key", None)  # never keep a key that an old or hand-edited file holds
    data["version"] = SETTINGS_VERSION
    return data


def settings_from_dict(data: dict[str, Any]) -> AppSettings:
    """Settings from a parsed file; raises one of DAMAGE_ERRORS when the file cannot be what we wrote."""
    if not isinstance(data, dict):
        raise ValueError("the settings file must hold a JSON object")
    data = migrate(dict(data))
    if not isinstance(data.get("profiles", []), list) or not isinstance(data.get("recent_files", []), list):
        raise ValueError("profiles and recent_files must be lists")
    profiles = tuple(_profile_from_dict(p) for p in data.get("profiles", []))
    if not any(p.id == SANDBOX_ID for p in profiles):
        profiles = (sandbox_profile(), *profiles)
    defaults = AppSettings()
    return AppSettings(
        language=_text(data.get("language", defaults.language), "language"),
        active_profile_id=_text(data.get("active_profile_id", SANDBOX_ID), "active_profile_id"),
        profiles=profiles,
        key_storage=KeyStorage(data.get("key_storage", defaults.key_storage)),
        window_geometry=_text(data.get("window_geometry", ""), "window_geometry"),
        last_tab=_whole(data.get("last_tab", 0), "last_tab"),
        recent_files=tuple(_text(f, "recent_files") for f in data.get("recent_files", ()))[:RECENT_FILES],
        dataset_model=_text(data.get("dataset_model", defaults.dataset_model), "dataset_model"),
        welcome_done=bool(data.get("welcome_done", False)),
        check_for_updates=data.get("check_for_updates") is True,  # only a clear yes goes online at start
    )


def settings_to_dict(settings: AppSettings) -> dict[str, Any]:
    """What the file holds: never a key, and proxies without their password (that is kept with the keys)."""
    data = asdict(settings)
    data["profiles"] = [asdict(replace(p, proxy=split_proxy_password(p.proxy)[0])) for p in settings.profiles]
    return data


class SettingsStore:
    """Loads and saves AppSettings as JSON; a damaged file is set aside, never lost."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "settings.json"
        self.notices: list[Notice] = []  # what load() found wrong, to tell the user once

    def load(self) -> AppSettings:
        try:
            if not os.path.lexists(self.path):
                return AppSettings()
            return settings_from_dict(json.loads(self._read()))
        except DAMAGE_ERRORS as exc:
            kept = set_aside(self.path)
            log.warning("settings file was damaged (%s); set aside as %s", _reason(exc), kept)
            self.notices.append(damaged_notice(
                tr("The settings file was damaged, so the app started with its default settings."), kept, self.path))
            return AppSettings()

    def _read(self) -> str:
        """The file's text; refuses what is not a regular file (a FIFO would block) or is far too large."""
        info = os.stat(self.path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SETTINGS_BYTES:
            raise ValueError("not a regular file of a sensible size")
        with open(self.path, "rb") as handle:
            data = handle.read(MAX_SETTINGS_BYTES + 1)
        if len(data) > MAX_SETTINGS_BYTES:
            raise ValueError("the file is far too large")
        return data.decode("utf-8")

    def save(self, settings: AppSettings) -> None:
        write_atomically(self.path, json.dumps(settings_to_dict(settings), indent=2, ensure_ascii=False),
                         mode=0o600)


def _reason(exc: BaseException) -> str:
    return type(exc).__name__ if isinstance(exc, RecursionError) else repr(exc)[:300]


def env_profile(environ: Mapping[str, str] | None = None) -> tuple[Profile, str] | None:
    """A profile and key from OPENAI_API_KEY / OPENAI_BASE_URL (or the older OPENAI_API_BASE), if set."""
    environ = os.environ if environ is None else environ
    key = environ.get("OPENAI_API_KEY", "").strip()
    if not key:
        return None
    base_url = (environ.get("OPENAI_BASE_URL") or environ.get("OPENAI_API_BASE") or "").strip()
    if base_url:
        with contextlib.suppress(ConfigError):  # keep what the user set; the profile editor shows the problem
            base_url = normalise_base_url(base_url).url
    fresh = new_profile(kind_for_sdk_address(base_url), "Environment")
    profile = replace(fresh, base_url=base_url or fresh.base_url, organization=environ.get("OPENAI_ORG_ID", ""),
                      project=environ.get("OPENAI_PROJECT_ID", ""))
    return profile, key
