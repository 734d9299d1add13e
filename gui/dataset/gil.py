"""Sharing the interpreter lock fairly with the window while our background threads run Python.

A thread running Python keeps the lock for the switch interval (5 ms) before it must hand it over. The
window's thread gives the lock up at each call into Qt and waits for it again at each call back into
Python (every cell a repaint draws), so while a report is summed up in a thread or a process pool's
thread unpickles results, one repaint could wait 5 ms a dozen times: the 40-60 ms stalls of a bulk fix.
A shorter interval while such work runs makes each wait short."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

SHARED_INTERVAL = 0.0005  # seconds
_state = {"depth": 0, "saved": sys.getswitchinterval()}


@contextmanager
def window_first() -> Iterator[None]:
    """Use around awaiting background Python threads; nests, and restores the interval at the end."""
    if _state["depth"] == 0:
        _state["saved"] = sys.getswitchinterval()
        sys.setswitchinterval(SHARED_INTERVAL)
    _state["depth"] += 1
    try:
        yield
    finally:
        _state["depth"] -= 1
        if _state["depth"] == 0:
            sys.setswitchinterval(_state["saved"])
