"""Waiting on what a test can observe, never on the clock.

A test that sleeps a fixed time and then asserts, or that polls a fixed number of times, passes or fails
with the machine's speed. These helpers poll a condition until it holds, with a generous deadline that
only a broken test ever reaches. (GUI tests have ``until`` in tests/gui/conftest.py for conditions they
can check without awaiting anything.)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

DEADLINE = 20.0  # seconds: generous for a loaded two-core machine


def _name(check: Callable[..., object]) -> str:
    return getattr(check, "__qualname__", repr(check))


async def eventually(check: Callable[[], Awaitable[T]], timeout: float = DEADLINE, interval: float = 0.05) -> T:
    """Await ``check()`` until it gives something truthy and return that; fail after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (result := await check()):
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {_name(check)} (last: {result!r})")
        await asyncio.sleep(interval)
    return result


def wait_until(check: Callable[[], T], timeout: float = DEADLINE, interval: float = 0.05) -> T:
    """The same for a test that talks to a server through a blocking client."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {_name(check)} (last: {result!r})")
        time.sleep(interval)
    return result
