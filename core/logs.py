"""Rotating log file with every secret redacted before it is written."""

from __future__ import annotations

import logging
import re
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path

from core.paths import log_dir

LOG_FILE_NAME = "finetune-studio.log"
_PATTERNS = (
    (re.compile(r"sk-[A-Za-z0-9_\-]{6,}"), "sk-***"),
    (re.compile(r"(?i)(bearer\s+)[^\s'\",]+"), r"\1***"),
    (re.compile(r"(?i)(api[-_]?key['\"]?\s*[:=]\s*['\"]?)[^\s'\",]+"), r"\1***"),
    # user:password@ in proxy URLs; the user may be empty and the password may hold "@" (the last one ends it)
    (re.compile(r"""(://[^:/@\s"']*:)[^\s/?#"']*@"""), r"\1***@"),
)
_known_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Redact this exact value everywhere from now on (keys that do not look like sk-...)."""
    if value and len(value) >= 6:
        with _lock:
            _known_secrets.add(value)


def redact(text: str) -> str:
    """``text`` with API keys, bearer tokens and proxy passwords replaced by ***."""
    with _lock:
        secrets = sorted(_known_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "***")
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Renders each record's message (and traceback) once, redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def setup_logging(directory: Path | None = None, level: int = logging.INFO) -> Path:
    """Send the root logger to a rotating file; returns the file's path. Safe to call twice."""
    directory = directory or log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_finetune_studio", False):
            root.removeHandler(handler)
            handler.close()
    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    handler._finetune_studio = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return path


def log_file() -> Path | None:
    """The file setup_logging writes to, or None when logging was not set up (tests, embedding)."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, "_finetune_studio", False) and isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None
