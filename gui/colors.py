"""Status colours that stay readable in light and dark themes: each passes WCAG AA contrast (4.5:1) on the
window, base and alternate-row backgrounds of both (tests/gui/test_colors.py measures it)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

# name: (on a light background, on a dark background)
_COLOURS = {"error": ("#b00020", "#ff8a80"), "ok": ("#1b5e20", "#81c784"), "info": ("#0d47a1", "#82b1ff"),
            "muted": ("#555555", "#aaaaaa"), "warning": ("#7a5900", "#ffd54f"),
            "accent": ("#1a5fb4", "#8ab4f8"),  # primary buttons, the current step
            "on_accent": ("#ffffff", "#202124")}  # text on the accent colour
# Message banners: (background, text, border) in light and dark themes.
_BANNERS = {"error": (("#fdecea", "#611a15", "#f5c2c0"), ("#3c1f1f", "#ffdad6", "#8c3b36")),
            "warning": (("#fff4e5", "#663c00", "#ffd8a8"), ("#3a2e12", "#ffe8b0", "#8a6d1f")),
            "info": (("#e8f4fd", "#0d3c61", "#b6dcfb"), ("#15283d", "#d3e7ff", "#36577a"))}


def dark_theme() -> bool:
    return QApplication.palette().window().color().lightness() < 128


def colour(name: str) -> str:
    light, dark = _COLOURS[name]
    return dark if dark_theme() else light


def banner(level: str) -> tuple[str, str, str]:
    """A message banner's background, text and border colours for ``level`` (error, warning, info)."""
    light, dark = _BANNERS[level]
    return dark if dark_theme() else light


def span(name: str, html: str) -> str:
    """``html`` in the status colour ``name``."""
    return f"<span style='color:{colour(name)}'>{html}</span>"


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21; text needs 4.5 for AA)."""
    def luminance(code: str) -> float:
        channels = [int(code[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
