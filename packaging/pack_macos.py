"""macOS package: the signed "FineTune Studio.app" in a .dmg (open it, drag the app to Applications). Run on macOS.

Signing: with MACOS_SIGN_IDENTITY set (the release workflow sets it when the repository has an Apple certificate),
the app is signed with that Developer ID and the hardened runtime, ready for notarisation; otherwise ad hoc
(`codesign -s -`), which Apple Silicon requires to run at all. Notarisation is a step of the release workflow."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from pack_common import PACKAGING, Packed, smoke_test

ENTITLEMENTS = PACKAGING / "macos" / "entitlements.plist"
DMG_ATTEMPTS = 3


def sign(app: Path, identity: str) -> None:
    command = ["codesign", "--force", "--deep", "--sign", identity]
    if identity != "-":  # Developer ID: hardened runtime and a secure timestamp, as notarisation requires
        command += ["--options", "runtime", "--timestamp", "--entitlements", str(ENTITLEMENTS)]
    subprocess.run([*command, str(app)], check=True, timeout=900)
    subprocess.run(["codesign", "--verify", "--deep", "--strict", str(app)], check=True, timeout=900)


def dmg(app: Path, target: Path) -> Path:
    """A compressed disk image holding the app and a link to /Applications."""
    with tempfile.TemporaryDirectory(prefix="ft-dmg-") as staging:
        shutil.copytree(app, Path(staging) / app.name, symlinks=True)
        (Path(staging) / "Applications").symlink_to("/Applications")
        target.unlink(missing_ok=True)
        command = ["hdiutil", "create", "-volname", app.stem, "-srcfolder", staging, "-fs", "HFS+", "-format", "UDZO",
                   "-ov", str(target)]
        for attempt in range(DMG_ATTEMPTS):  # hdiutil now and then finds the disk "busy" on CI machines
            if subprocess.run(command, timeout=1800).returncode == 0:
                return target
            time.sleep(10 * (attempt + 1))
    raise RuntimeError(f"hdiutil could not make {target.name} in {DMG_ATTEMPTS} attempts")


def pack(app: Path, out: Path, stem: str) -> Packed:
    sign(app, os.environ.get("MACOS_SIGN_IDENTITY", "").strip() or "-")
    packed = Packed(tests={"app": smoke_test(app / "Contents" / "MacOS" / "FineTuneStudio")})  # signed as shipped
    packed.files.append(dmg(app, out / f"{stem}.dmg"))
    return packed
