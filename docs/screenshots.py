"""Save a screenshot of Home and every tab, in light and dark, English and Chinese, at 1280×720 and 1920×1080
to docs/screenshots/, with the Sandbox profile after a practice run: a dataset open (docs/examples/
support_mixed.jsonl, the row with an error selected), one job finished and one under way, the model answering.

Names: NAME-LANG.png (light, 1280×720), NAME-dark-LANG.png, NAME-LANG-1920.png, NAME-dark-LANG-1920.png;
home-start-LANG.png is Home on a first start.
Run: QT_QPA_PLATFORM=offscreen python docs/screenshots.py   (docs/make_screenshots.py runs every screenshot script)
Uses a throw-away settings folder, so your own profiles and keys are never shown.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["FINETUNE_STUDIO_HOME"] = tempfile.mkdtemp(prefix="ft-shots-")

import qasync  # noqa: E402

from core.profiles import ProfileService  # noqa: E402
from core.providers.base import Provider  # noqa: E402
from core.providers.records import JobRequest  # noqa: E402
from core.secrets import SessionStore  # noqa: E402
from core.settings import SettingsStore  # noqa: E402
from gui.app import create_application, create_window  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from gui.theme import apply_theme  # noqa: E402
from gui.try_it_tab import ASKING  # noqa: E402
from sandbox.launcher import SandboxLauncher  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
DATA = ROOT / "docs" / "examples" / "support_mixed.jsonl"
TABS = ("home", "settings", "dataset", "training", "try-it", "models", "files")  # in the window's order
# (theme, size, file name suffix before the language)
VARIANTS = (("light", (1280, 720), ""), ("dark", (1280, 720), "-dark"), ("light", (1920, 1080), "@1920"),
            ("dark", (1920, 1080), "-dark@1920"))


def file_name(tab: str, suffix: str, language: str) -> str:
    theme, _, size = suffix.partition("@")
    return f"{tab}{theme}-{language}{'-' + size if size else ''}.png"


async def settle(seconds: float = 0.5) -> None:
    """Let language changes, reports, layouts and repaints finish."""
    await asyncio.sleep(seconds)


async def capture(window: MainWindow) -> int:
    saved = 0
    for theme, (width, height), suffix in VARIANTS:
        apply_theme(theme)
        window.resize(width, height)
        for language in ("en", "zh_CN"):
            window.languages.apply(language)
            for index, tab in enumerate(TABS):
                window.tabs.setCurrentIndex(index)
                await settle(0.6 if index == 0 else 0.35)
                image = window.grab().toImage()
                image.save(str(OUT / file_name(tab, suffix, language)), "PNG", 0)  # 0: the smallest file
                saved += 1
    window.languages.apply("en")
    apply_theme("system")
    return saved


async def first_start(window: MainWindow) -> None:
    """Home as a new user first sees it (home-start-LANG.png): nothing yet, the three ways to begin."""
    while not window.home.loaded or window.step_bar.states()[0].value != "done":
        await asyncio.sleep(0.1)
    for language in ("en", "zh_CN"):
        window.languages.apply(language)
        await settle(0.6)
        window.grab().toImage().save(str(OUT / f"home-start-{language}.png"), "PNG", 0)
    window.languages.apply("en")


def clean_copy(path: Path) -> Path:
    """The examples without the row that has an error: what a user sends to training once it is fixed."""
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if '"content": ""' not in line]
    clean = Path(tempfile.mkdtemp()) / "support.jsonl"
    clean.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return clean


async def train(window: MainWindow, launcher: SandboxLauncher) -> str:
    """One job run to the end (the Training tab shows it, its model answers), then a second one under way (Home
    shows its progress and time left)."""
    provider: Provider = await window.training_tab.session()
    uploaded = await provider.upload(clean_copy(DATA))
    job = await provider.create_job(JobRequest("gpt-4o-mini-2024-07-18", uploaded.id, suffix="support-v1"))
    while not (finished := await provider.get_job(job.id)).finished:
        await asyncio.sleep(0.5)
    assert launcher.server is not None
    launcher.server.app.state.sandbox.job_seconds = 1800  # the second job stays under way while the shots are taken
    await provider.create_job(JobRequest("gpt-4o-mini-2024-07-18", uploaded.id, suffix="support-v2"))
    return finished.fine_tuned_model or ""


async def talk(window: MainWindow, model: str) -> None:
    """The fine-tuned model and its base model side by side."""
    window.tabs.setCurrentWidget(window.try_it_tab)
    try_it = window.try_it_tab
    while model not in try_it.known:
        await asyncio.sleep(0.1)
    try_it.set_model(model)
    try_it.system_edit.setText("你是ACME公司的客服助手，回答要简洁、礼貌。")
    try_it.compare.setChecked(True)
    for question in ("我的订单什么时候发货？", "可以开发票吗？"):
        try_it.question.setPlainText(question)
        try_it.send_button.click()
        while try_it.tasks.busy(ASKING):
            await asyncio.sleep(0.1)


async def shoot() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    launcher = SandboxLauncher(job_seconds=20.0)
    service = ProfileService(SettingsStore(), keys=SessionStore(), sandbox=launcher)
    service.update(welcome_done=True)
    window = create_window(service)
    window.resize(1280, 720)
    window.show()
    window.check_active_profile()
    await first_start(window)
    tab = window.dataset_tab
    await tab.files.open_path(DATA)
    while None in tab.model.document.results:
        await asyncio.sleep(0.05)
    tab.editing.select(6)  # the row with an empty answer
    model = await train(window, launcher)
    await talk(window, model)
    for index in range(len(TABS)):  # every tab loads its lists once before the shots
        window.tabs.setCurrentIndex(index)
        await settle(1.5)
    window.models_tab.view.selectRow(0)
    window.training_tab.jobs_view.selectRow(1)  # the finished job: its whole loss curve, Try this model
    print(f"saved {await capture(window)} screenshots to {OUT}")
    window.dataset_tab.undo.setClean()
    window.close()
    launcher.stop()


def run_offscreen(shots: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``shots`` on a qasync loop of an app that stays open while its windows come and go."""
    app = create_application()
    app.setQuitOnLastWindowClosed(False)
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        runner.run(shots())


if __name__ == "__main__":
    run_offscreen(shoot)
