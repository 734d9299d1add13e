"""What the bundle may hold (bundle_contents.py, read by the spec and by build.py's check) and the installer files
that only run on Windows, read as Inno Setup and a desktop would read them."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest
from bundle_contents import (
    NEVER_BUNDLED,
    QT_MODULES_USED,
    REQUIRED_DATA,
    REQUIRED_MODULES,
    hidden_imports,
    problems,
    qt_modules_left_out,
    wanted,
)

from tests.packaging.conftest import PACKAGING

ROOT = PACKAGING.parent


def test_local_training_and_dev_tools_are_never_bundled():
    for name in ("torch", "transformers", "peft", "trl", "datasets", "pytest", "ruff", "tests", "bench"):
        assert name in NEVER_BUNDLED


def test_only_the_qt_modules_the_app_imports_are_kept():
    left_out = qt_modules_left_out()
    assert "PySide6.QtNetwork" in left_out and "PySide6.QtQml" in left_out
    assert not {f"PySide6.{name}" for name in QT_MODULES_USED} & set(left_out)
    used = {line.split("PySide6.")[1].split()[0].rstrip(",")
            for folder in ("core", "gui", "cli") for path in (ROOT / folder).rglob("*.py")
            for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("from PySide6.Qt")}
    assert used <= set(QT_MODULES_USED), "a module the app imports would be left out of the bundle"


@pytest.mark.parametrize(("destination", "kept"), [
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", True), ("PySide6/translations/qtbase_zh_CN.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False), ("resources/translations/finetune_studio_zh_CN.ts", False),
    ("resources/translations/finetune_studio_zh_CN.qm", True), ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", False), ("PySide6/plugins/sqldrivers/qsqlite.dll", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False), ("resources/__pycache__/x.cpython-311.pyc", False),
    ("qtawesome/fonts/materialdesignicons6-webfont-6.9.96.ttf", True),
    ("qtawesome/fonts/materialdesignicons6-webfont-charmap-6.9.96.json", True),
    ("qtawesome/fonts/fontawesome5-solid-webfont-5.15.4.ttf", False), ("qtawesome/fonts/codicon-0.0.36.ttf", False),
])
def test_collected_files_are_sorted_in_or_out(destination, kept):
    assert wanted(destination) is kept


def test_a_bundle_with_torch_or_without_its_data_is_refused(tmp_path):
    modules = {*REQUIRED_MODULES, *hidden_imports()}
    for name in REQUIRED_DATA:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "PySide6" / "Qt" / "translations").mkdir(parents=True)
    (tmp_path / "PySide6" / "Qt" / "translations" / "qtbase_zh_CN.qm").write_text("x")
    assert problems(modules, tmp_path) == []
    (tmp_path / "resources" / "guide" / "guide.zh_CN.md").unlink()
    assert problems({*modules, "torch.nn", "transformers"}, tmp_path) == [
        "bundled by accident: torch", "bundled by accident: transformers",
        "missing file: resources/guide/guide.zh_CN.md"]


def test_the_windows_installer_is_per_user_with_both_languages():
    script = (PACKAGING / "windows" / "finetune-studio.iss").read_text(encoding="utf-8")
    assert "PrivilegesRequired=lowest" in script and "DefaultDirName={autopf}\\FineTune Studio" in script
    assert 'Name: "en"; MessagesFile: "compiler:Default.isl"' in script
    assert 'Name: "zh_CN"; MessagesFile: "compiler:Languages\\ChineseSimplified.isl"' in script
    assert 'Name: "{autoprograms}\\{cm:AppTitle}"; Filename: "{app}\\FineTuneStudio.exe"' in script  # Start menu
    assert "Uninstallable=no" not in script  # Inno Setup writes an uninstaller unless told not to


def test_the_desktop_entry_and_apprun():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PACKAGING / "finetune-studio.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Icon"] == "finetune-studio"
    assert desktop["Exec"] == "FineTuneStudio" and desktop["Name[zh_CN]"] == "微调工作室"
    for script in (PACKAGING / "linux" / "AppRun", PACKAGING / "linux" / "install-desktop-entry.sh"):
        assert script.stat().st_mode & 0o111 and script.read_text().startswith("#!/bin/sh\n")


def test_the_mac_app_may_load_its_own_libraries_when_notarised():
    entitlements = Path(PACKAGING / "macos" / "entitlements.plist").read_text(encoding="utf-8")
    assert "com.apple.security.cs.disable-library-validation" in entitlements
