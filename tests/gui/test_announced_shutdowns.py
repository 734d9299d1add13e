"""A shutdown date the provider announces in /models wins over the table in resources/, and the Models tab
counts the days to it."""

import datetime as dt
import json
from dataclasses import replace

import pytest

from core import deadlines
from core.providers import provider_for
from core.providers.payloads import announced_date
from core.providers.registry import spec_for
from core.settings import new_profile
from gui.item_models.models_table_model import SHUTDOWN_COLUMN, ModelsTableModel
from tests.servers import QuietHandler, serve

MODEL = "ft:gpt-4o-mini-2024-07-18:acme:support:abc123"
LISTING = {"/v1/models": {"object": "list", "data": [
    {"id": MODEL, "object": "model", "created": 1, "owned_by": "acme", "shutdown_date": "2026-12-20"},
    {"id": "gpt-4o-mini-2024-07-18", "object": "model", "created": 1, "owned_by": "system"}]},
    "/v1/fine_tuning/jobs": {"object": "list", "data": [], "has_more": False}}


class Models(QuietHandler):
    def do_GET(self) -> None:
        body = LISTING.get(self.path.split("?")[0])
        self.reply(200 if body else 404, json.dumps(body or {"error": {"message": "no"}}).encode())


@pytest.mark.parametrize(("value", "day"), [("2026-12-20", "2026-12-20"), ("2026-12-20T00:00:00Z", "2026-12-20"),
                                            (1797724800, "2026-12-20"), ("soon", ""), (None, ""), (1e400, "")])
def test_announced_dates_are_read_tolerantly(value, day):
    assert announced_date(value) == day


async def test_the_models_tab_counts_to_the_announced_date(qtbot):
    previous = deadlines.set_clock(lambda: dt.date(2026, 12, 1))
    try:
        with serve(Models) as origin:
            profile = replace(new_profile(spec_for("openai").kind, "Work"), base_url=origin + "/v1")
            provider = provider_for(profile, "sk-test")
            try:
                models = await provider.list_models()
            finally:
                await provider.close()
        mine = next(m for m in models if m.id == MODEL)
        assert mine.shutdown == "2026-12-20"
        table = ModelsTableModel()
        table.deadlines = True
        table.show(models)
        row = [m.id for m in table.models].index(MODEL)
        assert table.index(row, SHUTDOWN_COLUMN).data() == "in 19 days"  # not the table's 2027-01-14
    finally:
        deadlines.set_clock(previous)
