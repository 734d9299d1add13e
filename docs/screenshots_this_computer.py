"""Screenshots of the "This computer" profile in English and Chinese: the Training tab with a job trained for real
on a tiny model made here (its loss chart), and the Get models dialog (the catalogue, what fits this computer).

Run: QT_QPA_PLATFORM=offscreen python docs/screenshots_this_computer.py   (needs the `local` extra)
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["FINETUNE_STUDIO_HOME"] = tempfile.mkdtemp(prefix="ft-shots-")

from screenshots import run_offscreen  # noqa: E402  (docs/ is on sys.path when run as a script)
from screenshots_providers import capture  # noqa: E402

from core.local.launcher import LocalLauncher  # noqa: E402
from core.paths import this_computer_dirs  # noqa: E402
from core.profiles import ProfileService  # noqa: E402
from core.providers.records import Hyperparameters, JobRequest  # noqa: E402
from core.providers.registry import spec_for  # noqa: E402
from core.secrets import SessionStore  # noqa: E402
from core.settings import SettingsStore, new_profile  # noqa: E402
from core.training.jobs import watch  # noqa: E402
from gui.app import create_window  # noqa: E402
from gui.get_model_dialog import GetModelDialog  # noqa: E402

DATA = ROOT / "resources" / "samples" / "demo_support.jsonl"
OUT = ROOT / "docs" / "screenshots"


def tiny_model(folder: Path) -> Path:
    """A small random-weight chat model (as the tests make it), built in another process: the window's process never
    loads PyTorch."""
    subprocess.run([sys.executable, "-c", "import sys, pathlib; from tests.local.tiny_model import make_tiny_model; "
                    "make_tiny_model(pathlib.Path(sys.argv[1]))", str(folder)], check=True, cwd=ROOT)
    return folder


async def shoot() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    launcher = LocalLauncher(*this_computer_dirs())
    service = ProfileService(SettingsStore(), keys=SessionStore(), this_computer=launcher)
    service.activate(service.save_profile(new_profile(spec_for("this_computer").kind, "本机"), "").id)
    window = create_window(service)
    window.resize(1100, 720)
    window.show()
    try:
        tab = window.training_tab
        window.tabs.setCurrentWidget(tab)
        provider = await tab.session()
        model = tiny_model(Path(tempfile.mkdtemp(prefix="models-")) / "tiny-chat")
        uploaded = await provider.upload(DATA)
        job = await provider.create_job(JobRequest(str(model), uploaded.id, suffix="support",
                                                   hyperparameters=Hyperparameters(n_epochs=3)))
        async for _ in watch(provider, job.id, interval=0.5):
            pass
        await tab.refresh()
        tab.jobs_view.selectRow(0)
        tab.use_file(DATA)
        tab.form.model_combo.setCurrentText("Qwen/Qwen2.5-0.5B-Instruct")
        await asyncio.sleep(3)
        await capture(window, "training-this-computer")
        dialog = GetModelDialog(provider, window)
        dialog.open()
        await dialog.reload()
        dialog.view.selectRow(0)
        for language in ("en", "zh_CN"):
            window.languages.apply(language)
            await asyncio.sleep(1.0)  # the verdicts come again from the server, in that language
            dialog.grab().save(str(OUT / f"get-models-{language}.png"))
        window.languages.apply("en")
        dialog.reject()
    finally:
        window.close()
        launcher.stop()
    print(f"saved This computer screenshots to {OUT}")


if __name__ == "__main__":
    run_offscreen(shoot)
