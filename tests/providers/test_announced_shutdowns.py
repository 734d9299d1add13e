"""A shutdown date a server announces in /models (`shutdown_date`) is read tolerantly and reaches the model
list, where it wins over the table in resources/."""

import json
from dataclasses import replace

import pytest

from core.providers import provider_for
from core.providers.payloads import announced_date
from core.providers.registry import spec_for
from core.settings import new_profile
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


async def test_the_model_list_carries_the_announced_date():
    with serve(Models) as origin:
        provider = provider_for(replace(new_profile(spec_for("openai").kind, "Work"), base_url=origin + "/v1"),
                                "sk-test")
        try:
            models = {m.id: m for m in await provider.list_models()}
        finally:
            await provider.close()
    assert models[MODEL].shutdown == "2026-12-20" and models["gpt-4o-mini-2024-07-18"].shutdown == ""
