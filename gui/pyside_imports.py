"""Imports after PySide6 without reading every module's source.

PySide6's ``__feature__`` support (snake_case, true_property) hooks every import made after it and calls
``inspect.getsource`` on the new module to see whether it mentions PySide6: each import reads and tokenizes
its source file again, which costs start-up and, for the modules imported on first use, stalls the window.
We use no feature, so every module may be treated as one that uses PySide6 with none selected (select id 0,
what the scan gives any module that mentions it). Skipped silently where a PySide6 release lacks the hook.
"""

from __future__ import annotations

import sys

import PySide6.QtCore  # noqa: F401  (loads shibokensupport.feature)


def skip_feature_scan() -> None:
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = _uses_pyside


def _uses_pyside(module: object) -> bool:
    return True
