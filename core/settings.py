"""Connection profiles and app settings: frozen dataclasses, a versioned JSON file, atomic saves.

API keys are never part of these objects or of the file: see core/secrets.py.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from core.fileio import write_atomically
from core.paths import config_dir
from core.urls import normalise_base_url

SETTINGS_VERSION = 2
RECENT_FILES = 10
SANDBOX_ID = "sandbox"
OPENAI_URL = "https://api.openai.com/v1"
ZHIPU_URL = "https://open.bigmodel.cn/api/paas/v4"
BAILIAN_URLS = {"cn-beijing": "https://dashscope.aliyuncs.com/api/v1",
                "ap-southeast-1": "https://dashscope-intl.aliyuncs.com/api/v1"}
TRAINING_TYPES = {"azure": ("Standard", "GlobalStandard", "Developer"), "bailian": ("efficient_sft", "sft")}
SANDBOX_PLACEHOLDER_URL = "http://127.0.0.1/v1"  # the real port is chosen when the sandbox starts
log = logging.getLogger(__name__)


class ProfileKind(StrEnum):
    OPENAI = "openai"
    AZURE = "azure"
    COMPATIBLE = "compatible"
    ZHIPU = "zhipu"
    BAILIAN = "bailian"
    SANDBOX = "sandbox"


class KeyStorage(StrEnum):
    KEYRING = "keyring"
    SESSION = "session"
    FILE = "file"


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    kind: ProfileKind
    base_url: str
    proxy: str = ""
    organization: str = ""
    project: str = ""
    timeout: float = 60.0
    azure_resource: str = ""
    training_type: str = ""  # Azure: Standard, GlobalStandard, Developer; Bailian: efficient_sft (LoRA), sft
    region: str = ""  # Bailian: cn-beijing or ap-southeast-1

    @property
    def is_sandbox(self) -> bool:
        return self.kind is ProfileKind.SANDBOX


def sandbox_profile() -> Profile:
    return Profile(id=SANDBOX_ID, name="Sandbox", kind=ProfileKind.SANDBOX, base_url=SANDBOX_PLACEHOLDER_URL)


def new_profile(kind: ProfileKind, name: str) -> Profile:
    """A fresh profile of a preset kind with its usual defaults."""
    base_url = {ProfileKind.OPENAI: OPENAI_URL, ProfileKind.ZHIPU: ZHIPU_URL,
                ProfileKind.BAILIAN: BAILIAN_URLS["cn-beijing"]}.get(kind, "")
    region = "cn-beijing" if kind is ProfileKind.BAILIAN else ""
    training_type = TRAINING_TYPES.get(kind.value, ("",))[1 if kind is ProfileKind.AZURE else 0]
    return Profile(id=uuid.uuid4().hex[:12], name=name, kind=kind, base_url=base_url, region=region,
                   training_type=training_type)


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


def _profile_from_dict(data: Mapping[str, Any]) -> Profile:
    known = {f.name for f in fields(Profile)}
    values = {k: v for k, v in data.items() if k in known}
    kind = values.get("kind", "compatible")
    values["kind"] = ProfileKind(kind) if kind in set(ProfileKind) else ProfileKind.COMPATIBLE
    values["timeout"] = float(values.get("timeout", 60.0))
    return Profile(**values)


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a settings dict of any earlier version up to SETTINGS_VERSION."""
    version = int(data.get("version", 1))
    if version < 2:  # version 1 stored a single "profile" and no key storage choice
        if "profile" in data:
            data["profiles"] = [data.pop("profile")]
        data.setdefault("key_storage", KeyStorage.KEYRING.value)
    for profile in data.get("profiles", []):
        profile.pop("api_key", None)  # never keep a key that an old or hand-edited file holds
    data["version"] = SETTINGS_VERSION
    return data


def settings_from_dict(data: dict[str, Any]) -> AppSettings:
    data = migrate(dict(data))
    profiles = tuple(_profile_from_dict(p) for p in data.get("profiles", []))
    if not any(p.id == SANDBOX_ID for p in profiles):
        profiles = (sandbox_profile(), *profiles)
    defaults = AppSettings()
    return AppSettings(
        language=str(data.get("language", defaults.language)),
        active_profile_id=str(data.get("active_profile_id", SANDBOX_ID)),
        profiles=profiles,
        key_storage=KeyStorage(data.get("key_storage", defaults.key_storage)),
        window_geometry=str(data.get("window_geometry", "")),
        last_tab=int(data.get("last_tab", 0)),
        recent_files=tuple(str(f) for f in data.get("recent_files", ()))[:RECENT_FILES],
        dataset_model=str(data.get("dataset_model", defaults.dataset_model)),
        welcome_done=bool(data.get("welcome_done", False)),
    )


def settings_to_dict(settings: AppSettings) -> dict[str, Any]:
    data = asdict(settings)
    data["profiles"] = [asdict(p) for p in settings.profiles]
    return data


class SettingsStore:
    """Loads and saves AppSettings as JSON; a damaged file is set aside, never lost."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "settings.json"

    def load(self) -> AppSettings:
        if not self.path.exists():
            return AppSettings()
        try:
            return settings_from_dict(json.loads(self.path.read_text(encoding="utf-8")))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            backup = self.path.with_suffix(".damaged.json")
            os.replace(self.path, backup)
            log.warning("settings file was damaged (%s); moved to %s", exc, backup)
            return AppSettings()

    def save(self, settings: AppSettings) -> None:
        write_atomically(self.path, json.dumps(settings_to_dict(settings), indent=2, ensure_ascii=False),
                         mode=0o600)


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
    kind = ProfileKind.COMPATIBLE if base_url and "api.openai.com" not in base_url else ProfileKind.OPENAI
    profile = replace(new_profile(kind, "Environment"), base_url=base_url or OPENAI_URL,
                      organization=environ.get("OPENAI_ORG_ID", ""), project=environ.get("OPENAI_PROJECT_ID", ""))
    return profile, key
