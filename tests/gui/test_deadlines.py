"""An OpenAI-shaped profile (the Sandbox speaks OpenAI's dialect and shows its dates as practice): the
Training tab's banner with the job-creation deadline, the closed-account banner, and the Models tab's
"Shuts down" column, as a user sees them."""

import datetime as dt
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from core import deadlines
from core.models import ModelInfo
from core.profiles import ProfileService
from core.settings import SettingsStore
from gui.item_models.models_table_model import SHUTDOWN_COLUMN, ModelsTableModel
from sandbox.faults import Faults
from sandbox.launcher import SandboxLauncher
from tests.gui.conftest import until


@pytest.fixture
def first_of_december():
    previous = deadlines.set_clock(lambda: dt.date(2026, 12, 1))
    yield
    deadlines.set_clock(previous)


async def open_window(tmp_path, closed: bool):
    from gui.app import create_window

    launcher = SandboxLauncher(state_dir=tmp_path / "sandbox", job_seconds=2.0)
    await launcher.base_url()
    launcher.server.set_faults(Faults(fine_tuning_closed=closed))
    window = create_window(ProfileService(SettingsStore(), sandbox=launcher))
    window.show()
    return window, launcher


async def test_the_banner_shows_the_deadline_and_a_closed_account(qtbot, memory_keyring, tmp_path,
                                                                  first_of_december):
    window, launcher = await open_window(tmp_path, closed=False)
    try:
        window.tabs.setCurrentWidget(window.training_tab)
        banner = window.training_tab.banner
        await until(lambda: banner.isVisible())
        assert "New fine-tuning jobs can be created until 6 January 2027 (36 days)." in banner.text()
        assert "Practice" in banner.text() and "no longer" not in banner.text()
        launcher.server.set_faults(Faults(fine_tuning_closed=True))
        window.training_tab.load_profile()  # as when the profile is chosen again
        await until(lambda: "can no longer create fine-tuning jobs" in banner.text())
        assert "another provider in Settings" in banner.text() and "6 January 2027" in banner.text()
    finally:
        window.close()
        launcher.stop()


async def test_the_models_tab_shows_days_left(qtbot, memory_keyring, tmp_path, first_of_december):
    window, launcher = await open_window(tmp_path, closed=False)
    try:
        tab = window.models_tab
        window.tabs.setCurrentWidget(tab)
        tab.mine_only.setChecked(False)
        table = tab.table
        await until(lambda: any(m.id == "gpt-4o-mini-2024-07-18" for m in table.models))
        assert not tab.view.isColumnHidden(SHUTDOWN_COLUMN)
        assert table.headerData(SHUTDOWN_COLUMN, Qt.Orientation.Horizontal) == "Shuts down"
        row = next(i for i, m in enumerate(table.models) if m.id == "gpt-4o-mini-2024-07-18")
        assert table.data(table.index(row, SHUTDOWN_COLUMN)) == "in 44 days"
        gone = next((i for i, m in enumerate(table.models) if m.id == "gpt-3.5-turbo-0125"), None)
        if gone is not None:
            assert table.data(table.index(gone, SHUTDOWN_COLUMN)) == "shut down"
    finally:
        window.close()
        launcher.stop()



def test_a_date_announced_in_models_wins_over_the_table(qtbot, first_of_december):
    table = ModelsTableModel()
    table.deadlines = True
    announced = ModelInfo("ft:gpt-4o-mini-2024-07-18:acme::abc", 1, "acme", "gpt-4o-mini-2024-07-18",
                          fine_tuned=True, shutdown="2026-12-20")
    table.show([announced, replace(announced, id="ft:gpt-4o-mini-2024-07-18:acme::def", shutdown="")])
    rows = {m.id: i for i, m in enumerate(table.models)}
    assert table.data(table.index(rows[announced.id], SHUTDOWN_COLUMN)) == "in 19 days"
    assert table.data(table.index(rows["ft:gpt-4o-mini-2024-07-18:acme::def"], SHUTDOWN_COLUMN)) == "in 44 days"
