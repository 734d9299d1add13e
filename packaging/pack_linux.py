"""Linux packages: a tar.gz of the app folder with its .desktop file and icons, and an AppImage (one file to
download, make executable and double-click). The AppImage is made by appimagetool from an AppDir (AppRun, .desktop,
icon, the app under usr/lib); without appimagetool the AppDir is made and the AppImage is reported as skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from pack_common import PACKAGING, Packed, smoke_test

DESKTOP = PACKAGING / "finetune-studio.desktop"
ICON = "finetune-studio"


def _hicolor(icons: Path, target: Path) -> None:
    """The PNG set as an icon theme's hicolor/SIZExSIZE/apps/finetune-studio.png."""
    for png in sorted((icons / "png").glob(f"{ICON}-*.png")):
        size = png.stem.rsplit("-", 1)[1]
        folder = target / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(png, folder / f"{ICON}.png")


def tarball(app: Path, icons: Path, out: Path, stem: str) -> Path:
    """STEM.tar.gz holding STEM/: the app, its .desktop file, icons and install-desktop-entry.sh."""
    staging = out / stem
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(app, staging, symlinks=True)
    shutil.copy(DESKTOP, staging)
    shutil.copy(PACKAGING / "linux" / "install-desktop-entry.sh", staging)
    _hicolor(icons, staging / "icons")
    target = out / f"{stem}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        archive.add(staging, arcname=stem)
    shutil.rmtree(staging)
    return target


def appdir(app: Path, icons: Path, out: Path) -> Path:
    """FineTuneStudio.AppDir: AppRun, the .desktop file and icon at its top, the app in usr/lib/finetune-studio."""
    root = out / "FineTuneStudio.AppDir"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(app, root / "usr" / "lib" / "finetune-studio", symlinks=True)
    shutil.copy(PACKAGING / "linux" / "AppRun", root / "AppRun")
    (root / "AppRun").chmod(0o755)
    for folder in (root, root / "usr" / "share" / "applications"):
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(DESKTOP, folder)
    shutil.copy(icons / f"{ICON}.png", root / f"{ICON}.png")
    (root / ".DirIcon").symlink_to(f"{ICON}.png")
    _hicolor(icons, root / "usr" / "share" / "icons")
    return root


def appimage(root: Path, target: Path, tool: str) -> Path:
    """``root`` made into one AppImage file by appimagetool (itself an AppImage: extracted, so no FUSE needed)."""
    env = dict(os.environ, APPIMAGE_EXTRACT_AND_RUN="1", ARCH=os.environ.get("ARCH", "x86_64"))
    subprocess.run([tool, "--no-appstream", str(root), str(target)], check=True, env=env, timeout=900)
    return target


def pack(app: Path, icons: Path, out: Path, stem: str, appimagetool: str) -> Packed:
    packed = Packed(files=[tarball(app, icons, out, stem)])
    root = appdir(app, icons, out)
    packed.tests["appdir"] = smoke_test(root / "AppRun")
    if not appimagetool:
        packed.skipped.append(f"AppImage: appimagetool not found (set APPIMAGETOOL); the AppDir is {root}")
        return packed
    made = appimage(root, out / f"{stem}.AppImage", appimagetool)
    packed.files.append(made)
    packed.tests["appimage"] = smoke_test(made, {"APPIMAGE_EXTRACT_AND_RUN": "1"})
    shutil.rmtree(root)
    return packed
