"""What every command prints the same way: errors with their hint, start-up notices, JSON, a closed pipe."""

from __future__ import annotations

import json
import logging
import os
import re
import sys

from core.errors import CoreError
from core.i18n import tr
from core.logs import log_file
from core.profiles import ProfileService
from core.terminal import plain

log = logging.getLogger(__name__)
MAX_LOGGED_DETAIL = 8000  # one error never floods the log
# Characters JSON leaves as they are but a terminal obeys: C1 controls (an 8-bit CSI) and bidirectional overrides.
_TERMINAL_CONTROLS = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def print_error(error: CoreError) -> None:
    """The message and hint on the terminal (server text in them made plain); the detail into the log."""
    print(tr("Error: {message}").format(message=plain(error.user_message)), file=sys.stderr)
    if error.hint:
        print(tr("What to do: {hint}").format(hint=plain(error.hint)), file=sys.stderr)
    where = log_file()
    if error.detail and where is not None:
        log.error("%s %s\n%s", error.user_message, error.hint, error.detail[:MAX_LOGGED_DETAIL])
        print(tr("Details: {path}").format(path=where), file=sys.stderr)


def print_notices(service: ProfileService) -> None:
    """Tell once what went wrong loading settings or keys (a damaged file set aside...)."""
    for notice in service.take_notices():
        print(tr("Warning: {message}").format(message=notice.message), file=sys.stderr)
        if notice.hint:
            print("  " + notice.hint, file=sys.stderr)


def print_json(value: object) -> None:
    """``value`` as JSON that keeps server text exactly, with what a terminal would obey written as \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    print(_TERMINAL_CONTROLS.sub(lambda found: f"\\u{ord(found.group()):04x}", text))


def silence_stdout() -> None:
    """The reader of our output is gone: the rest goes nowhere, quietly, like a tool ended by SIGPIPE."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)

