"""The app's name and version: the one place the version is written (pyproject.toml reads it from here), so the
app need not read package metadata at start."""

APP_NAME = "FineTune Studio"
APP_ID = "finetune-studio"
__version__ = "0.1.0"
