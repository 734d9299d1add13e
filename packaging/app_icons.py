"""The app's icons at every size, made at build time from the one SVG (resources/icons/finetune-studio.svg):
a PNG set, a Windows .ico and a macOS .icns. Both containers hold PNG images, which Windows Vista and later and
macOS 10.7 and later read; they are written here by hand (the formats are a header and a table).

    python packaging/app_icons.py OUT_FOLDER

Runs Qt offscreen (QtSvg renders the SVG), so it works on a build machine without a screen.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "finetune-studio.svg"
NAME = "finetune-studio"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# The icns element type of each PNG (Apple's "icp4"…"ic14"); the @2x types hold twice the pixels.
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512),
              (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512))


def render_pngs(svg: Path = SVG) -> dict[int, bytes]:
    """The SVG drawn at each of PNG_SIZES, as PNG bytes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 (QtSvg needs one)
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not an SVG Qt can draw")
    pngs = {}
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        pngs[size] = bytes(data.data())
    return pngs


def ico(pngs: dict[int, bytes]) -> bytes:
    """A .ico file: ICONDIR, one 16-byte ICONDIRENTRY per image, then the PNG images."""
    sizes = [size for size in ICO_SIZES if size in pngs]
    offset = 6 + 16 * len(sizes)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    entries, images = b"", b""
    for size in sizes:
        data = pngs[size]
        side = size % 256  # 0 means 256 pixels
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset + len(images))
        images += data
    return header + entries + images


def icns(pngs: dict[int, bytes]) -> bytes:
    """A .icns file: "icns" and the file's length, then each element as type, length (with its 8-byte head), PNG."""
    elements = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
                        for kind, size in ICNS_TYPES if size in pngs)
    return b"icns" + struct.pack(">I", 8 + len(elements)) + elements


def make_icons(out: Path, svg: Path = SVG) -> list[Path]:
    """Write OUT/png/NAME-SIZE.png, OUT/NAME.png (256), OUT/NAME.ico and OUT/NAME.icns; returns the paths."""
    pngs = render_pngs(svg)
    (out / "png").mkdir(parents=True, exist_ok=True)
    written = []
    for size, data in pngs.items():
        path = out / "png" / f"{NAME}-{size}.png"
        path.write_bytes(data)
        written.append(path)
    for path, data in ((out / f"{NAME}.png", pngs[256]), (out / f"{NAME}.ico", ico(pngs)),
                       (out / f"{NAME}.icns", icns(pngs))):
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    for made in make_icons(Path(sys.argv[1])):
        print(made)
