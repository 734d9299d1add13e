"""Server text made safe for a terminal, and keys found in command lines."""

from __future__ import annotations

import pytest

from cli.words import argv_secrets
from core.terminal import one_line, plain


@pytest.mark.parametrize(("raw", "shown"), [
    ("a\x1b]0;new title\x07b", "ab"),  # window title
    ("a\x1b]0;new title\x1b\\b", "ab"),
    ("x\x1b[2J\x1b[Hy", "xy"),  # clear screen, cursor home
    ("\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"),  # a hyperlink keeps its text only
    ("\x9b31mred\x9b0m", "red"),  # 8-bit CSI
    ("\x9d0;title\x9cafter", "after"),  # 8-bit OSC
    ("\x1bPq#0;2;0;0;0\x1b\\pic", "pic"),  # DCS (sixel)
    ("ok\r\x00\x08\x7f!", "ok!"),
    ("abc\u202edef", "abcdef"),  # a bidi override would show the rest reversed
    ("cut at the end\x1b", "cut at the end"),
    ("中文 ✓ émoji 👍", "中文 ✓ émoji 👍"),
    ("two\nlines\tand a tab", "two\nlines\tand a tab"),
])
def test_plain_removes_escape_codes_and_controls(raw, shown):
    assert plain(raw) == shown


def test_one_line_joins_lines():
    assert one_line("ftjob-1\n[OK] fake line\r\n") == "ftjob-1 [OK] fake line "
    assert one_line(None) == ""


@pytest.mark.parametrize(("argv", "found"), [
    (["jobs", "list", "--api-key", "k-123456"], ["k-123456"]),
    (["jobs", "list", "--api-key=k-123456"], ["k-123456"]),
    (["jobs", "list", "--api", "k-123456"], ["k-123456"]),  # argparse accepts the abbreviation
    (["jobs", "list", "--api-kye", "k-123456"], ["k-123456"]),
    (["jobs", "list", "--API_KEY", "k-123456"], ["k-123456"]),
    (["chat", "m", "--max-tokens", "1000000", "--base-url", "http://h/v1", "--api-base", "x"], []),
])
def test_keys_are_found_in_command_lines(argv, found):
    assert argv_secrets(argv) == found
