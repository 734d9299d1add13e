"""Fill the unfinished entries of the Chinese catalogue from a Python file holding a dict ZH
(source text as it appears in the .ts file → translation), then run update_translations.py again."""

from __future__ import annotations

import re
import runpy
import sys
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[1] / "resources/translations/finetune_studio_zh_CN.ts"


def fill(translations: dict[str, str]) -> int:
    text = CATALOGUE.read_text(encoding="utf-8")
    filled = 0

    def replace(block: re.Match[str]) -> str:
        nonlocal filled
        source = re.search(r"<source>(.*?)</source>", block.group(0), re.S)
        if source is None or source.group(1) not in translations:
            return block.group(0)
        filled += 1
        return re.sub(r'<translation type="unfinished">.*?</translation>',
                      lambda _: f"<translation>{translations[source.group(1)]}</translation>", block.group(0),
                      flags=re.S)

    text = re.sub(r"<message>(?:(?!</message>).)*?type=\"unfinished\".*?</message>", replace, text, flags=re.S)
    CATALOGUE.write_text(text, encoding="utf-8")
    return filled


if __name__ == "__main__":
    print(f"filled {fill(runpy.run_path(sys.argv[1])['ZH'])} entries")
