"""Diagnostics never contain a key."""

import logging
import zipfile

from core.diagnostics import write_diagnostics
from core.logs import register_secret, setup_logging
from core.profiles import ProfileService
from core.settings import SettingsStore


def test_diagnostics_have_logs_and_settings_but_no_keys(tmp_path, memory_keyring):
    setup_logging()
    key = "sk-diagnostic-0123456789abcdef"
    register_secret(key)
    ProfileService(SettingsStore()).update(language="zh_CN")
    logging.getLogger("test").warning("calling with %s and Bearer %s", key, "sk-other-0123456789abcdefgh")
    for handler in logging.getLogger().handlers:
        handler.flush()
    path = write_diagnostics(tmp_path / "diag")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        text = "".join(archive.read(name).decode() for name in names)
    assert "about.json" in names and "settings.json" in names and any(n.startswith("logs/") for n in names)
    assert "calling with" in text and key not in text and "sk-other" not in text and "zh_CN" in text
