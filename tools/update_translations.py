"""Collect translatable strings into resources/translations/*.ts and compile them to .qm.

Run after changing user-visible text:  python tools/update_translations.py
Then translate the new entries (Qt Linguist: pyside6-linguist FILE.ts) and run it again.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS_DIR = ROOT / "resources" / "translations"
LANGUAGES = ("zh_CN",)


def tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    return found


def main() -> int:
    sources = [str(p.relative_to(ROOT)) for p in sorted(ROOT.glob("main.py"))]
    for package in ("core", "cli", "gui"):
        sources += [str(p.relative_to(ROOT)) for p in sorted((ROOT / package).rglob("*.py"))]
    for language in LANGUAGES:
        ts = TS_DIR / f"finetune_studio_{language}.ts"
        # Proposals only from the same source text (tools/reuse_translations.py accepts those), never "similar".
        subprocess.run([tool("pyside6-lupdate"), *sources, "-locations", "none", "-no-obsolete",
                        "-disable-heuristic", "similartext", "-target-language", language, "-ts", str(ts)],
                       check=True, cwd=ROOT)
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
