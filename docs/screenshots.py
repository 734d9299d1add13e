"""Save a screenshot of every tab, in English and Chinese, to docs/screenshots/ (offscreen Qt). The
Dataset tab shows docs/examples/support_mixed.jsonl (Chinese and English rows, one error selected).

Run: QT_QPA_PLATFORM=offscreen python docs/screenshots.py
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
from core.providers.records import JobRequest  # noqa: E402
from core.secrets import SessionStore  # noqa: E402
from core.settings import SettingsStore  # noqa: E402
from gui.app import create_application, create_window  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from gui.try_it_tab import ASKING  # noqa: E402
from sandbox.launcher import SandboxLauncher  # noqa: E402

TAB_NAMES = ("settings", "dataset", "training", "try-it", "models")


async def capture(window: MainWindow, out: Path, names: tuple[str, ...]) -> None:
    for language in ("en", "zh_CN"):
        window.languages.apply(language)
        for name in names:
            window.tabs.setCurrentIndex(TAB_NAMES.index(name))
            await asyncio.sleep(0.4)  # language changes, reports and layouts settle
            window.grab().save(str(out / f"{name}-{language}.png"))


async def shoot() -> None:
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    launcher = SandboxLauncher(job_seconds=30.0)
    service = ProfileService(SettingsStore(), keys=SessionStore(), sandbox=launcher)
    window = create_window(service)
    window.resize(1100, 720)
    window.show()
    tab = window.dataset_tab
    await tab.files.open_path(ROOT / "docs" / "examples" / "support_mixed.jsonl")
    while None in tab.model.document.results:
        await asyncio.sleep(0.05)
    tab.editing.select(6)  # the row with an empty answer
    model = await start_a_job(window, ROOT / "docs" / "examples" / "support_mixed.jsonl", out)
    await talk(window, model)
    await capture(window, out, ("settings", "dataset", "try-it", "models"))
    print(f"saved {2 * len(TAB_NAMES)} screenshots to {out}")
    window.dataset_tab.undo.setClean()
    window.close()
    launcher.stop()


async def start_a_job(window: MainWindow, path: Path, out: Path) -> str:
    """A running Sandbox job with part of its loss curve for the Training tab's screenshot; then its model."""
    window.tabs.setCurrentWidget(window.training_tab)
    provider = await window.training_tab.session()
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if '"content": ""' not in line]
    clean = Path(tempfile.mkdtemp()) / "support.jsonl"
    clean.write_text("\n".join(rows) + "\n", encoding="utf-8")
    uploaded = await provider.upload(clean)
    job = await provider.create_job(JobRequest("gpt-4o-mini-2024-07-18", uploaded.id, suffix="support-v1"))
    await window.training_tab.refresh()
    window.training_tab.use_file(clean)
    window.training_tab.form.suffix_edit.setText("support-v2")
    await asyncio.sleep(12)  # part of the run: the chart shows the first steps
    await capture(window, out, ("training",))
    window.languages.apply("en")
    while not (finished := await provider.get_job(job.id)).finished:
        await asyncio.sleep(1)
    return finished.fine_tuned_model or ""


async def talk(window: MainWindow, model: str) -> None:
    """The fine-tuned model and its base model side by side, for the Try it screenshot."""
    window.tabs.setCurrentWidget(window.try_it_tab)
    try_it = window.try_it_tab
    while try_it.model_combo.count() < 3:
        await asyncio.sleep(0.1)
    try_it.set_model(model)
    try_it.system_edit.setText("你是ACME公司的客服助手，回答要简洁、礼貌。")
    try_it.compare.setChecked(True)
    for question in ("我的订单什么时候发货？", "可以开发票吗？"):
        try_it.question.setPlainText(question)
        try_it.send()
        while try_it.tasks.busy(ASKING):
            await asyncio.sleep(0.1)


def run_offscreen(shots: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``shots`` on a qasync loop of an app that stays open while its windows come and go."""
    app = create_application()
    app.setQuitOnLastWindowClosed(False)
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        runner.run(shots())


if __name__ == "__main__":
    run_offscreen(shoot)
