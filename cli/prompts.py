"""Questions asked on the terminal: yes/no confirmations and keys (never taken from the command line, where
shell history and the process list would keep them)."""

from __future__ import annotations

import getpass
import sys

from core.i18n import tr
from core.logs import register_secret


def confirm(question: str) -> bool:
    """Yes from the terminal; no when nobody can answer (input is not a terminal and --yes was not given)."""
    try:
        return input(question).strip().lower() in ("y", "yes", "是")
    except EOFError:
        return False


def read_key(question: str | None = None) -> str:
    """A key typed at a hidden prompt, or the first line of standard input when that is not a terminal
    (``echo "$KEY" | finetune-studio-cli profiles add …``); "" when none is given."""
    if sys.stdin is not None and sys.stdin.isatty():
        key = getpass.getpass(question or tr("API key (hidden; empty for none): "))
    else:
        key = (sys.stdin.readline() if sys.stdin is not None else "").strip()
    register_secret(key.strip())
    return key.strip()

