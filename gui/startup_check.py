"""Before Qt starts on Linux with X11: Qt's xcb platform plugin (Qt 6.5 and later) needs libxcb-cursor, which
many systems do not install. Without it Qt aborts with a message about platform plugins that does not say
what is missing, so the app looks for the library first and says which package to install.

Qt-free on purpose: this runs before the QApplication exists."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from core.i18n import tr

XCB_CURSOR = "libxcb-cursor.so.0"
# (words of /etc/os-release's ID and ID_LIKE, distribution names, the command that installs the library)
INSTALL = (
    (("debian", "ubuntu"), "Debian, Ubuntu, Mint", "sudo apt install libxcb-cursor0"),
    (("fedora", "rhel", "centos"), "Fedora, RHEL, Rocky, Alma", "sudo dnf install xcb-util-cursor"),
    (("suse", "opensuse"), "openSUSE", "sudo zypper install libxcb-cursor0"),
    (("arch",), "Arch, Manjaro", "sudo pacman -S xcb-util-cursor"),
    (("alpine",), "Alpine", "sudo apk add xcb-util-cursor"),
    (("gentoo",), "Gentoo", "sudo emerge x11-libs/xcb-util-cursor"),
)


def uses_xcb(environ: Mapping[str, str], system: str) -> bool:
    """Whether Qt will open its windows through X11 (xcb): not offscreen, not on a Wayland desktop."""
    if not system.startswith("linux"):
        return False
    requested = environ.get("QT_QPA_PLATFORM", "").strip()
    if requested:  # "xcb", or a list such as "wayland;xcb" whose first entry Qt tries first
        return requested.split(";")[0].split(":")[0].strip() == "xcb"
    return environ.get("XDG_SESSION_TYPE") != "wayland" and not environ.get("WAYLAND_DISPLAY")


def _loads(path: str) -> bool:
    import ctypes  # start-up speed: only where xcb needs checking

    try:
        ctypes.CDLL(path)
    except OSError:
        return False
    return True


def _bundled_dirs() -> list[Path]:
    """Where a packaged app or the PySide6 wheel keeps Qt's own libraries."""
    import PySide6  # here, not at the top: the check runs before anything of Qt is loaded

    dirs = [Path(PySide6.__file__).parent / "Qt" / "lib"]
    if hasattr(sys, "_MEIPASS"):
        dirs.append(Path(sys._MEIPASS))
    return dirs


def library_found(name: str, search_path: Sequence[Path] | None = None) -> bool:
    """Whether ``name`` can be loaded: from the folders of ``search_path`` only, or (None) wherever the system's
    loader looks (LD_LIBRARY_PATH, its cache) and beside Qt's own libraries."""
    if search_path is None:
        if _loads(name):
            return True
        search_path = _bundled_dirs()
    return any((folder / name).is_file() and _loads(str(folder / name)) for folder in search_path)


def _os_release() -> Mapping[str, str]:
    try:
        return platform.freedesktop_os_release()
    except OSError:
        return {}


def install_lines(release: Mapping[str, str]) -> list[str]:
    """The command for this distribution, or every distribution's when it is not one we know."""
    words = {*release.get("ID", "").lower().split(), *release.get("ID_LIKE", "").lower().split()}
    for ids, _, command in INSTALL:
        if words & set(ids):
            return [command]
    return [f"{names}: {command}" for _, names, command in INSTALL]


def missing_library_message(release: Mapping[str, str] | None = None) -> str:
    """What to install, in the current language (``release``: /etc/os-release's fields)."""
    lines = [tr("FineTune Studio cannot open its window: the system library {library} is missing (Qt needs it to "
                "show windows on X11).").format(library=XCB_CURSOR),
             tr("Install it, then start FineTune Studio again:")]
    lines += ["    " + line for line in install_lines(_os_release() if release is None else release)]
    lines.append(tr("On a Wayland desktop you can instead start it with QT_QPA_PLATFORM=wayland."))
    return "\n".join(lines)


def xcb_cursor_missing(environ: Mapping[str, str] | None = None, system: str = sys.platform,
                       search_path: Sequence[Path] | None = None) -> bool:
    """Whether Qt is about to abort for want of libxcb-cursor."""
    return uses_xcb(os.environ if environ is None else environ, system) and not library_found(XCB_CURSOR, search_path)


def report(message: str) -> None:
    """On stderr; started from a desktop menu, where nobody reads stderr, also in a GTK dialog when there is one."""
    print(message, file=sys.stderr, flush=True)
    zenity = shutil.which("zenity")
    if zenity and not sys.stderr.isatty():
        subprocess.run([zenity, "--error", "--no-markup", "--title", "FineTune Studio", "--text", message],
                       check=False)
