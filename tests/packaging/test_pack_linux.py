"""The Linux packers on a stand-in app folder (a script that answers --self-test as the built app does): the tar.gz
holds the .desktop file, icons and the menu script; the AppDir has the layout appimagetool wants and its AppRun
starts the app; without appimagetool the AppImage is reported as skipped, not silently missing."""

from __future__ import annotations

import os
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="shell scripts stand in for the app")


@pytest.fixture
def app(tmp_path) -> Path:
    folder = tmp_path / "FineTuneStudio"
    (folder / "_internal").mkdir(parents=True)
    (folder / "_internal" / "data.txt").write_text("bundled data")
    executable = folder / "FineTuneStudio"
    executable.write_text('#!/bin/sh\n[ "$1" = --self-test ] && [ "$QT_QPA_PLATFORM" = offscreen ] && '
                          'echo "self-test: ok" && exit 0\nexit 3\n')
    executable.chmod(0o755)
    return folder


@pytest.fixture
def icons(tmp_path) -> Path:
    from app_icons import PNG_SIZES

    folder = tmp_path / "icons"
    (folder / "png").mkdir(parents=True)
    for size in PNG_SIZES:
        (folder / "png" / f"finetune-studio-{size}.png").write_bytes(b"png %d" % size)
    (folder / "finetune-studio.png").write_bytes(b"png 256")
    return folder


def test_the_tarball_holds_the_app_its_desktop_file_and_icons(app, icons, tmp_path):
    from pack_linux import tarball

    made = tarball(app, icons, tmp_path, "FineTuneStudio-1.0.0-linux-x64")
    with tarfile.open(made) as archive:
        names = set(archive.getnames())
        mode = archive.getmember("FineTuneStudio-1.0.0-linux-x64/FineTuneStudio").mode
    top = "FineTuneStudio-1.0.0-linux-x64"
    assert {f"{top}/FineTuneStudio", f"{top}/_internal/data.txt", f"{top}/finetune-studio.desktop",
            f"{top}/install-desktop-entry.sh", f"{top}/icons/hicolor/48x48/apps/finetune-studio.png",
            f"{top}/icons/hicolor/1024x1024/apps/finetune-studio.png"} <= names
    assert mode & 0o111
    assert not (tmp_path / top).exists()  # the staging folder is gone


def test_the_appdir_starts_the_app_and_the_appimage_waits_for_its_tool(app, icons, tmp_path):
    from pack_linux import pack

    packed = pack(app, icons, tmp_path, "FineTuneStudio-1.0.0-linux-x64", appimagetool="")
    root = tmp_path / "FineTuneStudio.AppDir"
    assert packed.tests == {"appdir": True}  # AppRun found the app and it passed its self-test
    assert os.access(root / "AppRun", os.X_OK) and (root / "finetune-studio.desktop").is_file()
    assert os.readlink(root / ".DirIcon") == "finetune-studio.png" and (root / "finetune-studio.png").is_file()
    assert (root / "usr" / "lib" / "finetune-studio" / "_internal" / "data.txt").read_text() == "bundled data"
    assert (root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps" / "finetune-studio.png").is_file()
    assert [path.name for path in packed.files] == ["FineTuneStudio-1.0.0-linux-x64.tar.gz"]
    assert packed.skipped == [f"AppImage: appimagetool not found (set APPIMAGETOOL); the AppDir is {root}"]


def test_the_windows_portable_zip(app, tmp_path):
    from pack_windows import find_iscc, portable_zip

    made = portable_zip(app, tmp_path, "FineTuneStudio-1.0.0-windows-x64")
    with zipfile.ZipFile(made) as archive:
        assert sorted(archive.namelist()) == ["FineTuneStudio-1.0.0-windows-x64/FineTuneStudio",
                                              "FineTuneStudio-1.0.0-windows-x64/_internal/data.txt"]
    assert find_iscc() == "" or Path(find_iscc()).name.lower() == "iscc.exe"
