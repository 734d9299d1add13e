"""Screenshots of Grow dataset: the dialog (five Chinese examples, grow to 30, with the Sandbox) and the review
queue once the new rows are written, in English and Chinese, at 1280×720.

Run: QT_QPA_PLATFORM=offscreen python docs/screenshots_grow.py   (docs/make_screenshots.py runs it too)
Uses a throw-away settings folder and its own Sandbox.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["FINETUNE_STUDIO_HOME"] = tempfile.mkdtemp(prefix="ft-shots-")

from screenshots import run_offscreen  # noqa: E402  (docs/ is on sys.path when run as a script)

from core.profiles import ProfileService  # noqa: E402
from core.settings import SettingsStore  # noqa: E402
from gui.app import create_window  # noqa: E402
from sandbox.launcher import SandboxLauncher  # noqa: E402
from tests.gui.conftest import until  # noqa: E402
from tests.gui.test_dataset_tab import dialog  # noqa: E402
from tests.gui.test_grow_dataset import ANSWERS, QUESTIONS  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SYSTEM = "你是网店的客服助手。"


def examples(folder: Path) -> Path:
    path = folder / "客服.jsonl"
    rows = [{"messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": q},
                          {"role": "assistant", "content": a}]} for q, a in zip(QUESTIONS, ANSWERS, strict=True)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


async def shoot_language(language: str, folder: Path) -> None:
    launcher = SandboxLauncher(state_dir=folder / f"sandbox-{language}")
    window = create_window(ProfileService(SettingsStore(), sandbox=launcher))
    window.languages.apply(language)
    window.resize(1280, 720)
    window.show()
    tab = window.dataset_tab
    window.tabs.setCurrentWidget(tab)
    await tab.files.open_path(examples(folder))
    await until(lambda: tab.summary.report is not None and tab.summary.report.examples == 5)
    tab.view.selectAll()
    tab.open_grow_dialog()
    await until(lambda: dialog("grow_dialog") is not None)
    grow = dialog("grow_dialog")
    await until(lambda: grow.model_combo.count() > 0)
    grow.target.setValue(30)
    grow.instructions.setPlainText("多问一些退款和发票的问题")
    await asyncio.sleep(0.6)  # the estimate
    grow.grab().save(str(OUT / f"grow-dialog-{language}.png"), "PNG", 0)
    grow.grow_button.click()
    await until(lambda: not tab.growing.running() and tab.growing.model.rowCount() == 25, timeout=60)
    tab.growing.queue.view.selectRow(0)
    await asyncio.sleep(0.3)
    window.grab().save(str(OUT / f"grow-review-{language}.png"), "PNG", 0)
    tab.growing.reject(list(range(tab.growing.model.rowCount())))  # nothing left waiting for the next language
    tab.undo.setClean()
    window._closing = True
    window.close()
    launcher.stop()


async def shoot() -> None:
    folder = Path(tempfile.mkdtemp(prefix="ft-grow-"))
    for language in ("en", "zh_CN"):
        await shoot_language(language, folder)


if __name__ == "__main__":
    run_offscreen(shoot)
