"""Server text made safe to print on a terminal.

A server's ids, messages and answers are data: escape sequences in them could change the window title,
clear the screen, plant links (OSC 8) or rewrite earlier lines, so they are removed before printing."""

from __future__ import annotations

import re

# Whole sequences first (CSI, OSC up to BEL or ST, DCS/SOS/PM/APC strings, two-character escapes, and the
# one-byte C1 forms of CSI and OSC), so no half of one is left behind as visible garbage.
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
)
# Every other control character except line breaks and tabs, and the bidirectional overrides that make
# text read differently from what it is.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile(r"[\n\t]+")


def plain(text: str) -> str:
    """``text`` without escape sequences and control characters; line breaks and tabs are kept."""
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))


def one_line(value: object) -> str:
    """``value`` as one line of plain text (an id, a status, a model name)."""
    return _BREAKS.sub(" ", plain("" if value is None else str(value)))
