"""A file that cannot be written shows a translated message instead of a traceback."""

from gui.tasks import Tasks
from gui.widgets.message_bar import MessageBar


async def test_a_file_error_becomes_a_clear_message(qtbot, tmp_path):
    bar = MessageBar()
    qtbot.addWidget(bar)

    async def write_into_a_missing_folder() -> None:
        (tmp_path / "missing" / "out.csv").write_text("x")

    await Tasks(bar, "test").run(write_into_a_missing_folder())
    assert not bar.isHidden() and "out.csv could not be read or written" in bar.text()


async def test_an_unexpected_error_in_a_task_reaches_the_user(qtbot):
    bar = MessageBar()
    qtbot.addWidget(bar)

    async def broken() -> None:
        raise ValueError("surprise from a library")

    await Tasks(bar, "test").run(broken())
    assert not bar.isHidden() and "Something unexpected went wrong: surprise from a library" in bar.text()
