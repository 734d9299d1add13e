"""Accept the translations lupdate proposes for strings that moved to another context (a class renamed or split,
e.g. MainWindow's Help menu into HelpMenu). update_translations.py lets lupdate propose only the translation the
same source text already has elsewhere in the catalogue (no "similar text" guesses), marked unfinished; this
accepts those proposals. Then run update_translations.py again. Entries without a proposal stay for a person."""

from __future__ import annotations

import re

from fill_translations import CATALOGUE

PROPOSAL = re.compile(r'<translation type="unfinished">(?=[^<])')


def accept_proposals(text: str) -> tuple[str, int]:
    return PROPOSAL.subn("<translation>", text)


if __name__ == "__main__":
    text, accepted = accept_proposals(CATALOGUE.read_text(encoding="utf-8"))
    CATALOGUE.write_text(text, encoding="utf-8")
    print(f"accepted {accepted} entries")
