"""Build the double-click app for this OS with PyInstaller, then smoke-test it.

    python packaging/build.py [--skip-test]

Output: dist/FineTuneStudio/ (one folder; on macOS also "FineTune Studio.app"). The smoke test starts the
built app offscreen with --self-test (window shown, the Sandbox answers) and expects exit status 0.
Last line: one JSON object with the bundle size and the test result.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def folder_mib(path: Path) -> float:
    files = [f for f in path.rglob("*") if f.is_file() and not f.is_symlink()]
    return round(sum(f.stat().st_size for f in files) / 1024 / 1024, 1)


def smoke_test(executable: Path) -> bool:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FINETUNE_STUDIO_HOME=tempfile.mkdtemp(prefix="ft-smoke-"))
    result = subprocess.run([str(executable), "--self-test"], capture_output=True, text=True, timeout=180, env=env)
    print(result.stdout.strip() or result.stderr[-2000:])
    return result.returncode == 0


def main() -> int:
    pyinstaller = shutil.which("pyinstaller") or str(Path(sys.executable).parent / "pyinstaller")
    subprocess.run([pyinstaller, "--noconfirm", "--clean", "--distpath", str(ROOT / "dist"),
                    "--workpath", str(ROOT / "build"), str(ROOT / "packaging" / "finetune_studio.spec")],
                   check=True, cwd=ROOT)
    folder = ROOT / "dist" / "FineTuneStudio"
    executable = folder / ("FineTuneStudio.exe" if sys.platform == "win32" else "FineTuneStudio")
    if sys.platform.startswith("linux"):
        shutil.copy(ROOT / "packaging" / "finetune-studio.desktop", folder)
        shutil.copy(ROOT / "resources" / "icons" / "finetune-studio.svg", folder)
    passed = None if "--skip-test" in sys.argv else smoke_test(executable)
    print(json.dumps({"bundle_mib": folder_mib(folder), "smoke_test": passed}))
    return 0 if passed is not False else 1


if __name__ == "__main__":
    sys.exit(main())
