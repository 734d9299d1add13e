"""Proxy passwords live with the API keys, never in settings.json, and never reach the diagnostics zip."""

from __future__ import annotations

import json
import logging
import zipfile
from dataclasses import replace

import pytest

from core.connection import check_connection
from core.diagnostics import write_diagnostics
from core.logs import redact, setup_logging
from core.paths import config_dir
from core.profiles import ProfileService
from core.secrets import FileStore, SessionStore, proxy_secret_id
from core.settings import KeyStorage, ProfileKind, SettingsStore, new_profile
from core.urls import split_proxy_password, with_proxy_password
from tests.servers import api_server, make_proxy_handler, serve

KEY = "sk-test-proxy-0123456789abcdef"
ODD_PROXIES = {  # (URL, the password in it)
    "empty user": ("socks5://:PASS@proxy.example:1080", "PASS"),
    "@ in the password": ("http://user:p@ss@w0rd@proxy.example:8080", "p@ss@w0rd"),
    "colon in the password": ("http://user:a:b@proxy.example:3128", "a:b"),
    "plain": ("http://bob:hunter2@10.0.0.1:3128", "hunter2"),
}


@pytest.mark.parametrize(("url", "password"), ODD_PROXIES.values(), ids=ODD_PROXIES.keys())
def test_redaction_hides_every_part_of_the_password(url, password):
    for text in (f"proxy {url} failed", json.dumps({"proxy": url}, indent=2), repr({"proxy": url})):
        shown = redact(text)
        assert password not in shown and password.split("@")[-1] not in shown
        assert "proxy.example" in shown or "10.0.0.1" in shown  # the host stays readable


@pytest.mark.parametrize(("url", "password"), ODD_PROXIES.values(), ids=ODD_PROXIES.keys())
def test_split_and_rejoin(url, password):
    stripped, found = split_proxy_password(url)
    assert found == password and password not in stripped and ":@" in stripped
    assert with_proxy_password(stripped, found) == url
    assert split_proxy_password("http://127.0.0.1:7890") == ("http://127.0.0.1:7890", "")


def test_diagnostics_hold_no_proxy_password(tmp_path):
    """Even a settings file written by hand (or by an older version) and log lines with odd proxy URLs."""
    setup_logging()
    proxies = {**ODD_PROXIES, "quotes and spaces": ('http://u:"qu ote"@proxy.example:1', "qu ote")}
    profiles = [{"id": f"p{i}", "name": name, "kind": "compatible", "base_url": "https://relay.example/v1",
                 "proxy": url} for i, (name, (url, _)) in enumerate(proxies.items())]
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "settings.json").write_text(json.dumps({"profiles": profiles}, indent=2), encoding="utf-8")
    for url, _ in ODD_PROXIES.values():
        logging.getLogger("test").warning("proxy %s refused", url)
    for handler in logging.getLogger().handlers:
        handler.flush()
    with zipfile.ZipFile(write_diagnostics(tmp_path / "diag")) as archive:
        text = "".join(archive.read(name).decode() for name in archive.namelist())
    assert "proxy.example" in text and "refused" in text
    for _, password in proxies.values():
        assert password not in text and password.split("@")[-1] not in text


