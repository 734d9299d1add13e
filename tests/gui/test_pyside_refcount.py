"""Regression: PySide6 6.12.0 on CPython 3.11 dies ("none_dealloc") after a few thousand Qt calls
that return None. The pinned PySide6 must survive many more."""

import subprocess
import sys

SCRIPT = """
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QTabWidget
app = QApplication([])
tabs = QTabWidget()
model = QStandardItemModel(2, 2)
index = model.index(0, 0)
for _ in range(10_000):
    assert tabs.widget(99) is None
    assert index.data(Qt.ItemDataRole.DecorationRole) is None
    assert model.data(QModelIndex()) is None
print("survived")
"""


def test_thousands_of_none_returning_qt_calls():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "survived"
