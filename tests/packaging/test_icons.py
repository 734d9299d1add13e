"""The build's icon step: PNGs at every size, a multi-size .ico and an .icns, all drawn from the one SVG. The files
are read back by their headers (and by Pillow where it is installed), as Windows and macOS would read them."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import PACKAGING

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def icons(tmp_path_factory) -> Path:
    """The icon step run as build.py runs it (its own process: it starts Qt offscreen)."""
    out = tmp_path_factory.mktemp("icons")
    subprocess.run([sys.executable, str(PACKAGING / "app_icons.py"), str(out)], check=True, timeout=120,
                   capture_output=True)
    return out


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_png_set_has_every_size(icons):
    from app_icons import PNG_SIZES

    for size in PNG_SIZES:
        assert png_size((icons / "png" / f"finetune-studio-{size}.png").read_bytes()) == (size, size)
    assert png_size((icons / "finetune-studio.png").read_bytes()) == (256, 256)


def test_the_ico_holds_each_size_as_png(icons):
    data = (icons / "finetune-studio.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, 7)
    sizes = []
    for entry in range(6, 6 + 16 * count, 16):
        width, height, _, _, planes, bits, length, offset = struct.unpack("<BBBBHHII", data[entry:entry + 16])
        assert (planes, bits) == (1, 32) and offset + length <= len(data)
        image = png_size(data[offset:offset + length])
        assert image == (width or 256, height or 256)  # 0 in the directory means 256
        sizes.append(image[0])
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_the_icns_holds_every_retina_size(icons):
    data = (icons / "finetune-studio.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    found, at = {}, 8
    while at < len(data):
        kind, length = data[at:at + 4], struct.unpack(">I", data[at + 4:at + 8])[0]
        found[kind] = png_size(data[at + 8:at + length])[0]
        at += length
    assert at == len(data)
    assert found == {b"icp4": 16, b"icp5": 32, b"icp6": 64, b"ic07": 128, b"ic08": 256, b"ic09": 512, b"ic10": 1024,
                     b"ic11": 32, b"ic12": 64, b"ic13": 256, b"ic14": 512}


def test_pillow_reads_them_back(icons):
    image = pytest.importorskip("PIL.Image")
    with image.open(icons / "finetune-studio.ico") as ico:
        assert ico.format == "ICO" and {(16, 16), (256, 256)} <= set(ico.info["sizes"])
    with image.open(icons / "finetune-studio.icns") as icns:
        icns.load()
        assert icns.format == "ICNS" and icns.size == (1024, 1024)
    with image.open(icons / "png" / "finetune-studio-64.png") as png:
        assert png.mode == "RGBA" and png.getpixel((0, 0))[3] == 0 and png.getpixel((32, 32))[3] == 255