def settings_text() -> str:
    return (config_dir() / "settings.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(("url", "password"), ODD_PROXIES.values(), ids=ODD_PROXIES.keys())
def test_a_saved_proxy_password_goes_to_the_keyring(memory_keyring, url, password):
    service = ProfileService(SettingsStore())
    profile = service.save_profile(replace(new_profile(ProfileKind.OPENAI, "Work"), proxy=url), KEY)
    assert password not in settings_text()
    assert memory_keyring.passwords[("finetune-studio", proxy_secret_id(profile.id))] == password
    assert service.settings.profile(profile.id).proxy == url
    again = ProfileService(SettingsStore())  # after a restart the editor and the connection get it whole
    assert again.settings.profile(profile.id).proxy == url


def test_removing_the_password_forgets_it(memory_keyring):
    service = ProfileService(SettingsStore())
    profile = service.save_profile(replace(new_profile(ProfileKind.OPENAI, "Work"),
                                           proxy="http://user:s3cret-word@proxy.example:3128"))
    service.save_profile(replace(profile, proxy="http://proxy.example:3128"))
    assert ("finetune-studio", proxy_secret_id(profile.id)) not in memory_keyring.passwords
    assert ProfileService(SettingsStore()).settings.profile(profile.id).proxy == "http://proxy.example:3128"


def test_deleting_the_profile_forgets_its_proxy_password(memory_keyring):
    service = ProfileService(SettingsStore())
    profile = service.save_profile(replace(new_profile(ProfileKind.OPENAI, "Work"),
                                           proxy="http://user:s3cret-word@proxy.example:3128"))
    assert ("finetune-studio", proxy_secret_id(profile.id)) in memory_keyring.passwords
    service.delete_profile(profile.id)
    assert ("finetune-studio", proxy_secret_id(profile.id)) not in memory_keyring.passwords


def test_a_password_in_an_existing_settings_file_is_moved_to_the_keyring(memory_keyring):
    url = "socks5://:PASS@proxy.example:1080"
    config_dir().mkdir(parents=True)
    (config_dir() / "settings.json").write_text(json.dumps({"version": 2, "profiles": [
        {"id": "p1", "name": "Old", "kind": "compatible", "base_url": "https://relay.example/v1", "proxy": url}]}),
        encoding="utf-8")
    service = ProfileService(SettingsStore())
    assert "PASS" not in settings_text() and "socks5://:@proxy.example:1080" in settings_text()
    assert memory_keyring.passwords[("finetune-studio", "p1:proxy")] == "PASS"
    assert service.settings.profile("p1").proxy == url
    assert ProfileService(SettingsStore()).settings.profile("p1").proxy == url


def test_without_a_keyring_the_moved_password_is_kept_for_the_session_and_the_user_told():
    config_dir().mkdir(parents=True)
    (config_dir() / "settings.json").write_text(json.dumps({"profiles": [
        {"id": "p1", "name": "Old", "kind": "compatible", "base_url": "https://relay.example/v1",
         "proxy": "http://u:s3cret-word@proxy.example:3128"}]}), encoding="utf-8")
    service = ProfileService(SettingsStore())
    assert "s3cret-word" not in settings_text()
    assert service.settings.profile("p1").proxy == "http://u:s3cret-word@proxy.example:3128"
    assert any("session only" in n.hint for n in service.take_notices())


def test_switching_storage_moves_proxy_passwords(tmp_path):
    service = ProfileService(SettingsStore(), keys=SessionStore())
    url = "http://user:s3cret-word@proxy.example:3128"
    profile = service.save_profile(replace(new_profile(ProfileKind.OPENAI, "Work"), proxy=url), KEY)
    service.switch_key_storage(KeyStorage.FILE)
    assert FileStore().get(proxy_secret_id(profile.id)) == "s3cret-word"
    assert ProfileService(SettingsStore()).settings.profile(profile.id).proxy == url


async def test_the_connection_uses_the_password_kept_in_the_keyring(memory_keyring):
    with api_server() as origin, serve(make_proxy_handler(password="s3cret-word")) as proxy:
        authed = proxy.replace("http://", "http://user:s3cret-word@")
        service = ProfileService(SettingsStore())
        profile = replace(new_profile(ProfileKind.COMPATIBLE, "Relay"), base_url=origin + "/v1", proxy=authed)
        saved = service.save_profile(profile, KEY)
        assert "s3cret-word" not in settings_text()
        loaded = ProfileService(SettingsStore()).settings.profile(saved.id)
        report = await check_connection(loaded, KEY)
    assert report.ok, report.failed
