"""The PySide6 front-end."""

from gui.pyside_imports import skip_feature_scan

skip_feature_scan()
