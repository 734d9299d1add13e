"""Where API keys live: the OS keyring, or (only when there is none) this session or an opt-in file.

Keys are never written to the settings file. Every key handed out is registered with the log
redactor, whatever it looks like.
"""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path
from typing import Protocol

from core.errors import SecretStoreError
from core.fileio import write_atomically
from core.i18n import tr
from core.logs import register_secret
from core.paths import config_dir
from core.settings import DAMAGE_ERRORS, KeyStorage, Notice, damaged_notice, set_aside

SERVICE = "finetune-studio"
log = logging.getLogger(__name__)
_INSECURE_BACKENDS = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")
MAX_KEY_FILE_BYTES = 4 * 1024 * 1024


def proxy_secret_id(profile_id: str) -> str:
    """Where a profile's proxy password is kept, next to its API key."""
    return f"{profile_id}:proxy"


class KeyStore(Protocol):
    kind: KeyStorage

    def get(self, profile_id: str) -> str: ...
    def set(self, profile_id: str, key: str) -> None: ...
    def delete(self, profile_id: str) -> None: ...


def _real_keyring() -> bool:
    """True when a real, encrypted OS keyring backend is present; raises what a broken backend raises."""
    import keyring

    backend = keyring.get_keyring()
    backends = getattr(backend, "backends", None) or [backend]
    return any(not type(b).__module__.startswith(_INSECURE_BACKENDS) for b in backends)


def keyring_available() -> bool:
    """True when a real, encrypted OS keyring backend is present (False when one fails to load)."""
    try:
        return _real_keyring()
    except Exception as exc:  # a configured backend that cannot be imported, a broken D-Bus...
        log.warning("the keyring backend failed to load: %r", exc)
        return False


class KeyringStore:
    kind = KeyStorage.KEYRING

    def get(self, profile_id: str) -> str:
        import keyring

        try:
            key = keyring.get_password(SERVICE, profile_id) or ""
        except Exception as exc:  # backends raise their own types (dbus, Windows errors...)
            raise SecretStoreError(tr("The system keyring could not be read."),
                                   tr("Unlock your keyring, or keep the key for this session only."),
                                   repr(exc)) from exc
        register_secret(key)
        return key

    def set(self, profile_id: str, key: str) -> None:
        import keyring

        register_secret(key)
        try:
            keyring.set_password(SERVICE, profile_id, key)
        except Exception as exc:
            raise SecretStoreError(tr("The key could not be saved in the system keyring."),
                                   tr("Unlock your keyring, or keep the key for this session only."),
                                   repr(exc)) from exc

    def delete(self, profile_id: str) -> None:
        import keyring
        import keyring.errors

        try:
            keyring.delete_password(SERVICE, profile_id)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing stored
        except Exception as exc:
            log.warning("could not delete key from keyring: %r", exc)


class SessionStore:
    """Keys kept in memory only; they are gone when the app closes."""

    kind = KeyStorage.SESSION

    def __init__(self, problem: str = "") -> None:
        self._keys: dict[str, str] = {}
        self.problem = problem  # why the keyring the user chose is not used ('' when there is none at all)
        self.notices: list[Notice] = [Notice(problem, _keyring_hint())] if problem else []

    def get(self, profile_id: str) -> str:
        return self._keys.get(profile_id, "")

    def set(self, profile_id: str, key: str) -> None:
        register_secret(key)
        self._keys[profile_id] = key

    def delete(self, profile_id: str) -> None:
        self._keys.pop(profile_id, None)


class FileStore:
    """Opt-in plain file readable only by the user (mode 0600). Less safe than a keyring."""

    kind = KeyStorage.FILE

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "keys.json"
        self.notices: list[Notice] = []

    def _read(self) -> dict[str, str]:
        """The stored keys; a damaged file is set aside (and the user told once), never a traceback."""
        try:
            if not self.path.exists():
                return {}
            if self.path.stat().st_size > MAX_KEY_FILE_BYTES:
                raise ValueError("the key file is far too large")
            keys = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
                raise ValueError("the key file must map profile ids to keys")
            return keys
        except DAMAGE_ERRORS as exc:
            kept = set_aside(self.path)
            if kept is None:  # writing over it would lose what it holds: refuse until the user acts
                raise SecretStoreError(tr("The key file is damaged."), tr("Enter the key again in Settings."),
                                       str(self.path)) from exc
            log.warning("the key file was damaged (%s); set aside as %s", type(exc).__name__, kept)
            self.notices.append(damaged_notice(
                tr("The file with your API keys was damaged: enter the keys again in Settings."), kept, self.path))
            return {}

    def check(self) -> FileStore:
        """Read the file once now, so a damaged one is found (and reported) at start-up."""
        self._read()
        return self

    def get(self, profile_id: str) -> str:
        key = self._read().get(profile_id, "")
        register_secret(key)
        return key

    def set(self, profile_id: str, key: str) -> None:
        register_secret(key)
        keys = self._read() | {profile_id: key}
        write_atomically(self.path, json.dumps(keys), mode=0o600)

    def delete(self, profile_id: str) -> None:
        keys = self._read()
        if keys.pop(profile_id, None) is not None:
            write_atomically(self.path, json.dumps(keys), mode=0o600)


def _keyring_hint() -> str:
    return tr("Check the keyring's settings (PYTHON_KEYRING_BACKEND, keyringrc.cfg), or store keys in a file "
              "only you can read.")


def open_key_store(preference: KeyStorage) -> KeyStore:
    """The store the user chose; the keyring falls back to this session when none exists or it fails to load."""
    if preference is KeyStorage.FILE:
        with contextlib.suppress(SecretStoreError):  # a file that cannot even be set aside: said when used
            return FileStore().check()
        return FileStore()
    if preference is KeyStorage.KEYRING:
        try:
            if _real_keyring():
                return KeyringStore()
        except Exception as exc:  # a configured backend that cannot be imported, a broken D-Bus...
            log.warning("the keyring backend failed to load: %r", exc)
            return SessionStore(tr("The system keyring could not be loaded, so keys are kept for this session "
                                   "only."))
    return SessionStore()


def storage_warning(store: KeyStore, preference: KeyStorage) -> str:
    """What the user must know about where keys are kept ('' when all is well)."""
    if store.kind is KeyStorage.FILE:
        return tr("Keys are stored in a file that only your user account can read. "
                   "Anyone with access to your account can read them.")
    if isinstance(store, SessionStore) and store.problem:
        return tr(store.problem)
    if store.kind is KeyStorage.SESSION and preference is KeyStorage.KEYRING:
        return tr("No system keyring was found, so keys are kept for this session only and "
                   "must be entered again after a restart.")
    if store.kind is KeyStorage.SESSION:
        return tr("Keys are kept for this session only.")
    return ""
