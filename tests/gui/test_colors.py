"""Status colours follow the system theme."""

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from gui.colors import colour, span


def test_dark_themes_get_light_status_colours(qtbot):
    app = QApplication.instance()
    original = app.palette()
    try:
        assert colour("error") == "#b00020"
        dark = QPalette(original)
        dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
        app.setPalette(dark)
        assert colour("error") == "#ff8a80" and "#81c784" in span("ok", "Ready")
    finally:
        app.setPalette(original)


def test_status_colours_pass_wcag_aa_on_every_background_of_both_themes(qtbot):
    from PySide6.QtWidgets import QStyleFactory

    from gui.colors import _COLOURS, contrast
    from gui.theme import dark_palette

    assert round(contrast("#777777", "#ffffff"), 2) == 4.48  # WCAG's own example: just below AA
    light = QStyleFactory.create("Fusion").standardPalette()
    for palette, shade in ((light, 0), (dark_palette(), 1)):
        backgrounds = [palette.color(role).name() for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base,
                                                                QPalette.ColorRole.AlternateBase)]
        for name, shades in _COLOURS.items():
            if name == "on_accent":
                continue
            for background in backgrounds:
                assert contrast(shades[shade], background) >= 4.5, (name, shades[shade], background)
        assert contrast(_COLOURS["on_accent"][shade], _COLOURS["accent"][shade]) >= 4.5  # primary buttons
        text = palette.color(QPalette.ColorRole.Text).name()
        assert all(contrast(text, background) >= 4.5 for background in backgrounds)


def test_message_banners_are_readable_in_both_themes():
    from gui.colors import _BANNERS, contrast

    for level, themes in _BANNERS.items():
        for background, text, _border in themes:
            assert contrast(text, background) >= 4.5, (level, text, background)
