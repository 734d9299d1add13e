"""Windows packages: an installer made by Inno Setup (per user, no administrator rights, Start-menu shortcut,
uninstaller, English and Chinese setup) and a portable zip. Run on Windows; `iscc` comes with Inno Setup."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

from pack_common import PACKAGING, Packed

SCRIPT = PACKAGING / "windows" / "finetune-studio.iss"
ISCC_PLACES = r"C:\Program Files*\Inno Setup *\ISCC.exe"  # where Inno Setup 6 and 7 install themselves


def find_iscc() -> str:
    """$ISCC, iscc on the PATH, or the newest Inno Setup installed in Program Files ("" when there is none)."""
    found = os.environ.get("ISCC") or shutil.which("iscc")
    return found or next(iter(sorted(glob.glob(ISCC_PLACES), reverse=True)), "")


def portable_zip(app: Path, out: Path, stem: str) -> Path:
    """STEM-portable.zip holding STEM/ (unzip anywhere, double-click FineTuneStudio.exe)."""
    target = out / f"{stem}-portable.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(app.rglob("*")):
            if path.is_file():
                archive.write(path, f"{stem}/{path.relative_to(app).as_posix()}")
    return target


def installer(app: Path, icons: Path, out: Path, stem: str, version: str, iscc: str) -> Path:
    subprocess.run([iscc, "/Qp", f"/DAppVersion={version}", f"/DSourceDir={app}", f"/DOutputDir={out}",
                    f"/DOutputName={stem}-setup", f"/DIconFile={icons / 'finetune-studio.ico'}", str(SCRIPT)],
                   check=True, timeout=1800)
    return out / f"{stem}-setup.exe"


def pack(app: Path, icons: Path, out: Path, stem: str, version: str) -> Packed:
    packed = Packed(files=[portable_zip(app, out, stem)])
    iscc = find_iscc()
    if iscc:
        packed.files.append(installer(app, icons, out, stem, version, iscc))
    else:
        packed.skipped.append("installer: Inno Setup's iscc not found (install Inno Setup 6.5 or set ISCC)")
    return packed
