"""Blocking work runs in a worker thread and hands back its result or its error."""

import asyncio
import threading

import pytest

from core.background import run_blocking
from core.errors import CoreError


async def test_the_call_runs_in_another_thread_and_returns_its_result():
    ident, total = await run_blocking(lambda a, b=0: (threading.get_ident(), a + b), 2, b=3)
    assert ident != threading.get_ident() and total == 5


async def test_an_error_reaches_the_caller():
    def broken() -> None:
        raise CoreError("could not read the file", "")

    with pytest.raises(CoreError, match="could not read the file"):
        await run_blocking(broken)


async def test_the_loop_keeps_running_meanwhile():
    release = threading.Event()
    waiting = asyncio.ensure_future(run_blocking(release.wait, 5))
    await asyncio.sleep(0.01)  # the loop is free while the thread blocks
    assert not waiting.done()
    release.set()
    assert await waiting is True
