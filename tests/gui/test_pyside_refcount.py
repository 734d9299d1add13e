"""Regression: PySide6 6.12.0 on CPython 3.11 drops a reference to None on every Qt call that
returns None, until the process dies with "none_dealloc". The pinned PySide6 must not leak."""

import os
import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QTabWidget
app = QApplication([])
tabs = QTabWidget()
model = QStandardItemModel(2, 2)
index = model.index(0, 0)
before = sys.getrefcount(None)
for _ in range(5_000):
    tabs.widget(99)
    tabs.currentWidget()
    index.data(Qt.ItemDataRole.DecorationRole)
    model.data(QModelIndex())
print(sys.getrefcount(None) - before)
"""


def test_thousands_of_none_returning_qt_calls():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    drift = int(result.stdout.strip())
    assert abs(drift) < 100, f"None lost {-drift} references over 20,000 Qt calls"
