"""Model downloads against a small hub on 127.0.0.1 that answers like the Hugging Face hub or ModelScope, and can
misbehave: cut a file midway, stall, lie about checksums and sizes, or list paths outside the model's folder."""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from core.errors import NetworkError
from core.local.catalogue import COMPLETE_MARKER, folder_for, installed_folder
from core.local.download import PART_SUFFIX, DownloadError, DownloadProgress, default_source, download_model
from tests.servers import QuietHandler, serve
from tests.waiting import eventually

MODEL = "Qwen/Qwen2.5-0.5B-Instruct"
PLENTY = 10**13  # bytes of free disk the probe reports
WEIGHTS = bytes(range(256)) * 1200  # 300 KB: several reads, so a cut lands in the middle


@dataclass
class Hub:
    """What the hub serves and how it misbehaves; the handler records what it was asked."""

    files: dict[str, bytes] = field(default_factory=lambda: {
        "config.json": b'{"model_type": "qwen2"}', "tokenizer.json": b'{"version": "1.0"}',
        "model.safetensors": WEIGHTS, ".gitattributes": b"*.safetensors filter=lfs",
        "original/consolidated.00.pth": b"not wanted"})
    cut: set[str] = field(default_factory=set)  # files whose next full answer stops halfway
    stall: set[str] = field(default_factory=set)  # files whose answer stops halfway until `release` is set
    wrong_sha: set[str] = field(default_factory=set)
    extra: list[dict] = field(default_factory=list)  # hostile listing entries
    overlong: set[str] = field(default_factory=set)  # files sent with more bytes than listed
    next_page: str = ""  # a Link to another page of the Hugging Face listing
    origin: str = ""
    release: threading.Event = field(default_factory=threading.Event)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, Range header)

    def sha256(self, name: str) -> str:
        return "0" * 64 if name in self.wrong_sha else hashlib.sha256(self.files[name]).hexdigest()

    def hf_tree(self) -> list[dict]:
        entries: list[dict] = [{"type": "directory", "path": "original", "oid": "a" * 40, "size": 0}]
        for name, data in self.files.items():
            entry = {"type": "file", "path": name, "size": len(data),
                     "oid": hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()}
            if name.endswith(".safetensors"):
                entry["lfs"] = {"oid": self.sha256(name), "size": len(data), "pointerSize": 134}
            entries.append(entry)
        return entries + self.extra

    def modelscope_listing(self) -> dict:
        files = [{"Name": name.rsplit("/", 1)[-1], "Path": name, "Size": len(data), "Sha256": self.sha256(name),
                  "Type": "blob", "Revision": "abc"} for name, data in self.files.items()]
        files += [{"Name": "original", "Path": "original", "Size": 0, "Sha256": None, "Type": "tree"}]
        files += [{"Path": e["path"], "Size": e.get("size", 1), "Type": "blob"} for e in self.extra]
        return {"Code": 200, "Success": True, "Data": {"Files": files}}


