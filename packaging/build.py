"""Build the double-click app for this system, check what is inside, smoke-test it and pack it.

    python packaging/build.py [--skip-test] [--no-pack | --pack-only] [--appimagetool PATH]

1. icons from the one SVG (app_icons.py) into build/icons;
2. PyInstaller's one-folder build (finetune_studio.spec) into dist/FineTuneStudio (and "FineTune Studio.app" on macOS);
3. the contents check (bundle_contents.py): nothing of the local-training extra or of the dev tools inside, the
   tokenizers, translations (Qt's own too), samples, guide and keyring backend present, and on Linux every library
   the screen plugins need;
4. the self-test: the built app started offscreen with --self-test (window shown, the Sandbox answers), and on Linux
   also on an X server when xvfb-run is there;
5. the packages, in dist/packages: Linux tar.gz and AppImage, Windows installer and portable zip, macOS .dmg, each
   packed app self-tested again where it can run here.
--no-pack stops after 4 and --pack-only starts at 5 (the release workflow signs in between). The last line printed
is one JSON object: system, version, bundle size, contents problems, self-test results, packages and their sizes,
and what was skipped. Exit status 0 when nothing failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from pack_common import PACKAGING, ROOT, Packed, mib, smoke_test

DIST, BUILD = ROOT / "dist", ROOT / "build"
APP_FOLDER = DIST / "FineTuneStudio"
REPORT = DIST / "build-report.json"  # what --no-pack found, for --pack-only
ARCH = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}
SYSTEM = {"linux": "linux", "win32": "windows", "darwin": "macos"}


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from core.version import __version__

    return __version__


def system_name() -> str:
    name = SYSTEM.get("linux" if sys.platform.startswith("linux") else sys.platform, sys.platform)
    return f"{name}-{ARCH.get(platform.machine().lower(), platform.machine().lower())}"


def executable(folder: Path = APP_FOLDER) -> Path:
    return folder / ("FineTuneStudio.exe" if sys.platform == "win32" else "FineTuneStudio")


def build(icons: Path) -> None:
    from app_icons import make_icons

    make_icons(icons)
    pyinstaller = shutil.which("pyinstaller") or str(Path(sys.executable).parent / "pyinstaller")
    subprocess.run([pyinstaller, "--noconfirm", "--clean", "--log-level", "WARN", "--distpath", str(DIST),
                    "--workpath", str(BUILD), str(PACKAGING / "finetune_studio.spec")],
                   check=True, cwd=ROOT, env=dict(os.environ, ICONS_DIR=str(icons)))
    if sys.platform.startswith("linux"):
        shutil.copy(PACKAGING / "finetune-studio.desktop", APP_FOLDER)
        shutil.copy(icons / "finetune-studio.png", APP_FOLDER)


def bundled_modules(exe: Path) -> set[str]:
    """The Python modules inside the built executable's archive (its scripts and its PYZ)."""
    from PyInstaller.archive.readers import PKG_ITEM_PYZ, CArchiveReader

    archive = CArchiveReader(str(exe))
    modules = set(archive.toc)
    for name, entry in archive.toc.items():
        if entry[-1] == PKG_ITEM_PYZ:
            modules |= set(archive.open_embedded_archive(name).toc)
    return modules


def unresolved_libraries() -> list[str]:
    """Linux: the libraries the screen plugins need that are neither in the bundle nor among those every desktop has
    (the build machine lacked them: the app would not open on a desktop, though the offscreen self-test passes)."""
    if not sys.platform.startswith("linux"):
        return []
    from bundle_contents import HOST_LIBRARIES

    internal = APP_FOLDER / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=f"{internal}:{internal / 'PySide6' / 'Qt' / 'lib'}")
    missing = set()
    for plugin in (internal / "PySide6" / "Qt" / "plugins" / "platforms").glob("*.so"):
        listing = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, env=env).stdout
        missing |= {f"{plugin.name} needs {line.split()[0]}" for line in listing.splitlines()
                    if "not found" in line and line.split()[0] not in HOST_LIBRARIES}
    return sorted(missing)


def check_contents() -> list[str]:
    from bundle_contents import problems

    return problems(bundled_modules(executable()), APP_FOLDER / "_internal") + unresolved_libraries()


def pack(icons: Path, stem: str, appimagetool: str) -> Packed:
    out = DIST / "packages"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    if sys.platform.startswith("linux"):
        from pack_linux import pack as pack_linux

        return pack_linux(APP_FOLDER, icons, out, stem, appimagetool)
    if sys.platform == "win32":
        from pack_windows import pack as pack_windows

        return pack_windows(APP_FOLDER, icons, out, stem, version())
    if sys.platform == "darwin":
        from pack_macos import pack as pack_macos

        return pack_macos(DIST / "FineTune Studio.app", out, stem)
    return Packed(skipped=[f"packages: nothing is packed on {sys.platform}"])


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-test", action="store_true", help="do not start the built app")
    stage = parser.add_mutually_exclusive_group()
    stage.add_argument("--no-pack", action="store_true", help="build, check and test only")
    stage.add_argument("--pack-only", action="store_true", help="pack the app an earlier --no-pack built")
    parser.add_argument("--appimagetool", default=os.environ.get("APPIMAGETOOL", "") or shutil.which("appimagetool"),
                        help="appimagetool to make the AppImage with (default: $APPIMAGETOOL, then PATH)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    icons = BUILD / "icons"
    report: dict[str, object] = {"system": system_name(), "version": version()}
    if args.pack_only:
        report |= json.loads(REPORT.read_text(encoding="utf-8")) if REPORT.is_file() else {}
    else:
        build(icons)
        report |= {"bundle_mib": mib(APP_FOLDER), "contents_problems": check_contents(),
                   "self_test": None if args.skip_test else smoke_test(executable())}
        if not args.skip_test and sys.platform.startswith("linux") and shutil.which("xvfb-run"):
            # On an X server as on a desktop: the system's own X11, font and D-Bus libraries with the bundle's.
            report["x11_self_test"] = smoke_test(executable(), {"QT_QPA_PLATFORM": "xcb"}, ("xvfb-run", "-a"))
        REPORT.write_text(json.dumps(report), encoding="utf-8")
    if not args.no_pack:
        packed = pack(icons, f"FineTuneStudio-{report['version']}-{report['system']}", args.appimagetool or "")
        report |= {"packages": {path.name: mib(path) for path in packed.files},
                   "packed_self_tests": packed.tests, "skipped": packed.skipped}
    print(json.dumps(report), flush=True)
    failed = report.get("contents_problems") or False in (report.get("self_test"), report.get("x11_self_test")) or \
        not all(dict(report.get("packed_self_tests") or {}).values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
