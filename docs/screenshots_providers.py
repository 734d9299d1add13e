"""Screenshots of the tabs with other providers' profiles, each served by a Sandbox dialect, in English and
Chinese: Training with a Zhipu profile (no pause, no checkpoints), Try it with an Azure profile (deploying
in the portal explained), Models and Settings with a Bailian profile (deployments, region, training type), Training
with a Together profile (a job under way) and Models with a Fireworks profile (a deployed LoRA).

Run: QT_QPA_PLATFORM=offscreen python docs/screenshots_providers.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["FINETUNE_STUDIO_HOME"] = tempfile.mkdtemp(prefix="ft-shots-")

from screenshots import run_offscreen  # noqa: E402  (docs/ is on sys.path when run as a script)

from core.profiles import ProfileService  # noqa: E402
from core.providers.records import JobRequest  # noqa: E402
from core.secrets import SessionStore  # noqa: E402
from core.settings import ProfileKind, SettingsStore, new_profile  # noqa: E402
from core.training.jobs import watch  # noqa: E402
from gui.app import create_window  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from gui.try_it_tab import ASKING  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402

DATA = ROOT / "resources" / "samples" / "demo_support.jsonl"
OUT = ROOT / "docs" / "screenshots"
BASES = {"zhipu": "glm-4-flash", "azure": "gpt-4o-mini-2024-07-18", "bailian": "qwen3-8b",
         "together": "Qwen/Qwen3-8B", "fireworks": "accounts/fireworks/models/qwen3-8b"}
KINDS = {"zhipu": ProfileKind.ZHIPU, "azure": ProfileKind.AZURE, "bailian": ProfileKind.BAILIAN,
         "together": ProfileKind.TOGETHER, "fireworks": ProfileKind.FIREWORKS}
NAMES = {"zhipu": "智谱", "azure": "Azure OpenAI", "bailian": "百炼", "together": "Together", "fireworks": "Fireworks"}


async def capture(window: MainWindow, name: str, again: Callable[[], Awaitable[None]] | None = None) -> None:
    """Screenshots in both languages; ``again`` redoes what shows a message (messages keep their language)."""
    for language in ("en", "zh_CN"):
        window.languages.apply(language)
        if again is not None:
            await again()
        await asyncio.sleep(0.5)
        window.grab().save(str(OUT / f"{name}-{language}.png"))
    window.languages.apply("en")


async def open_window(dialect: str, server: SandboxServer) -> MainWindow:
    service = ProfileService(SettingsStore(), keys=SessionStore())
    profile = replace(new_profile(KINDS[dialect], NAMES[dialect]), base_url=server.base_url)
    service.activate(service.save_profile(profile, "sk-sandbox").id)
    window = create_window(service)
    window.resize(1100, 720)
    window.show()
    return window


async def train(window: MainWindow, dialect: str, wait: bool = True) -> str:
    provider = await window.models_tab.connection.get()
    uploaded = await provider.upload(DATA)
    job = await provider.create_job(JobRequest(BASES[dialect], uploaded.id, suffix="support"))
    if not wait:
        return job.id
    async for update in watch(provider, job.id, interval=0.3):
        final = update.job
    return final.fine_tuned_model or ""


async def zhipu_training() -> None:
    with SandboxServer(job_seconds=40.0, dialect="zhipu") as server:
        window = await open_window("zhipu", server)
        window.tabs.setCurrentWidget(window.training_tab)
        await train(window, "zhipu", wait=False)
        await window.training_tab.refresh()
        window.training_tab.use_file(DATA)
        window.training_tab.form.suffix_edit.setText("support-v2")
        await asyncio.sleep(16)
        await capture(window, "training-zhipu")
        window.close()


async def azure_try_it() -> None:
    with SandboxServer(job_seconds=1.0, dialect="azure") as server:
        window = await open_window("azure", server)
        model = await train(window, "azure")
        try_it = window.try_it_tab
        window.tabs.setCurrentWidget(try_it)
        while model not in try_it.known:
            await asyncio.sleep(0.1)
        try_it.set_model(model)

        async def ask() -> None:
            try_it.question.setPlainText("我的订单什么时候发货？")
            try_it.send()
            while try_it.tasks.busy(ASKING):
                await asyncio.sleep(0.1)

        await capture(window, "try-it-azure", ask)
        window.close()


async def bailian_models_and_settings() -> None:
    with SandboxServer(job_seconds=1.0, dialect="bailian") as server:
        window = await open_window("bailian", server)
        model = await train(window, "bailian")
        await (await window.models_tab.connection.get()).deploy(model)
        window.tabs.setCurrentWidget(window.models_tab)
        await asyncio.sleep(1.0)
        await window.models_tab.refresh()
        window.models_tab.view.selectRow(0)
        await capture(window, "models-bailian")
        window.tabs.setCurrentWidget(window.settings_tab)
        window.settings_tab.profile_list.setCurrentIndex(window.settings_tab.model.index(3))
        await capture(window, "settings-bailian")
        window.close()


async def together_training() -> None:
    with SandboxServer(job_seconds=30.0, dialect="together") as server:
        window = await open_window("together", server)
        window.tabs.setCurrentWidget(window.training_tab)
        await train(window, "together", wait=False)
        await window.training_tab.refresh()
        window.training_tab.jobs_view.selectRow(0)
        window.training_tab.use_file(DATA)
        await asyncio.sleep(14)
        await capture(window, "training-together")
        window.close()


async def fireworks_models() -> None:
    with SandboxServer(job_seconds=1.0, dialect="fireworks") as server:
        window = await open_window("fireworks", server)
        model = await train(window, "fireworks")
        await (await window.models_tab.connection.get()).deploy(model)
        window.tabs.setCurrentWidget(window.models_tab)
        await asyncio.sleep(1.0)
        await window.models_tab.refresh()
        window.models_tab.view.selectRow(0)
        await capture(window, "models-fireworks")
        window.close()


async def shoot() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    await zhipu_training()
    await azure_try_it()
    await bailian_models_and_settings()
    await together_training()
    await fireworks_models()
    print(f"saved provider screenshots to {OUT}")


if __name__ == "__main__":
    run_offscreen(shoot)
