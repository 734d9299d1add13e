"""A tab's task runner: errors reach the user, a newer request replaces an older one, closing stops all."""

import asyncio
import gc

from gui.tasks import Tasks
from gui.widgets.message_bar import MessageBar


async def test_a_file_error_becomes_a_clear_message(qtbot, tmp_path):
    bar = MessageBar()
    qtbot.addWidget(bar)

    async def write_into_a_missing_folder() -> None:
        (tmp_path / "missing" / "out.csv").write_text("x")

    await Tasks(bar.show_error, "test").run(write_into_a_missing_folder())
    assert not bar.isHidden() and "out.csv could not be read or written" in bar.text()


async def test_an_unexpected_error_in_a_task_reaches_the_user(qtbot):
    bar = MessageBar()
    qtbot.addWidget(bar)

    async def broken() -> None:
        raise ValueError("surprise from a library")

    await Tasks(bar.show_error, "test").run(broken())
    assert not bar.isHidden() and "Something unexpected went wrong: surprise from a library" in bar.text()


async def test_a_newer_request_replaces_the_older_one_and_closing_stops_everything(recwarn):
    shown = []
    tasks = Tasks(lambda message, hint: shown.append(message), "test")
    results = []

    async def search(text: str) -> None:
        await asyncio.sleep(0.05)
        results.append(text)

    first = tasks.replace("search", search("ord"))
    second = tasks.replace("search", search("order"))  # typed on before the first answered
    await second
    assert first.cancelled() and results == ["order"] and not tasks.busy("search")

    never_started = tasks.replace("search", search("never"))
    running = tasks.run(asyncio.sleep(10))
    tasks.cancel_all()  # the window closes
    await asyncio.gather(never_started, running, return_exceptions=True)
    assert never_started.cancelled() and running.cancelled() and not tasks.running and shown == []
    gc.collect()
    assert not [w for w in recwarn if "never awaited" in str(w.message)]  # a cancelled task's coroutine is closed
