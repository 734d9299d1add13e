"""Deleting a profile removes what this computer kept for it: chat history, streaming choice, upload cache."""

import json
from dataclasses import replace

from core import history, streaming
from core.client import build_client
from core.profile_data import ProfileData
from core.profiles import ProfileService
from core.providers.uploads import Uploader
from core.settings import ProfileKind, SettingsStore, new_profile
from core.upload_cache import UploadCache
from tests.servers import QuietHandler, serve

KEY = "sk-test-0123456789abcdef"


class FilesEndpoint(QuietHandler):
    """Takes any upload and names it after the port it listens on."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        data = json.dumps({"id": f"file-{self.server.server_port}", "object": "file", "bytes": 10, "created_at": 1,
                           "filename": "t.jsonl", "purpose": "fine-tune", "status": "processed"}).encode()
        self.reply(200, data)



async def use(service, profile, data):
    """Chat, choose not to stream and upload a file with ``profile``, as the app does."""
    history.save(profile.id, [history.Turn("m", "question", "answer")])
    streaming.remember(profile.id, False)
    async with build_client(profile, KEY) as client:
        await Uploader(client).upload(data)


def cached_servers() -> set[str]:
    return {key.split(" ", 1)[0].rstrip("/") for key in UploadCache()._load()}


async def test_deleting_a_profile_removes_its_history_streaming_choice_and_upload_cache(memory_keyring, tmp_path):
    data = tmp_path / "t.jsonl"
    data.write_text('{"messages": []}\n', encoding="utf-8")
    service = ProfileService(SettingsStore())
    with serve(FilesEndpoint) as gone_origin, serve(FilesEndpoint) as kept_origin:
        gone = service.save_profile(replace(new_profile(ProfileKind.COMPATIBLE, "Gone"), base_url=gone_origin), KEY)
        kept = service.save_profile(replace(new_profile(ProfileKind.COMPATIBLE, "Kept"), base_url=kept_origin), KEY)
        for profile in (gone, kept):
            await use(service, profile, data)
    assert cached_servers() == {gone.base_url, kept.base_url}

    service.delete_profile(gone.id)
    assert history.load(gone.id) == [] and streaming.wanted(gone.id) and not ProfileData(gone.id).folder.exists()
    assert cached_servers() == {kept.base_url}
    assert history.load(kept.id) and not streaming.wanted(kept.id)  # the other profile keeps its own


async def test_an_address_another_profile_still_uses_keeps_its_upload_cache(memory_keyring, tmp_path):
    data = tmp_path / "t.jsonl"
    data.write_text('{"messages": []}\n', encoding="utf-8")
    service = ProfileService(SettingsStore())
    with serve(FilesEndpoint) as origin:
        first = service.save_profile(replace(new_profile(ProfileKind.COMPATIBLE, "First"), base_url=origin), KEY)
        second = service.save_profile(replace(new_profile(ProfileKind.COMPATIBLE, "Second"), base_url=origin), KEY)
        await use(service, first, data)
    service.delete_profile(first.id)
    assert history.load(first.id) == [] and cached_servers() == {second.base_url}
    service.delete_profile(second.id)
    assert cached_servers() == set()
