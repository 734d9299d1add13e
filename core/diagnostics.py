"""A zip for support: app and system versions, settings (which never hold keys) and the logs, with every
secret the app knows and anything that looks like a key removed once more."""

from __future__ import annotations

import json
import platform
import sys
import zipfile
from pathlib import Path
from typing import Any

from core.logs import redact
from core.paths import config_dir, log_dir
from core.urls import split_proxy_password
from core.version import __version__


def _settings_text(text: str) -> str:
    """The settings file with every proxy password taken out by its place in the URL (whatever characters
    it holds), then redacted like the logs; a file that is not what we wrote is only redacted."""
    try:
        data: Any = json.loads(text)
        for profile in data.get("profiles", []):
            if isinstance(profile.get("proxy"), str):
                profile["proxy"] = split_proxy_password(profile["proxy"])[0]
        text = json.dumps(data, indent=2, ensure_ascii=False)
    except (ValueError, TypeError, AttributeError, RecursionError):
        pass
    return redact(text)


def write_diagnostics(path: Path) -> Path:
    path = path.with_suffix(".zip")
    about = {"app": __version__, "python": sys.version, "platform": platform.platform()}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("about.json", json.dumps(about, indent=1))
        settings = config_dir() / "settings.json"
        if settings.exists():
            archive.writestr("settings.json", _settings_text(settings.read_text(encoding="utf-8", errors="replace")))
        for log in sorted(log_dir().glob("*.log*")):
            archive.writestr(f"logs/{log.name}", redact(log.read_text(encoding="utf-8", errors="replace")))
    return path
