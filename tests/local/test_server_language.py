"""The local server's words reach the user in the app's language: the app names it in each call (Accept-Language),
and the server hands it on to the workers it starts."""

from __future__ import annotations

import os

from core.i18n import LANGUAGE_VARIABLE, set_language
from core.local.server.serve import LocalServer
from core.providers import provider_for
from core.providers.registry import spec_for
from core.settings import new_profile


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


async def test_verdicts_come_in_the_apps_language(tmp_path, monkeypatch):
    monkeypatch.setenv(LANGUAGE_VARIABLE, "en")  # the server (a thread here) sets it: put back afterwards
    profile = new_profile(spec_for("this_computer").kind, "本机")
    with LocalServer(state_dir=tmp_path / "state", models_dir=tmp_path / "models") as server:
        provider = provider_for(profile, "local", server.base_url)
        try:
            set_language("zh_CN")
            chosen = await provider.offered_models()
            assert chosen and all(chinese(model.verdict) for model in chosen)
            assert os.environ[LANGUAGE_VARIABLE] == "zh_CN"  # what its workers will speak
            set_language("en")
            assert not any(chinese(model.verdict) for model in await provider.offered_models())
        finally:
            set_language("en")
            await provider.close()