def handler_for(current: dict[str, Hub]) -> type[QuietHandler]:
    """A handler serving whichever Hub the running test put in ``current`` (one server for the whole module)."""
    hf_prefix, ms_prefix = f"/{MODEL}/resolve/main/", f"/models/{MODEL}/resolve/master/"

    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            hub = current["hub"]
            hub.requests.append((self.path, self.headers.get("Range", "")))
            if self.path == f"/api/models/{MODEL}/tree/main?recursive=true":
                self.send_listing(json.dumps(hub.hf_tree()).encode(), hub.next_page)
            elif self.path == f"/api/v1/models/{MODEL}/repo/files?Revision=master&Recursive=true":
                self.reply(200, json.dumps(hub.modelscope_listing()).encode())
            elif self.path.startswith((hf_prefix, ms_prefix)):
                self.send_file(self.path.split("/resolve/", 1)[1].split("/", 1)[1])
            else:  # a gated repo answers 401 to a client without an accepted licence
                self.reply(401 if "meta-llama" in self.path else 404, b'{"error": "no access"}')

        def send_listing(self, data: bytes, next_page: str) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            if next_page:
                self.send_header("Link", f'<{next_page}>; rel="next"')
            self.end_headers()
            self.wfile.write(data)

        def send_file(self, name: str) -> None:
            hub = current["hub"]
            data = hub.files[name] + (b"x" * 5000 if name in hub.overlong else b"")
            start = int(self.headers["Range"].split("=")[1].rstrip("-")) if self.headers.get("Range") else 0
            self.send_response(206 if start else 200)
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.send_header("Content-Length", str(len(data) - start))
            self.end_headers()
            if start == 0 and (name in hub.cut or name in hub.stall):
                self.wfile.write(data[:len(data) // 2])
                self.wfile.flush()
                hub.cut.discard(name)
                if name in hub.stall:
                    hub.release.wait(20)
                self.close_connection = True
                return
            self.wfile.write(data[start:])

    return Handler


@pytest.fixture(scope="module")
def hub_server():
    current: dict[str, Hub] = {}
    with serve(handler_for(current)) as origin:
        yield origin, current


@pytest.fixture
def hub(hub_server):
    origin, current = hub_server
    current["hub"] = state = Hub(origin=origin)
    yield state
    state.release.set()


async def run(models_dir: Path, hub: Hub, source: str = "huggingface", free: int = PLENTY) -> list[DownloadProgress]:
    return [p async for p in download_model(MODEL, models_dir, source, hub.origin, free_space=lambda _: free)]


def file_requests(hub: Hub) -> list[tuple[str, str]]:
    return [(path, ranged) for path, ranged in hub.requests if "/resolve/" in path]


@pytest.mark.parametrize("source", ["huggingface", "modelscope"])
async def test_a_complete_download_is_verified_and_marked(tmp_path, hub, source):
    progress = await run(tmp_path, hub, source)
    folder = installed_folder(tmp_path, MODEL)
    assert folder == folder_for(tmp_path, MODEL)
    assert (folder / "model.safetensors").read_bytes() == WEIGHTS
    assert sorted(p.name for p in folder.iterdir()) == [COMPLETE_MARKER, "config.json", "model.safetensors",
                                                        "tokenizer.json"]  # no .gitattributes, no original/
    wanted = len(WEIGHTS) + len(hub.files["config.json"]) + len(hub.files["tokenizer.json"])
    assert progress[-1].done_bytes == progress[-1].total_bytes == wanted
    assert len(file_requests(hub)) == 3
    await run(tmp_path, hub, source)  # a second call finds it installed and downloads nothing
    assert len(file_requests(hub)) == 3


async def test_a_download_cut_midway_resumes_with_a_range_request(tmp_path, hub):
    hub.cut.add("model.safetensors")
    with pytest.raises(NetworkError, match="model.safetensors"):
        await run(tmp_path, hub)
    part = folder_for(tmp_path, MODEL) / ("model.safetensors" + PART_SUFFIX)
    assert part.stat().st_size == len(WEIGHTS) // 2
    assert installed_folder(tmp_path, MODEL) is None
    await run(tmp_path, hub)
    assert file_requests(hub)[-1] == (f"/{MODEL}/resolve/main/model.safetensors", f"bytes={len(WEIGHTS) // 2}-")
    assert (installed_folder(tmp_path, MODEL) / "model.safetensors").read_bytes() == WEIGHTS
    assert not part.exists()


@pytest.mark.parametrize("source", ["huggingface", "modelscope"])
async def test_a_bad_checksum_is_a_clear_error_and_nothing_is_marked_complete(tmp_path, hub, source):
    hub.wrong_sha.add("model.safetensors")
    with pytest.raises(DownloadError, match="checksum") as caught:
        await run(tmp_path, hub, source)
    assert "try the other source" in caught.value.hint
    folder = folder_for(tmp_path, MODEL)
    assert not (folder / COMPLETE_MARKER).exists() and installed_folder(tmp_path, MODEL) is None
    assert not (folder / "model.safetensors").exists() and not (folder / ("model.safetensors" + PART_SUFFIX)).exists()


async def test_a_small_git_file_is_checked_against_its_blob_id(tmp_path, hub):
    tree = hub.hf_tree()
    hub.hf_tree = lambda: [{**e, "oid": "b" * 40} if e["path"] == "config.json" else e for e in tree]
    with pytest.raises(DownloadError, match="config.json arrived damaged"):
        await run(tmp_path, hub)


async def test_too_little_disk_is_refused_before_any_byte(tmp_path, hub):
    with pytest.raises(DownloadError, match="Not enough disk space"):
        await run(tmp_path, hub, free=len(WEIGHTS))
    assert file_requests(hub) == []
    assert not any(folder_for(tmp_path, MODEL).iterdir())


@pytest.mark.parametrize("source", ["huggingface", "modelscope"])
@pytest.mark.parametrize("path", ["../evil.json", "/etc/evil.json", "a/../../evil.json", "C:evil.json",
                                  "dir\\..\\evil.json"])
async def test_paths_outside_the_folder_are_refused(tmp_path, hub, source, path):
    hub.extra.append({"type": "file", "path": path, "size": 5, "oid": "c" * 40})
    with pytest.raises(DownloadError, match="outside the model's folder"):
        await run(tmp_path, hub, source)
    assert file_requests(hub) == []
    assert not (tmp_path / "evil.json").exists() and not (tmp_path.parent / "evil.json").exists()


async def test_a_server_sending_more_than_it_listed_is_cut_off(tmp_path, hub):
    hub.overlong.add("model.safetensors")
    with pytest.raises(DownloadError, match="more of model.safetensors than it announced"):
        await run(tmp_path, hub)
    assert installed_folder(tmp_path, MODEL) is None


async def test_a_listing_far_larger_than_the_model_is_refused(tmp_path, hub):
    hub.extra.append({"type": "file", "path": "model-2.safetensors", "size": 90 * 10**9, "oid": "d" * 40,
                      "lfs": {"oid": "e" * 64, "size": 90 * 10**9, "pointerSize": 1}})
    with pytest.raises(DownloadError, match="not understood"):
        await run(tmp_path, hub)
    assert file_requests(hub) == []


async def test_endless_listing_pages_and_pages_on_another_host_are_refused(tmp_path, hub):
    hub.next_page = f"{hub.origin}/api/models/{MODEL}/tree/main?recursive=true"
    with pytest.raises(DownloadError, match="not understood") as caught:
        await run(tmp_path, hub)
    assert "more than 10 pages" in caught.value.detail
    hub.next_page = "http://127.0.0.2:9/api/models/x/tree/main"
    with pytest.raises(DownloadError, match="not understood") as caught:
        await run(tmp_path, hub)
    assert "another host" in caught.value.detail and file_requests(hub) == []


async def test_cancel_keeps_the_part_and_a_later_call_resumes(tmp_path, hub):
    hub.stall.add("model.safetensors")
    part = folder_for(tmp_path, MODEL) / ("model.safetensors" + PART_SUFFIX)
    task = asyncio.create_task(run(tmp_path, hub))

    async def half_arrived() -> bool:
        return part.is_file() and part.stat().st_size == len(WEIGHTS) // 2

    await eventually(half_arrived)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert part.stat().st_size == len(WEIGHTS) // 2 and installed_folder(tmp_path, MODEL) is None
    hub.stall.clear()
    hub.release.set()
    await run(tmp_path, hub)
    assert file_requests(hub)[-1][1] == f"bytes={len(WEIGHTS) // 2}-"
    assert (installed_folder(tmp_path, MODEL) / "model.safetensors").read_bytes() == WEIGHTS


async def test_a_gated_model_without_access_says_how_to_get_it(tmp_path, hub):
    with pytest.raises(DownloadError, match="accept this model's licence") as caught:
        await anext(download_model("meta-llama/Llama-3.2-1B-Instruct", tmp_path, "huggingface", hub.origin))
    assert "ModelScope" in caught.value.hint


def test_chinese_users_download_from_modelscope_by_default():
    assert default_source("zh_CN") == "modelscope" and default_source("en") == "huggingface"
