import json
from dataclasses import replace

import pytest

from core.errors import ConfigError
from core.profiles import ProfileService
from core.secrets import SessionStore
from core.settings import (
    SANDBOX_ID,
    AppSettings,
    ProfileKind,
    SettingsStore,
    env_profile,
    new_profile,
    settings_from_dict,
)


def test_defaults_to_the_sandbox(tmp_path):
    settings = SettingsStore(tmp_path / "s.json").load()
    assert settings.active_profile.is_sandbox
    assert [p.id for p in settings.profiles] == [SANDBOX_ID]


def test_round_trip_and_atomic_save(tmp_path):
    store = SettingsStore(tmp_path / "s.json")
    profile = replace(new_profile(ProfileKind.OPENAI, "Work"), proxy="http://127.0.0.1:7890", timeout=30)
    settings = replace(AppSettings().with_profile(profile), language="zh_CN", last_tab=2)
    store.save(settings)
    assert store.load() == settings
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # no temporary file left behind


def test_damaged_file_is_set_aside_not_lost(tmp_path):
    path = tmp_path / "s.json"
    path.write_text("{not json", encoding="utf-8")
    assert SettingsStore(path).load() == AppSettings()
    [kept] = tmp_path.glob("s.json.damaged-*")
    assert kept.read_text(encoding="utf-8") == "{not json"


def test_version_1_is_migrated_and_stray_keys_dropped():
    old = {"version": 1, "language": "en",
           "profile": {"id": "p1", "name": "Old", "kind": "openai", "base_url": "https://api.openai.com/v1",
                       "api_key": "sk-should-never-survive"}}
    settings = settings_from_dict(old)
    assert settings.version == 3
    assert settings.profile("p1").name == "Old"
    assert "sk-should" not in json.dumps([vars(p) for p in settings.profiles])
    assert settings.profile(SANDBOX_ID) is not None


def test_sandbox_cannot_be_removed():
    settings = AppSettings()
    assert settings.without_profile(SANDBOX_ID) == settings


def make_service(tmp_path):
    return ProfileService(SettingsStore(tmp_path / "s.json"), keys=SessionStore())


def test_service_validates_and_normalises(tmp_path):
    service = make_service(tmp_path)
    profile = replace(new_profile(ProfileKind.COMPATIBLE, "Relay"), base_url="relay.example.com/v1/chat/completions/")
    saved = service.save_profile(profile)
    assert saved.base_url == "https://relay.example.com/v1"
    with pytest.raises(ConfigError):
        service.save_profile(replace(new_profile(ProfileKind.OPENAI, "Relay")))  # duplicate name
    with pytest.raises(ConfigError):
        service.save_profile(replace(new_profile(ProfileKind.OPENAI, "  ")))
    azure = replace(new_profile(ProfileKind.AZURE, "Azure"), azure_resource="contoso")
    assert service.save_profile(azure).base_url == "https://contoso.openai.azure.com/openai/v1"


def test_first_key_makes_the_profile_active(tmp_path):
    service = make_service(tmp_path)
    work = service.save_profile(new_profile(ProfileKind.OPENAI, "Work"))
    assert service.settings.active_profile.is_sandbox
    service.save_profile(work, "sk-test-1234567890")
    assert service.settings.active_profile_id == work.id
    assert service.key_for(work) == "sk-test-1234567890"
    service.delete_profile(work.id)
    assert service.settings.active_profile.is_sandbox
    assert service.keys.get(work.id) == ""


def test_environment_variables_become_an_offered_profile():
    assert env_profile({}) is None
    profile, key = env_profile({"OPENAI_API_KEY": "sk-env-123456", "OPENAI_API_BASE": "https://relay.example.com"})
    assert key == "sk-env-123456"
    assert profile.base_url == "https://relay.example.com/v1"
    assert profile.kind is ProfileKind.COMPATIBLE
    profile, _ = env_profile({"OPENAI_API_KEY": "sk-env-123456", "OPENAI_BASE_URL": ""})
    assert profile.base_url == "https://api.openai.com/v1"


def test_provider_profiles_have_their_defaults_and_checks(tmp_path):
    service = ProfileService(SettingsStore(tmp_path / "s.json"), keys=SessionStore())
    zhipu = service.save_profile(new_profile(ProfileKind.ZHIPU, "GLM"), "key")
    assert zhipu.base_url == "https://open.bigmodel.cn/api/paas/v4"  # no /v1 added to a provider's own path
    bailian = service.save_profile(replace(new_profile(ProfileKind.BAILIAN, "Qwen"), base_url="",
                                           region="ap-southeast-1"), "key")
    assert bailian.base_url == "https://dashscope-intl.aliyuncs.com/api/v1" and bailian.training_type == "efficient_sft"
    azure = new_profile(ProfileKind.AZURE, "Azure")
    assert azure.training_type == "GlobalStandard"
    assert service.save_profile(replace(azure, azure_resource="my-res"), "key").base_url == \
        "https://my-res.openai.azure.com/openai/v1"
    with pytest.raises(ConfigError, match="not a training type"):
        service.validated(replace(azure, azure_resource="my-res", training_type="sft"))
    reloaded = SettingsStore(tmp_path / "s.json").load()
    assert reloaded.profile(bailian.id) == bailian and reloaded.profile(zhipu.id) == zhipu


def test_a_profile_of_a_provider_this_version_does_not_know_still_loads():
    settings = settings_from_dict({"version": 2, "profiles": [
        {"id": "x", "name": "Future", "kind": "some-new-provider", "base_url": "https://example.com/v1",
         "a_field_from_the_future": 1}]})
    assert settings.profile("x").kind is ProfileKind.COMPATIBLE


def test_the_tab_a_version_2_file_remembers_is_the_same_tab_with_home_in_front():
    assert settings_from_dict({"version": 2, "last_tab": 2}).last_tab == 3  # Training, now after Home
    assert settings_from_dict({"version": 3, "last_tab": 2}).last_tab == 2
