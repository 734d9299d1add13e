"""Bulk fixes on a 100,000-row file in the Dataset tab (offscreen), and undoing them: what the user feels.

    QT_QPA_PLATFORM=offscreen python bench/editor_fix.py [--rows N]

The bench data has nothing to fix, so a messy copy of chat_N.jsonl is made once: every text padded with
spaces and a line break, every 20th row a copy of the row before, every other row without its system
message. The tab opens it; then, one after the other: Trim whitespace (changes every row), Drop duplicates,
Add a system message, each answered Apply at once and timed from the menu click until every row is
checked and the summary counts them all; then each is undone, timed the same way. A 10 ms QTimer
heartbeat measures the longest event-loop stall of each step. Baseline in the same run: the fix itself
(core.dataset.fixes on a plain list of rows, no GUI, no checking), so the ratio shows what the editor
adds on top of the bare fix. Last line: JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DATA = ROOT / "bench" / "data"
SHARED = Path(os.environ.get("FINETUNE_SHARED_DIR", ROOT.parent / "shared"))
SYSTEM = "You are ACME's support assistant."
FIXES = ("trim", "dedupe", "add_system")


def make_messy(source: Path, target: Path) -> None:
    """A copy of ``source`` that every fix of the bench has work in."""
    lines = source.read_text(encoding="utf-8").splitlines()
    out = []
    for index, line in enumerate(lines):
        if index % 20 == 19:
            out.append(out[-1])
            continue
        data = json.loads(line)
        messages = data["messages"]
        for message in messages:
            message["content"] = f"  {message['content']} \n"
        if index % 2 and messages[0]["role"] == "system":
            del messages[0]
        out.append(json.dumps(data, ensure_ascii=False))
    target.write_text("\n".join(out) + "\n", encoding="utf-8")


def settled(tab: object) -> bool:
    """Every row checked and the summary counting all of them."""
    from editor_open import all_checked

    model = tab.model  # type: ignore[attr-defined]
    report = tab.summary.report  # type: ignore[attr-defined]
    return (not model.read_only and all_checked(model.document.results) and report is not None
            and report.examples == len(model.document) and not tab.checking.tasks.busy("check"))  # type: ignore


async def timed(tab: object, start: object, label: str, figures: dict[str, float]) -> None:
    """Run ``start()``, wait until the tab settles; seconds and longest stall go into ``figures``."""
    from editor_open import Heartbeat

    from tests.gui.conftest import until

    before = list(tab.model.document.rows)  # type: ignore[attr-defined]
    heartbeat = Heartbeat()
    started = time.perf_counter()
    start()  # type: ignore[operator]
    await until(lambda: tab.model.document.rows != before and settled(tab), timeout=300)  # type: ignore
    figures[f"{label}_seconds"] = round(time.perf_counter() - started, 2)
    await asyncio.sleep(0.05)
    heartbeat.timer.stop()
    figures[f"{label}_stall_ms"] = round(heartbeat.longest * 1000)
    print(f"{label}: stalls over 100 ms (seconds, at):", [(g, round(t - started, 2)) for g, t in heartbeat.gaps],
          file=sys.stderr)


async def measure(path: Path) -> dict[str, float]:
    from PySide6.QtWidgets import QMessageBox

    import gui.dataset.fix_menu as fix_menu
    from core.dataset.tokens import encoding
    from core.profiles import ProfileService
    from core.settings import SettingsStore
    from gui.app import create_window
    from tests.gui.conftest import until

    async def apply(*_: object) -> QMessageBox.StandardButton:
        return QMessageBox.StandardButton.Apply

    async def system_text(*_: object) -> str:
        return SYSTEM

    fix_menu.ask, fix_menu.ask_text = apply, system_text  # the user answers at once
    service = ProfileService(SettingsStore())
    service.open_keys_later()  # as the app starts (gui.app.run_app): the keyring opens in a worker thread
    window = create_window(service)
    window.show()
    window.open_keys()
    tab = window.dataset_tab
    tab.warm_up()
    while not encoding.cache_info().currsize:
        await asyncio.sleep(0.05)
    window.tabs.setCurrentWidget(tab)
    await tab.files.open_path(path)
    await until(lambda: settled(tab), timeout=300)
    figures: dict[str, float] = {"rows": len(tab.model.document)}
    actions = {"trim": tab.actions.trim, "dedupe": tab.actions.dedupe, "add_system": tab.actions.add_system}
    for name in FIXES:
        await timed(tab, actions[name].trigger, name, figures)
    figures["rows_after"] = len(tab.model.document)
    for name in reversed(FIXES):
        await timed(tab, tab.undo_action.trigger, f"undo_{name}", figures)
    figures["rows_undone"] = len(tab.model.document)
    tab.undo.setClean()
    window.close()
    return figures


def baseline(path: Path) -> dict[str, float]:
    from core.dataset import fixes
    from core.dataset.io import read_rows

    rows = read_rows(path)[0]
    figures: dict[str, float] = {}
    for name, fix in (("trim", fixes.trim_whitespace), ("dedupe", fixes.drop_duplicates),
                      ("add_system", lambda r: fixes.add_system_message(r, SYSTEM))):
        started = time.perf_counter()
        rows = fix(rows).rows
        figures[f"baseline_{name}_seconds"] = round(time.perf_counter() - started, 2)
    return figures


def run(what: str, path: Path) -> dict[str, float]:
    if what == "baseline":
        return baseline(path)
    import qasync
    from PySide6.QtWidgets import QApplication

    os.environ["FINETUNE_STUDIO_HOME"] = tempfile.mkdtemp(prefix="ft-bench-")
    app = QApplication.instance() or QApplication([])
    app.setQuitOnLastWindowClosed(False)
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        return runner.run(measure(path))


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] in ("ours", "baseline"):
        print(json.dumps(run(sys.argv[1], Path(sys.argv[2]))))
        return
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 100_000
    chat, messy = DATA / f"chat_{rows}.jsonl", DATA / f"chat_messy_{rows}.jsonl"
    if not chat.exists():
        subprocess.run([sys.executable, str(SHARED / "bench" / "make_datasets.py"), str(DATA), "--rows", str(rows)],
                       check=True)
    if not messy.exists():
        make_messy(chat, messy)
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    figures: dict[str, float] = {}
    for what in ("ours", "baseline"):
        result = subprocess.run([sys.executable, __file__, what, str(messy)], capture_output=True, text=True, env=env)
        sys.stderr.write(result.stderr[-3000:] if result.returncode else result.stderr)
        if result.returncode:
            raise SystemExit(f"{what} failed")
        figures.update(json.loads(result.stdout.strip().splitlines()[-1]))
    for name in FIXES:
        print(f"{name}: {figures[f'{name}_seconds']:.2f} s to applied and checked, longest stall "
              f"{figures[f'{name}_stall_ms']} ms (the bare fix: {figures[f'baseline_{name}_seconds']:.2f} s); "
              f"undo {figures[f'undo_{name}_seconds']:.2f} s, stall {figures[f'undo_{name}_stall_ms']} ms")
    figures["longest_fix_seconds"] = max(figures[f"{n}_seconds"] for n in FIXES)
    figures["longest_stall_ms"] = max(v for k, v in figures.items() if k.endswith("_stall_ms"))
    print(f"{messy.name}: {figures['rows']:,} rows, {figures['rows_after']:,} after the fixes; slowest fix "
          f"{figures['longest_fix_seconds']:.2f} s (target 3 s), longest stall {figures['longest_stall_ms']} ms "
          f"(target 50 ms)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
