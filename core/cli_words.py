"""argparse's own words ("usage:", "options", its error messages) in the user's language: argparse looks
them up through ``argparse._``; listing them here lets the translation tools collect them."""

from __future__ import annotations

import argparse

from core.i18n import tr

WORDS = (
    tr("usage: "), tr("options"), tr("positional arguments"), tr("show this help message and exit"),
    tr("show program's version number and exit"), tr("the following arguments are required: %s"),
    tr("%(prog)s: error: %(message)s\n"), tr("invalid choice: %(value)r (choose from %(choices)s)"),
    tr("unrecognized arguments: %s"), tr("invalid %(type)s value: %(value)r"),
    tr("argument %(argument_name)s: %(message)s"), tr("expected one argument"),
)


def translate_argparse() -> None:
    """Make argparse speak the language set with core.i18n.set_language."""
    argparse._ = tr  # type: ignore[attr-defined]
