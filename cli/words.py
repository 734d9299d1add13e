"""argparse's own words ("usage:", "options", its error messages) in the user's language: argparse looks
them up through ``argparse._``; listing them here lets the translation tools collect them. Its error messages
echo what was typed, so keys are hidden from them."""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Sequence
from typing import NoReturn

from core.i18n import tr
from core.logs import redact, register_secret

WORDS = (
    tr("usage: "), tr("options"), tr("positional arguments"), tr("show this help message and exit"),
    tr("show program's version number and exit"), tr("the following arguments are required: %s"),
    tr("%(prog)s: error: %(message)s\n"), tr("invalid choice: %(value)r (choose from %(choices)s)"),
    tr("unrecognized arguments: %s"), tr("invalid %(type)s value: %(value)r"),
    tr("argument %(argument_name)s: %(message)s"), tr("expected one argument"),
)
KEY_OPTION = "--api-key"
_SECRET_WORDS = ("key", "secret", "password")  # not "token": --max-tokens takes a number


def translate_argparse() -> None:
    """Make argparse speak the language set with core.i18n.set_language."""
    argparse._ = tr  # type: ignore[attr-defined]


def _names_a_secret(option: str) -> bool:
    """--api-key, an abbreviation of it (--api), or a mistyped one (--api-kye, --apikey, --key)."""
    bare = option.lstrip("-").lower().replace("_", "-")
    if not option.startswith("-") or not bare:
        return False
    return (len(option) >= 5 and KEY_OPTION.startswith(option)) or any(word in bare for word in _SECRET_WORDS) \
        or difflib.SequenceMatcher(None, bare, KEY_OPTION[2:]).ratio() >= 0.7


def argv_secrets(argv: Sequence[str]) -> list[str]:
    """The values given in ``argv`` to options that take a key, spelled right or not."""
    found = []
    for index, arg in enumerate(argv):
        name, sep, value = arg.partition("=")
        if not _names_a_secret(name):
            continue
        if sep:
            found.append(value)
        elif index + 1 < len(argv):
            found.append(argv[index + 1])
    return found


def hide_secrets(argv: Sequence[str]) -> None:
    """Have every later message and log line show the keys in ``argv`` as ***."""
    for value in argv_secrets(argv):
        register_secret(value)


class SecretSafeParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors never echo a key (a mistyped flag makes argparse repeat the
    arguments it did not understand, the key among them)."""

    def error(self, message: str) -> NoReturn:
        super().error(redact(message))
