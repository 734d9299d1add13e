"""Without libxcb-cursor, Qt's X11 plugin aborts with a message about plugins: the app finds the library missing
first and names the package to install. Checked with a made-up library search path (nothing is uninstalled)."""

import _ctypes
from pathlib import Path

import pytest

from gui.startup_check import (
    XCB_CURSOR,
    library_found,
    missing_library_message,
    uses_xcb,
    xcb_cursor_missing,
)

X11 = {"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}


@pytest.mark.parametrize(("environ", "system", "expected"), [
    (X11, "linux", True),
    ({"DISPLAY": ":0"}, "linux", True),
    ({**X11, "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux", False),
    ({"WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
    ({"QT_QPA_PLATFORM": "xcb:nograb"}, "linux", True),
    (X11, "win32", False),
    (X11, "darwin", False),
])
def test_only_an_x11_start_on_linux_is_checked(environ, system, expected):
    assert uses_xcb(environ, system) is expected


def test_the_library_is_looked_for_in_the_search_path(tmp_path):
    assert not library_found(XCB_CURSOR, [tmp_path])
    assert xcb_cursor_missing(X11, "linux", [tmp_path])
    assert not xcb_cursor_missing({**X11, "QT_QPA_PLATFORM": "offscreen"}, "linux", [tmp_path])
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / XCB_CURSOR).write_bytes(b"not a library")
    assert xcb_cursor_missing(X11, "linux", [broken])
    found = tmp_path / "found"
    found.mkdir()
    (found / XCB_CURSOR).symlink_to(Path(_ctypes.__file__))  # any real shared library stands in for it
    assert not xcb_cursor_missing(X11, "linux", [tmp_path, found])


@pytest.mark.parametrize(("release", "command"), [
    ({"ID": "ubuntu", "ID_LIKE": "debian"}, "sudo apt install libxcb-cursor0"),
    ({"ID": "debian"}, "sudo apt install libxcb-cursor0"),
    ({"ID": "rocky", "ID_LIKE": "rhel centos fedora"}, "sudo dnf install xcb-util-cursor"),
    ({"ID": "opensuse-tumbleweed", "ID_LIKE": "opensuse suse"}, "sudo zypper install libxcb-cursor0"),
    ({"ID": "manjaro", "ID_LIKE": "arch"}, "sudo pacman -S xcb-util-cursor"),
])
def test_the_message_names_the_package_of_this_distribution(release, command):
    lines = missing_library_message(release).splitlines()
    assert XCB_CURSOR in lines[0] and "cannot open its window" in lines[0]
    assert lines[2] == "    " + command and len(lines) == 4 and "QT_QPA_PLATFORM=wayland" in lines[3]


def test_an_unknown_distribution_gets_every_command():
    message = missing_library_message({"ID": "plan9"})
    assert "Debian, Ubuntu, Mint: sudo apt install libxcb-cursor0" in message
    assert "Fedora, RHEL, Rocky, Alma: sudo dnf install xcb-util-cursor" in message
    assert "Arch, Manjaro: sudo pacman -S xcb-util-cursor" in message
