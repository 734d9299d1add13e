"""A zip for support: app and system versions, settings (which never hold keys) and the logs, with every
secret the app knows and anything that looks like a key removed once more."""

from __future__ import annotations

import json
import platform
import sys
import zipfile
from pathlib import Path

from core.logs import redact
from core.paths import config_dir, log_dir
from core.version import __version__


def write_diagnostics(path: Path) -> Path:
    path = path.with_suffix(".zip")
    about = {"app": __version__, "python": sys.version, "platform": platform.platform()}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("about.json", json.dumps(about, indent=1))
        settings = config_dir() / "settings.json"
        if settings.exists():
            archive.writestr("settings.json", redact(settings.read_text(encoding="utf-8", errors="replace")))
        for log in sorted(log_dir().glob("*.log*")):
            archive.writestr(f"logs/{log.name}", redact(log.read_text(encoding="utf-8", errors="replace")))
    return path
