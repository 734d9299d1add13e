"""`profiles add|edit|delete|use|test|list` against a Sandbox over HTTP; keys come from a prompt or standard
input, never from the command line."""

import io
import json

import pytest

from core.profiles import ProfileService
from core.settings import SettingsStore
from sandbox.server import SandboxServer

KEY = "sk-from-stdin-0123456789abcdef"


def saved():
    return ProfileService(SettingsStore())


def test_a_profile_is_added_tested_changed_used_and_deleted(run_cli, memory_keyring):
    with SandboxServer() as server:
        added = run_cli("profiles", "add", "Local", "--base-url", server.base_url, stdin=KEY + "\n")
        assert added.code == 0, added.err
        assert "Saved the profile “Local”" in added.out and "It is the active profile." in added.out
        profile = saved().find("Local")
        assert saved().key_for(profile) == KEY and saved().settings.active_profile_id == profile.id
        assert KEY not in added.out + added.err

        listed = run_cli("profiles", "list", "--json")
        [sandbox, local] = json.loads(listed.out)
        assert (sandbox["kind"], sandbox["active"]) == ("sandbox", False)
        assert (local["name"], local["kind"], local["base_url"], local["active"]) == (
            "Local", "compatible", server.base_url, True)
        assert KEY not in listed.out

        tested = run_cli("profiles", "test", "local")
        assert tested.code == 0, tested.out + tested.err
        assert "Testing profile “Local”" in tested.out and "Connection works." in tested.out

        edited = run_cli("profiles", "edit", "Local", "--name", "Work", "--timeout", "30", "--new-key",
                         stdin="sk-second-key-0123456789\n")
        assert edited.code == 0, edited.err
        changed = saved().find("Work")
        assert (changed.id, changed.timeout, changed.base_url) == (profile.id, 30.0, server.base_url)
        assert saved().key_for(changed) == "sk-second-key-0123456789"

        assert run_cli("profiles", "use", "sandbox").code == 0
        assert saved().settings.active_profile_id == "sandbox"
        assert run_cli("profiles", "list").out.splitlines()[0].startswith("* Sandbox")

        deleted = run_cli("profiles", "delete", "Work", "--yes")
        assert deleted.code == 0 and "Deleted the profile “Work”." in deleted.out
        assert [p.name for p in saved().settings.profiles] == ["Sandbox"]
        assert saved().key_for(changed) == ""


def test_the_key_is_asked_for_at_a_hidden_prompt_on_a_terminal(run_cli, memory_keyring, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    asked = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or KEY)
    result = run_cli("profiles", "add", "Typed", "--provider", "openai", stdin=Terminal())
    assert result.code == 0, result.err
    assert asked and "hidden" in asked[0]
    assert saved().key_for(saved().find("Typed")) == KEY


@pytest.mark.parametrize("argv", [["profiles", "add", "X", "--api-key", KEY], ["profiles", "edit", "X", "--key", KEY]])
def test_a_key_on_the_command_line_is_refused_and_never_echoed(run_cli, argv, capsys):
    with pytest.raises(SystemExit) as exited:
        run_cli(*argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "unrecognized arguments" in err and KEY not in err


def test_a_region_without_an_address_takes_the_regions_address(run_cli, memory_keyring):
    result = run_cli("profiles", "add", "Intl", "--provider", "bailian", "--region", "ap-southeast-1", "--no-key")
    assert result.code == 0, result.err
    profile = saved().find("Intl")
    assert profile.region == "ap-southeast-1" and "dashscope-intl" in profile.base_url
    refused = run_cli("profiles", "edit", "Intl", "--training-type", "Developer")
    assert refused.code == 2 and "is not a training type of this provider" in refused.err


def test_nothing_is_deleted_without_yes_when_nobody_can_answer(run_cli, memory_keyring):
    assert run_cli("profiles", "add", "Keep", "--base-url", "http://127.0.0.1:9/v1", "--no-key").code == 0
    result = run_cli("profiles", "delete", "Keep")
    assert result.code == 1 and "Nothing was deleted." in result.out
    assert saved().find("Keep")
    assert run_cli("profiles", "delete", "sandbox", "--yes").code == 2
