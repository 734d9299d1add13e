"""Where the app keeps its files: platformdirs, overridable with FINETUNE_STUDIO_HOME."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from core.version import APP_ID

HOME_ENV = "FINETUNE_STUDIO_HOME"


def _base(kind: str) -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override) / kind
    dirs = platformdirs.PlatformDirs(APP_ID, appauthor=False)
    return Path({"config": dirs.user_config_dir, "data": dirs.user_data_dir,
                 "cache": dirs.user_cache_dir, "logs": dirs.user_log_dir}[kind])


def config_dir() -> Path:
    return _base("config")


def data_dir() -> Path:
    return _base("data")


def cache_dir() -> Path:
    return _base("cache")


def log_dir() -> Path:
    return _base("logs")


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller unpacks data files here
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def this_computer_dirs() -> tuple[Path, Path]:
    """(state, models) of training on this computer: its jobs and files, and the base models downloaded."""
    return data_dir() / "this-computer", data_dir() / "models"
