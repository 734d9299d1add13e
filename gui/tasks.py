"""Background coroutines of a tab: kept referenced, cancelled together, their errors shown. A named task is a
request that a newer one of the same name replaces (a report, a refresh, the job being watched)."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from core.errors import CoreError, file_error
from core.i18n import tr

log = logging.getLogger(__name__)
ShowError = Callable[[str, str], object]  # (message, hint): a message bar's show_error, a dialog...


def _close_unstarted(coroutine: Coroutine[Any, Any, object]) -> None:
    """A task cancelled before it ran never awaited its coroutine: close it quietly."""
    if inspect.getcoroutinestate(coroutine) == inspect.CORO_CREATED:
        coroutine.close()


class Tasks:
    def __init__(self, show_error: ShowError, name: str) -> None:
        self.show_error, self.name = show_error, name
        self.running: set[asyncio.Task[object]] = set()
        self._named: dict[str, asyncio.Task[object]] = {}

    def run(self, coroutine: Coroutine[Any, Any, object]) -> asyncio.Task[object]:
        """Start ``coroutine``; the task's result is None when it failed (its error was shown)."""
        task = asyncio.ensure_future(self.guarded(coroutine))
        self.running.add(task)
        task.add_done_callback(self.running.discard)
        task.add_done_callback(lambda _: _close_unstarted(coroutine))
        return task

    def replace(self, name: str, coroutine: Coroutine[Any, Any, object]) -> asyncio.Task[object]:
        """Start ``coroutine`` as the task ``name``, cancelling the one it replaces."""
        self.cancel(name)
        task = self._named[name] = self.run(coroutine)
        task.add_done_callback(lambda done: self._named.get(name) is done and self._named.pop(name))
        return task

    def busy(self, name: str) -> bool:
        """Whether the task ``name`` is still running."""
        task = self._named.get(name)
        return task is not None and not task.done()

    def cancel(self, name: str) -> None:
        task = self._named.get(name)
        if task is not None:
            task.cancel()

    def cancel_all(self) -> None:
        for task in list(self.running):
            task.cancel()

    async def guarded(self, coroutine: Coroutine[Any, Any, object]) -> object:
        """The coroutine's result; an error is logged and shown instead."""
        try:
            return await coroutine
        except OSError as exc:  # a file that could not be written or read: say so, in the user's language
            error = file_error(exc)
            log.warning("%s: %s (%s)", self.name, error.user_message, error.detail)
            self.show_error(error.user_message, error.hint)
        except CoreError as error:
            log.warning("%s: %s (%s)", self.name, error.user_message, error.detail)
            self.show_error(error.user_message, error.hint)
        except Exception as exc:  # a bug or a surprise from a library: never a silent, half-done task
            log.exception("%s: unexpected error", self.name)
            self.show_error(tr("Something unexpected went wrong: {error}").format(error=exc),
                            tr("Nothing was lost. Try again; if it happens again, send the diagnostics "
                               "(Help → Export diagnostics) to support."))
        return None
