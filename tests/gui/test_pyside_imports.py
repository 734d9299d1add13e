"""Imports made after PySide6 do not read each importing module's source again (PySide6's feature scan calls
inspect.getsource on it), and Qt classes defined in such modules still work."""

import importlib
import inspect
import sys

import gui  # noqa: F401  (skips the scan, as the app does)


def test_modules_imported_later_are_not_read_for_their_source(tmp_path, qtbot, monkeypatch):
    package = tmp_path / "later_package"
    package.mkdir()
    (package / "__init__.py").write_text("from later_package import parts\n", encoding="utf-8")
    (package / "parts.py").write_text("import colorsys\nfrom PySide6.QtCore import QObject, Signal\n\n\n"
                                      "class Thing(QObject):\n    said = Signal(str)\n", encoding="utf-8")
    read = []
    getsource = inspect.getsource
    monkeypatch.setattr(inspect, "getsource", lambda obj: read.append(obj) or getsource(obj))
    monkeypatch.syspath_prepend(str(tmp_path))
    later = importlib.import_module("later_package")
    assert read == []
    heard = []
    thing = later.parts.Thing()
    thing.said.connect(heard.append)
    thing.said.emit("still works")
    assert heard == ["still works"]
    sys.modules.pop("later_package.parts")
    sys.modules.pop("later_package")
