"""A damaged settings or key file is set aside with a message; nothing stops the app or a command from starting."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring.core
import pytest

from core.paths import config_dir
from core.profiles import ProfileService
from core.secrets import FileStore, SessionStore, open_key_store, storage_warning
from core.settings import AppSettings, KeyStorage, SettingsStore

ROOT = Path(__file__).resolve().parents[2]
PROFILE = '{"id": "p1", "name": "Work", "kind": "openai", "base_url": "https://api.openai.com/v1", "timeout": %s}'
DAMAGED = {
    "huge version": b'{"version": 1e400}',
    "huge tab": b'{"last_tab": 1e400}',
    "deep nesting": b'{"profiles": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
    "NaN timeout": ('{"profiles": [%s]}' % (PROFILE % "NaN")).encode(),
    "infinite timeout": ('{"profiles": [%s]}' % (PROFILE % "Infinity")).encode(),
    "text timeout": ('{"profiles": [%s]}' % (PROFILE % '"soon"')).encode(),
    "a number": b"5",
    "a list": b'[["language", "en"]]',
    "profiles not a list": b'{"profiles": 5}',
    "profile not an object": b'{"profiles": [5]}',
    "name not text": b'{"profiles": [{"id": "p1", "name": ["x"], "kind": "openai", "base_url": ""}]}',
    "language not text": b'{"language": {"deep": [1]}}',
    "not UTF-8": b'{"language": "\xff\xfe"}',
    "truncated": b'{"language": "en", "prof',
}


def damaged_copies(folder: Path) -> list[Path]:
    return sorted(folder.glob("settings.json.damaged-*"))


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_damaged_settings_are_set_aside_and_defaults_used(tmp_path, content):
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    store = SettingsStore(path)
    assert store.load() == AppSettings()
    assert not path.exists()
    [kept] = damaged_copies(tmp_path)
    assert kept.read_bytes() == content  # kept whole, for the user or support to look at
    [notice] = store.notices
    assert "damaged" in notice.message and kept.name in notice.hint


def test_a_folder_a_link_loop_or_a_pipe_in_place_of_the_file_is_set_aside_without_blocking(tmp_path):
    path = tmp_path / "settings.json"
    path.mkdir()
    assert SettingsStore(path).load() == AppSettings()
    assert len(damaged_copies(tmp_path)) == 1 and not path.exists()
    path.symlink_to(path)  # unreadable: every read fails with an OSError
    assert SettingsStore(path).load() == AppSettings()
    assert len(damaged_copies(tmp_path)) == 2 and not os.path.lexists(path)
    if hasattr(os, "mkfifo"):
        os.mkfifo(path)  # opening a FIFO to read would wait for a writer for ever
        assert SettingsStore(path).load() == AppSettings()
        assert len(damaged_copies(tmp_path)) == 3


def test_a_second_damaged_file_does_not_overwrite_the_first(tmp_path):
    path = tmp_path / "settings.json"
    for content in ("{first", "{second"):
        path.write_text(content, encoding="utf-8")
        SettingsStore(path).load()
    assert sorted(p.read_text(encoding="utf-8") for p in damaged_copies(tmp_path)) == ["{first", "{second"]


def test_the_service_passes_the_notice_on_once(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"version": 1e400}', encoding="utf-8")
    service = ProfileService(SettingsStore(path), keys=SessionStore())
    assert [n.message for n in service.take_notices()] == [
        "The settings file was damaged, so the app started with its default settings."]
    assert service.take_notices() == []
    service.update(language="zh_CN")  # and the app goes on saving its settings as usual
    assert SettingsStore(path).load().language == "zh_CN"


@pytest.mark.parametrize("content", ["5", '["p1"]', '{"p1": 5}', "{not json", '"text"'])
def test_a_damaged_key_file_is_set_aside_with_a_message(content):
    path = config_dir() / "keys.json"
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    store = open_key_store(KeyStorage.FILE)
    assert isinstance(store, FileStore) and store.get("p1") == ""
    assert not path.exists()
    assert [p.read_text(encoding="utf-8") for p in path.parent.glob("keys.json.damaged-*")] == [content]
    [notice] = store.notices
    assert "enter the keys again" in notice.message
    store.set("p1", "sk-new-0123456789")  # a fresh file replaces it
    assert FileStore(path).get("p1") == "sk-new-0123456789"


def test_a_keyring_backend_that_fails_to_load_falls_back_to_this_session(monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "no_such_module.Keyring")
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)  # as in a new process: detect it again
    store = open_key_store(KeyStorage.KEYRING)
    assert isinstance(store, SessionStore)
    assert "could not be loaded" in storage_warning(store, KeyStorage.KEYRING)
    service = ProfileService(SettingsStore(), keys=store)
    assert ["could not be loaded" in n.message for n in service.take_notices()] == [True]


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen", **env), cwd=ROOT)


def test_every_command_starts_and_says_once_what_was_set_aside():
    path = config_dir() / "settings.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"version": 1e400, "profiles": [' + "[" * 100_000 + "]" * 100_000 + "]}", encoding="utf-8")
    result = run_cli("profiles", "list")
    assert result.returncode == 0, result.stderr
    assert "Sandbox" in result.stdout and "Traceback" not in result.stderr
    assert result.stderr.count("The settings file was damaged") == 1
    assert "settings.json.damaged-" in result.stderr
    again = run_cli("profiles", "list")
    assert again.returncode == 0 and again.stderr == ""  # told once: the damaged file is out of the way


def test_a_broken_keyring_or_key_file_in_the_cli_is_a_message_not_a_traceback():
    home = config_dir()
    home.mkdir(parents=True)
    (home / "settings.json").write_text(json.dumps({"active_profile_id": "p1", "key_storage": "file", "profiles": [
        {"id": "p1", "name": "Work", "kind": "compatible", "base_url": "http://127.0.0.1:9/v1"}]}), encoding="utf-8")
    (home / "keys.json").write_text("5", encoding="utf-8")
    result = run_cli("connection", "test")
    assert "Traceback" not in result.stderr and "keys.json.damaged-" in result.stderr
    (home / "settings.json").write_text(
        (home / "settings.json").read_text(encoding="utf-8").replace('"file"', '"keyring"'), encoding="utf-8")
    result = run_cli("connection", "test", PYTHON_KEYRING_BACKEND="no_such_module.Keyring")
    assert "Traceback" not in result.stderr and "keyring could not be loaded" in result.stderr
