"""What the tabs that work with the active profile's provider (Training, Try it, Models) share: one
connection, one task runner and one message bar each; loading happens when the tab is first shown and
again whenever the active profile changes."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from PySide6.QtWidgets import QWidget

from core.profiles import ProfileService
from core.providers.base import Provider
from gui.session import Session
from gui.tasks import Tasks
from gui.widgets.message_bar import MessageBar
from gui.widgets.retranslating import Retranslating


class ProfileTab(Retranslating, QWidget):
    def __init__(self, service: ProfileService, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.activated = False
        self.messages = MessageBar()
        self.tasks = Tasks(self.messages.show_error, name)
        self.connection = Session(service, self.tasks)

    # -- what MainWindow calls ---------------------------------------------------------------------------
    def shown(self) -> None:
        """The user opened the tab: load it the first time."""
        if not self.activated:
            self.activate()

    def profile_changed(self) -> None:
        """Another profile is active: a tab already loaded loads again (an unopened one waits)."""
        if self.activated:
            self.activate()

    def show_info(self, message: str, hint: str = "") -> None:
        self.messages.show_info(message, hint)

    def cancel_tasks(self) -> None:
        """The window closes: stop everything this tab started."""
        self.tasks.cancel_all()

    # -- for the tab itself -----------------------------------------------------------------------------
    def activate(self) -> None:
        """Connect anew and load what the tab shows for the active profile."""
        self.activated = True
        self.connection.reset()
        self.load_profile()

    def load_profile(self) -> None:
        """Show the active profile's capabilities and start loading its data."""
        raise NotImplementedError

    async def session(self) -> Provider:
        """The tab's connection to the active profile's provider (made on first use)."""
        return await self.connection.get()

    def run(self, coroutine: Coroutine[Any, Any, object]) -> asyncio.Task[object]:
        """Run a coroutine of this tab, keeping it referenced and showing its errors."""
        return self.tasks.run(coroutine)
