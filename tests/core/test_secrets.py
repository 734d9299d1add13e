import stat

from core.profiles import ProfileService
from core.secrets import FileStore, KeyringStore, SessionStore, keyring_available, open_key_store, storage_warning
from core.settings import KeyStorage, ProfileKind, SettingsStore, new_profile

KEY = "sk-proj-abcdefghijklmnop1234567890"


def test_key_goes_to_the_keyring_and_never_to_the_settings_file(tmp_path, memory_keyring):
    store = SettingsStore(tmp_path / "settings.json")
    service = ProfileService(store)
    assert isinstance(service.keys, KeyringStore)
    profile = service.save_profile(new_profile(ProfileKind.OPENAI, "Work"), KEY)
    assert memory_keyring.passwords[("finetune-studio", profile.id)] == KEY
    assert KEY not in store.path.read_text(encoding="utf-8")
    assert ProfileService(store).key_for(profile) == KEY  # read back after a restart


def test_without_a_keyring_keys_are_kept_for_the_session_and_the_user_is_told():
    assert not keyring_available()  # headless test machine: only the fail backend
    store = open_key_store(KeyStorage.KEYRING)
    assert isinstance(store, SessionStore)
    assert "session" in storage_warning(store, KeyStorage.KEYRING)


def test_opt_in_file_store_is_private(tmp_path):
    store = FileStore(tmp_path / "keys.json")
    store.set("p1", KEY)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert FileStore(store.path).get("p1") == KEY
    store.delete("p1")
    assert FileStore(store.path).get("p1") == ""
    assert "only your user account" in storage_warning(store, KeyStorage.FILE)


def test_switching_storage_moves_keys(tmp_path):
    service = ProfileService(SettingsStore(tmp_path / "s.json"), keys=SessionStore())
    profile = service.save_profile(new_profile(ProfileKind.OPENAI, "Work"), KEY)
    service.switch_key_storage(KeyStorage.FILE)
    assert service.settings.key_storage is KeyStorage.FILE
    assert isinstance(service.keys, FileStore)
    assert service.key_for(profile) == KEY
