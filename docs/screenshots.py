"""Save a screenshot of every tab, in English and Chinese, to docs/screenshots/ (offscreen Qt).

Run: QT_QPA_PLATFORM=offscreen python docs/screenshots.py
Uses a throw-away settings folder, so your own profiles and keys are never shown.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["FINETUNE_STUDIO_HOME"] = tempfile.mkdtemp(prefix="ft-shots-")

from PySide6.QtWidgets import QApplication  # noqa: E402

from core.profiles import ProfileService  # noqa: E402
from core.secrets import SessionStore  # noqa: E402
from core.settings import SettingsStore  # noqa: E402
from gui.app import create_application, create_window  # noqa: E402

TAB_NAMES = ("settings", "dataset", "training", "try-it", "models")


def main() -> None:
    create_application()
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    service = ProfileService(SettingsStore(), keys=SessionStore())
    window = create_window(service)
    window.resize(1100, 720)
    window.show()
    for language in ("en", "zh_CN"):
        window.languages.apply(language)
        for index, name in enumerate(TAB_NAMES):
            window.tabs.setCurrentIndex(index)
            for _ in range(3):  # language changes and layouts settle over a few event-loop passes
                QApplication.processEvents()
            window.grab().save(str(out / f"{name}-{language}.png"))
    print(f"saved {2 * len(TAB_NAMES)} screenshots to {out}")


if __name__ == "__main__":
    main()
