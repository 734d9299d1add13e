"""Background coroutines of a tab: kept referenced, cancelled together, their CoreErrors shown."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable

from core.errors import CoreError, file_error
from core.i18n import tr
from gui.widgets.message_bar import MessageBar

log = logging.getLogger(__name__)


def _close_unstarted(coroutine: Awaitable[object]) -> None:
    """A task cancelled before it ran never awaited its coroutine: close it quietly."""
    if inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == inspect.CORO_CREATED:
        coroutine.close()


class Tasks:
    def __init__(self, messages: MessageBar, name: str) -> None:
        self.messages, self.name = messages, name
        self.running: set[asyncio.Task[object]] = set()

    def run(self, coroutine: Awaitable[object]) -> asyncio.Task[object]:
        task = asyncio.ensure_future(self.guarded(coroutine))
        self.running.add(task)
        task.add_done_callback(self.running.discard)
        task.add_done_callback(lambda _: _close_unstarted(coroutine))
        return task

    async def guarded(self, coroutine: Awaitable[object]) -> object:
        """The coroutine's result; a CoreError is logged and shown in the tab's message bar instead."""
        try:
            return await coroutine
        except OSError as exc:  # a file that could not be written or read: say so, in the user's language
            error = file_error(exc)
            log.warning("%s: %s (%s)", self.name, error.user_message, error.detail)
            self.messages.show_error(error.user_message, error.hint)
        except CoreError as error:
            log.warning("%s: %s (%s)", self.name, error.user_message, error.detail)
            self.messages.show_error(error.user_message, error.hint)
        except Exception as exc:  # a bug or a surprise from a library: never a silent, half-done task
            log.exception("%s: unexpected error", self.name)
            self.messages.show_error(tr("Something unexpected went wrong: {error}").format(error=exc),
                                     tr("Nothing was lost. Try again; if it happens again, send the diagnostics "
                                        "(Help → Export diagnostics) to support."))
        return None

    def cancel_all(self, *others: asyncio.Task[object] | asyncio.Task[None] | None) -> None:
        for task in (*self.running, *others):
            if task is not None:
                task.cancel()
