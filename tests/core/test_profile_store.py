"""One store for what this computer keeps per profile: round trips, forgetting, older files moved in, damage."""

import json
import logging
import os
import stat
import sys

import pytest

from core import history, profile_data, streaming
from core.paths import data_dir
from core.profile_data import ProfileData, folder_name
from core.upload_cache import UploadCache

TURN = history.Turn("ft:gpt-4o-mini:acme::x", "可以退货吗？", "可以，七天内。", 1.5, 12)


def test_history_streaming_and_uploads_round_trip():
    history.save("work", [TURN])
    streaming.remember("work", False)
    UploadCache().put_state("https://api.example.com/v1/", "abc", "file-1")
    assert history.load("work") == [TURN] and not streaming.wanted("work")
    assert history.load("home") == [] and streaming.wanted("home")  # nothing kept: the defaults
    assert UploadCache().get("https://api.example.com/v1/", "abc") == "file-1"
    streaming.remember("work", True)
    assert streaming.wanted("work") and history.load("work") == [TURN]  # one choice does not touch the rest
    history.clear("work")
    assert history.load("work") == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_files_are_private_to_the_user():
    history.save("work", [TURN])
    streaming.remember("work", False)
    UploadCache().put_state("https://a/v1", "abc", "file-1")
    folder = ProfileData("work").folder
    for path in (folder / profile_data.HISTORY, folder / profile_data.CHOICES, UploadCache().path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0


def test_forget_clears_everything_of_that_profile_and_only_that():
    for profile in ("gone", "kept"):
        history.save(profile, [TURN])
        streaming.remember(profile, False)
    cache = UploadCache()
    cache.put_state("https://gone.example/v1/", "abc", "file-1")
    cache.put_state("https://kept.example/v1/", "abc", "file-2")
    profile_data.forget("gone", "https://gone.example/v1")
    assert not ProfileData("gone").folder.exists()
    assert history.load("gone") == [] and streaming.wanted("gone")
    assert cache.get("https://gone.example/v1/", "abc") is None
    assert history.load("kept") == [TURN] and not streaming.wanted("kept")
    assert cache.get("https://kept.example/v1/", "abc") == "file-2"
    profile_data.forget("never-used")  # nothing kept: nothing to do, no error


def write_old_files(histories: dict[str, list], choices: dict[str, bool]) -> None:
    """What versions before the store wrote: data/history/<id>.json and one data/streaming.json."""
    (data_dir() / "history").mkdir(parents=True)
    for name, turns in histories.items():
        (data_dir() / "history" / f"{name}.json").write_text(json.dumps(turns, ensure_ascii=False), encoding="utf-8")
    (data_dir() / "streaming.json").write_text(json.dumps(choices), encoding="utf-8")


def test_older_files_move_into_the_profile_folder_on_first_use():
    old_turn = {"model": "m", "question": "问", "answer": "答"}
    write_old_files({"a1": [old_turn], "b2": [old_turn]}, {"a1": False, "b2": False})
    assert history.load("a1") == [history.Turn("m", "问", "答")] and not streaming.wanted("a1")
    assert (ProfileData("a1").folder / profile_data.HISTORY).exists()
    assert not (data_dir() / "history" / "a1.json").exists()
    assert json.loads((data_dir() / "streaming.json").read_text(encoding="utf-8")) == {"b2": False}  # b2's still
    assert not streaming.wanted("b2") and history.load("b2") == [history.Turn("m", "问", "答")]
    assert not (data_dir() / "streaming.json").exists() and not (data_dir() / "history").exists()


def test_forgetting_a_profile_never_used_since_the_update_removes_its_old_files_too():
    write_old_files({"gone": [{"model": "m", "question": "q", "answer": "a"}]}, {"gone": False, "kept": False})
    profile_data.forget("gone")
    assert not (data_dir() / "history" / "gone.json").exists() and not ProfileData("gone").folder.exists()
    assert json.loads((data_dir() / "streaming.json").read_text(encoding="utf-8")) == {"kept": False}


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"model": "m"}', '[{"model": "m"}]', "1e400", ""])
def test_a_damaged_history_is_set_aside_without_a_traceback(content, caplog):
    folder = ProfileData("work").folder
    folder.mkdir(parents=True)
    (folder / profile_data.HISTORY).write_text(content, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert history.load("work") == []
    kept = list(folder.glob(f"{profile_data.HISTORY}.damaged-*"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == content
    assert all(record.exc_info is None for record in caplog.records)
    assert any("set aside" in record.getMessage() for record in caplog.records)
    history.save("work", [TURN])
    assert history.load("work") == [TURN]


@pytest.mark.parametrize("name", ["streaming.json", "uploads.json"])
def test_damaged_shared_files_are_set_aside_too(name, caplog):
    data_dir().mkdir(parents=True)
    (data_dir() / name).write_text("[not an object", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert streaming.wanted("work") and UploadCache().get("https://a/v1", "abc") is None
    assert list(data_dir().glob(f"{name}.damaged-*")) and not (data_dir() / name).exists()
    assert all(record.exc_info is None for record in caplog.records)


@pytest.mark.parametrize("profile_id", ["../../etc", "a/b", "con", "名前", "", "x" * 200, "a.b", "..", "C:\\x"])
def test_any_profile_id_gets_a_folder_of_its_own_inside_the_store(profile_id):
    name = folder_name(profile_id)
    assert name and len(name) <= 64 and os.sep not in name and "/" not in name and name not in (".", "..")
    assert name.upper() != "CON" and name != folder_name(profile_id + "?")
    history.save(profile_id, [TURN])
    assert history.load(profile_id) == [TURN]
    assert ProfileData(profile_id).folder.parent == data_dir() / profile_data.PROFILES


def test_safe_ids_keep_their_name():
    assert folder_name("3f9a0c1b2d4e") == "3f9a0c1b2d4e" and folder_name("sandbox") == "sandbox"
