"""The "This computer" adapter over its local server: a base model downloaded with progress, a download cancelled
by the user (what arrived is kept and the next download resumes it with a Range request), and a model that does
not fit refused before a byte is downloaded."""

from __future__ import annotations

import asyncio

import pytest

from core.errors import CoreError
from core.local.catalogue import installed_folder
from core.local.server.serve import LocalServer
from core.providers import provider_for
from core.providers.registry import spec_for
from core.settings import new_profile
from tests.local.test_download import MODEL, Hub, file_requests, handler_for
from tests.servers import serve
from tests.waiting import eventually


@pytest.fixture
async def local(tmp_path):
    with LocalServer(state_dir=tmp_path / "state", models_dir=tmp_path / "models") as server:
        provider = provider_for(new_profile(spec_for("this_computer").kind, "本机"), "local", server.base_url)
        yield provider, tmp_path / "models"
        await provider.close()


async def test_a_cancelled_download_resumes_where_it_stopped(local):
    provider, models = local
    hub = Hub(stall={"model.safetensors"})
    with serve(handler_for({"hub": hub})) as origin:
        seen = []

        async def download() -> None:
            async for progress in provider.download_model(MODEL, "huggingface", origin):
                seen.append(progress)

        task = asyncio.ensure_future(download())

        async def half_arrived() -> bool:  # the hub holds the rest back until released
            return bool(seen) and any(part.stat().st_size for part in models.glob("*/model.safetensors*"))

        await eventually(half_arrived)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        hub.release.set()
        assert installed_folder(models, MODEL) is None
        final = [p async for p in provider.download_model(MODEL, "huggingface", origin)][-1]
    assert final.state == "done" and final.done_bytes == final.total_bytes > 0
    assert installed_folder(models, MODEL) is not None
    assert any(name.endswith("model.safetensors") and ranged for name, ranged in file_requests(hub))


async def test_a_model_too_big_for_this_computer_is_refused_before_downloading(local):
    provider, _ = local
    too_big = next(m for m in await provider.offered_models() if not m.fits)
    with pytest.raises(CoreError) as refused:
        async for _ in provider.download_model(too_big.id, "huggingface", "http://127.0.0.1:9"):
            pass
    assert "Too large" in str(refused.value) or "GB" in str(refused.value)


async def test_the_connection_test_says_what_this_computer_trains_on(tmp_path):
    from core.connection import run_checks

    profile = new_profile(spec_for("this_computer").kind, "本机")
    with LocalServer(state_dir=tmp_path / "state", models_dir=tmp_path / "models") as server:
        results = [result async for result in run_checks(profile, "local", server.base_url)]
    assert all(result.ok for result in results)
    messages = " ".join(f"{r.message} {r.hint} {r.detail}" for r in results)
    assert "The local server answers: 0 models on this computer." in messages
    assert "Trains on the processor:" in messages and "key" not in messages.lower()
