"""The app's version, read from the installed package metadata when available."""

from importlib.metadata import PackageNotFoundError, version

APP_NAME = "FineTune Studio"
APP_ID = "finetune-studio"

try:
    __version__ = version(APP_ID)
except PackageNotFoundError:  # running from a plain checkout
    __version__ = "0.1.0"
