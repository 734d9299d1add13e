"""Regenerate every screenshot in docs/screenshots/: Home and every tab in light and dark, English and Chinese, at
1280×720 and 1920×1080 (docs/screenshots.py); Grow dataset's dialog and review queue (docs/screenshots_grow.py);
the other providers' profiles (docs/screenshots_providers.py); and the "This computer" profile
(docs/screenshots_this_computer.py, skipped without the `local` extra).

Run: python docs/make_screenshots.py   (offscreen; a few minutes)
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
SCRIPTS = ("screenshots.py", "screenshots_grow.py", "screenshots_providers.py", "screenshots_this_computer.py")


def main() -> int:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    for script in SCRIPTS:
        if script == "screenshots_this_computer.py" and importlib.util.find_spec("torch") is None:
            print(f"skipped {script}: the `local` extra is not installed")
            continue
        print(f"running {script}", flush=True)
        if subprocess.run([sys.executable, str(DOCS / script)], env=env, cwd=DOCS.parent).returncode:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
