"""Shared fixtures: an isolated app home, an in-memory keyring, offscreen Qt, no system proxies."""

from __future__ import annotations

import os

import keyring
import keyring.backend
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = "127.0.0.1,localhost"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend that keeps passwords in memory (the test keyring)."""

    priority = 10

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        import keyring.errors

        if self.passwords.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def app_home(tmp_path, monkeypatch):
    """Every test gets its own settings, logs and keys folder."""
    home = tmp_path / "home"
    monkeypatch.setenv("FINETUNE_STUDIO_HOME", str(home))
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture(autouse=True)
def no_keyring():
    """Like a headless Linux machine: no keyring backend, whatever the developer's machine has."""
    import keyring.backends.fail

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(no_keyring):
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture(autouse=True)
def english():
    from core.i18n import set_language

    set_language("en")
    yield
    set_language("en")


def pytest_collection_modifyitems(config, items):
    """GUI tests run last: once a QApplication exists, pytest-qt processes Qt events around every
    later test, so nothing non-GUI should run in a process that still holds closed windows and loops."""
    items.sort(key=lambda item: "tests/gui/" in item.nodeid.replace("\\", "/"))
