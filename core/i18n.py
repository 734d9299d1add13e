"""Translation of core messages without Qt.

Core strings are marked with ``tr("text")`` so that ``pyside6-lupdate`` collects them into the
same ``.ts`` catalogue as the GUI. The GUI loads the compiled ``.qm`` through QTranslator; core
(and the CLI) read the ``.ts`` XML directly and look strings up by their source text alone, since
lupdate files a plain function's strings under whatever class or module encloses the call.
"""

from __future__ import annotations

import locale
import os
import xml.etree.ElementTree as ET
from pathlib import Path

from core.paths import resource_path

SUPPORTED_LANGUAGES = ("en", "zh_CN")
# The app's language handed to the processes it starts (the local server, its training and export workers), whose
# messages the user reads.
LANGUAGE_VARIABLE = "FINETUNE_STUDIO_LANGUAGE"
_catalogue: dict[str, str] = {}
_language = "en"


def catalogue_path(language: str) -> Path:
    return resource_path("translations", f"finetune_studio_{language}.ts")


def load_ts(path: Path) -> dict[str, str]:
    """Finished translations of a Qt Linguist .ts file, keyed by source text."""
    entries: dict[str, str] = {}
    for message in ET.parse(path).getroot().iter("message"):
        node = message.find("translation")
        if node is None or node.get("type") in ("unfinished", "vanished", "obsolete") or not node.text:
            continue
        entries[message.findtext("source") or ""] = node.text
    return entries


def system_language() -> str:
    """'zh_CN' when the system locale is Chinese, otherwise 'en'."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    code = locale.getlocale()[0] or ""
    return "zh_CN" if code.lower().startswith("zh") else "en"


def set_language(language: str) -> str:
    """Switch core messages to ``language`` ('en', 'zh_CN' or 'system'); returns the one used."""
    global _catalogue, _language
    if language == "system":
        language = system_language()
    if language not in SUPPORTED_LANGUAGES:
        language = "en"
    path = catalogue_path(language)
    _catalogue = load_ts(path) if language != "en" and path.exists() else {}
    _language = language
    return language


def current_language() -> str:
    return _language


def language_of_header(value: str) -> str:
    """The supported language an Accept-Language header asks for first ("zh-CN,zh;q=0.9" → "zh_CN")."""
    first = value.split(",")[0].split(";")[0].strip().lower()
    return "zh_CN" if first.startswith("zh") else "en"


def use_inherited_language() -> str:
    """In a process the app started: the app's language (LANGUAGE_VARIABLE), else English."""
    return set_language(os.environ.get(LANGUAGE_VARIABLE, "en"))


def tr(text: str) -> str:
    """The translation of ``text`` in the current language (the text itself if none)."""
    return _catalogue.get(text, text)


def QT_TR_NOOP(text: str) -> str:
    """``text`` unchanged, marked for pyside6-lupdate: for texts defined before the language is known (e.g. in a
    provider's spec), translated with ``tr`` where they are shown."""
    return text
