"""Blocking work (reading or writing a file, counting tokens, zipping logs) run off the caller's event loop, so a
front-end stays responsive while it runs. The one place where core hands work to a thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


async def run_blocking(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``func(*args, **kwargs)`` in a worker thread; its result or its exception. Cancelling the awaiting task
    stops waiting, not the thread: the call runs to its end and its result is dropped."""
    return await asyncio.to_thread(func, *args, **kwargs)
