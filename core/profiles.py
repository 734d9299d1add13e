"""Profile management shared by the GUI and the CLI: validate, save, switch, keys, endpoints."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from typing import Protocol

from core import profile_data
from core.errors import ConfigError, CoreError, SecretStoreError
from core.i18n import tr
from core.providers.registry import spec_for
from core.secrets import KeyStore, SessionStore, open_key_store, proxy_secret_id
from core.settings import SANDBOX_ID, AppSettings, KeyStorage, Notice, Profile, SettingsStore
from core.urls import check_proxy_url, proxy_waits_for_password, split_proxy_password, with_proxy_password

SANDBOX_KEY = "sandbox"  # the Sandbox accepts any non-empty key
log = logging.getLogger(__name__)


class ServerLauncher(Protocol):
    """Starts a server the app runs on this computer (the Sandbox, This computer's local server)."""

    async def base_url(self) -> str:
        """Start the server if needed and return its /v1 URL."""
        ...

    def stop(self) -> None:
        """Stop the server if it was started."""
        ...



class _OpenedOnUse:
    """Stands in for the key store while the app starts (ProfileService.open_keys_later): it says the kind the
    user chose and opens the real store the moment a key is read or written."""

    def __init__(self, service: ProfileService) -> None:
        self._service = service
        self.kind = service.settings.key_storage

    def get(self, profile_id: str) -> str:
        return self._service.open_keys().get(profile_id)

    def set(self, profile_id: str, key: str) -> None:
        self._service.open_keys().set(profile_id, key)

    def delete(self, profile_id: str) -> None:
        self._service.open_keys().delete(profile_id)


class ProfileService:
    """Owns the settings file and the key store; every change is saved at once."""

    def __init__(self, store: SettingsStore, keys: KeyStore | None = None,
                 sandbox: ServerLauncher | None = None, this_computer: ServerLauncher | None = None) -> None:
        self.store = store
        self.settings = store.load()
        self._keys = keys
        self._keys_later = False
        self._keys_lock = threading.Lock()
        self.sandbox = sandbox
        self.this_computer = this_computer
        self._notices: list[Notice] = []
        self._restore_proxy_passwords()

    def take_notices(self) -> list[Notice]:
        """What went wrong while loading settings and keys, each returned once (the front-end tells the user)."""
        found = [*self.store.notices, *getattr(self._keys, "notices", ()), *self._notices]
        self.store.notices.clear()
        getattr(self._keys, "notices", []).clear()
        self._notices.clear()
        return found

    # -- proxy passwords: kept with the keys, never in the settings file -----------------------------------
    def _restore_proxy_passwords(self) -> None:
        """Put each proxy's password back from the key store; move one an older settings file holds there."""
        profiles, moved = [], False
        for profile in self.settings.profiles:
            stripped, password = split_proxy_password(profile.proxy)
            if password:
                moved = self._move_proxy_password(profile, password) or moved
            elif proxy_waits_for_password(stripped):
                profile = replace(profile, proxy=with_proxy_password(stripped, self._proxy_password(profile)))
            profiles.append(profile)
        self.settings = replace(self.settings, profiles=tuple(profiles))
        if moved:  # settings_to_dict leaves the password out: this rewrites the file without it
            try:
                self.store.save(self.settings)
            except OSError as exc:  # a read-only settings folder must not stop the app; the next save tries again
                log.warning("could not rewrite the settings file without its proxy password: %r", exc)

    def _proxy_password(self, profile: Profile) -> str:
        try:
            return self.keys.get(proxy_secret_id(profile.id))
        except SecretStoreError as error:
            self._notices.append(Notice(tr("The proxy password of “{name}” could not be read."),
                                        error.hint.replace("{", "{{").replace("}", "}}"), (("name", profile.name),)))
            return ""

    def _move_proxy_password(self, profile: Profile, password: str) -> bool:
        try:
            self.keys.set(proxy_secret_id(profile.id), password)
        except SecretStoreError as error:  # keep the file as it is rather than lose the password
            log.warning("could not move a proxy password out of the settings file: %s", error.detail)
            return False
        if isinstance(self.open_keys(), SessionStore):
            self._notices.append(Notice(
                tr("The proxy password of “{name}” was taken out of the settings file."),
                tr("There is no keyring, so it is kept for this session only: enter it again after a restart."),
                (("name", profile.name),)))
        return True

    def _keep_proxy_password(self, profile: Profile) -> None:
        """Store ``profile``'s proxy password with the keys, or forget the one it had."""
        old = self.settings.profile(profile.id)
        password = split_proxy_password(profile.proxy)[1]
        if password:
            self.keys.set(proxy_secret_id(profile.id), password)
        elif old is not None and split_proxy_password(old.proxy)[1]:
            self.keys.delete(proxy_secret_id(profile.id))

    @property
    def keys(self) -> KeyStore:
        """Opened on first use: commands that need no key do not pay for loading the keyring."""
        if self._keys is None:
            if self._keys_later:
                return _OpenedOnUse(self)
            self._keys = open_key_store(self.settings.key_storage)
        return self._keys

    @keys.setter
    def keys(self, store: KeyStore) -> None:
        self._keys, self._keys_later = store, False

    def open_keys_later(self) -> None:
        """Until open_keys(), ``keys`` opens the store only when a key is read or written, and says the chosen
        kind meanwhile: finding the system keyring takes 0.1–0.3 s, which the app spends after its window is
        shown (start-up speed)."""
        self._keys_later = self._keys is None and self.settings.key_storage is KeyStorage.KEYRING

    def open_keys(self) -> KeyStore:
        """The key store, opened now if it was not (safe from a worker thread: one opening at a time)."""
        with self._keys_lock:
            self._keys_later = False
            return self.keys

    def _save(self, settings: AppSettings) -> AppSettings:
        self.store.save(settings)
        self.settings = settings
        return settings

    def update(self, **changes: object) -> AppSettings:
        """Change top-level settings (language, window state...) and save."""
        return self._save(replace(self.settings, **changes))

    def validated(self, profile: Profile) -> Profile:
        """``profile`` with a normalised base URL and proxy; raises ConfigError if it cannot be used."""
        name = profile.name.strip()
        if not name:
            raise ConfigError(tr("The profile needs a name."), tr("Type a name such as “Work account”."))
        if any(p.name == name and p.id != profile.id for p in self.settings.profiles):
            raise ConfigError(tr("Another profile is already called “{name}”.").format(name=name),
                              tr("Choose a different name."))
        if not 1 <= profile.timeout <= 3600:
            raise ConfigError(tr("The timeout must be between 1 and 3600 seconds."), "")
        if profile.served_here:
            return replace(profile, name=name, base_url=spec_for(profile.kind).default_url)
        spec = spec_for(profile.kind)
        allowed = spec.training_types
        if allowed and profile.training_type not in ("", *allowed):
            raise ConfigError(tr("“{value}” is not a training type of this provider.").format(
                value=profile.training_type), tr("Choose one of: {types}.").format(types=", ".join(allowed)))
        return replace(profile, name=name, base_url=spec.address(profile), proxy=check_proxy_url(profile.proxy),
                       organization=profile.organization.strip(), project=profile.project.strip())

    def save_profile(self, profile: Profile, api_key: str | None = None) -> Profile:
        """Validate and save ``profile``; ``api_key`` None keeps the stored key, '' removes it.

        The first key a user enters makes that profile active: the Sandbox is only the default
        until then.
        """
        profile = self.validated(profile)
        self._keep_proxy_password(profile)
        settings = self.settings.with_profile(profile)
        if api_key is not None and not profile.served_here:
            if api_key.strip():
                self.keys.set(profile.id, api_key.strip())
                if settings.active_profile_id == SANDBOX_ID:
                    settings = replace(settings, active_profile_id=profile.id)
            else:
                self.keys.delete(profile.id)
        self._save(settings)
        return profile

    def delete_profile(self, profile_id: str) -> None:
        if profile_id == SANDBOX_ID:
            raise ConfigError(tr("The Sandbox profile is built in and cannot be deleted."), "")
        deleted = self.settings.profile(profile_id)
        self.keys.delete(profile_id)
        self.keys.delete(proxy_secret_id(profile_id))
        self._save(self.settings.without_profile(profile_id))
        if deleted is not None:
            self._forget_local_data(deleted)

    def _forget_local_data(self, profile: Profile) -> None:
        """What this computer kept for a deleted profile (core.profile_data), the upload cache of its address too
        unless another profile uses that address."""
        shared = any(p.base_url == profile.base_url for p in self.settings.profiles)
        try:
            profile_data.forget(profile.id, "" if shared else profile.base_url)
        except OSError as exc:  # the profile itself is gone; a file left behind is not worth an error
            log.warning("could not remove the data of a deleted profile: %r", exc)

    def activate(self, profile_id: str) -> Profile:
        profile = self.settings.profile(profile_id)
        if profile is None:
            raise ConfigError(tr("There is no profile “{name}”.").format(name=profile_id),
                              tr("See the list of profiles in Settings."))
        self._save(replace(self.settings, active_profile_id=profile_id))
        return profile

    def find(self, name_or_id: str) -> Profile:
        """A profile by id or (case-insensitive) name."""
        for profile in self.settings.profiles:
            if name_or_id in (profile.id, profile.name) or profile.name.lower() == name_or_id.lower():
                return profile
        raise ConfigError(tr("There is no profile “{name}”.").format(name=name_or_id),
                          tr("See the list of profiles in Settings."))

    def key_for(self, profile: Profile) -> str:
        return SANDBOX_KEY if profile.served_here else self.keys.get(profile.id)

    def switch_key_storage(self, storage: KeyStorage) -> None:
        """Move every key to the chosen store (keyring, this session, or the opt-in file)."""
        new_store = open_key_store(storage)
        for profile in self.settings.profiles:
            key = "" if profile.served_here else self.keys.get(profile.id)
            if key:
                new_store.set(profile.id, key)
                self.keys.delete(profile.id)
            proxy_password = split_proxy_password(profile.proxy)[1]
            if proxy_password:
                new_store.set(proxy_secret_id(profile.id), proxy_password)
                self.keys.delete(proxy_secret_id(profile.id))
        self.keys = new_store
        self._save(replace(self.settings, key_storage=storage))

    async def endpoint(self, profile: Profile) -> tuple[str, str]:
        """The base URL and key to call ``profile`` with (starting the Sandbox or the local server if it is one of
        them)."""
        if profile.is_this_computer:
            if self.this_computer is None:
                raise CoreError(tr("Training on this computer is not available in this build."),
                                tr("Choose or add a profile of a provider."))
            return await self.this_computer.base_url(), SANDBOX_KEY
        if not profile.is_sandbox:
            return profile.base_url, self.key_for(profile)
        if self.sandbox is None:
            raise CoreError(tr("The Sandbox is not available in this build."),
                            tr("Choose or add a profile with your own API key."))
        return await self.sandbox.base_url(), SANDBOX_KEY
