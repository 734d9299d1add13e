"""Open chat_100000.jsonl in the Dataset tab (offscreen) and measure what the user feels.

    QT_QPA_PLATFORM=offscreen python bench/editor_open.py [--rows N]

Figures: seconds until the first rows are in the table, until every row is in, until every row is
checked; the longest gap of a 10 ms QTimer heartbeat during the whole load (a stall the user would
see); peak memory. Baseline in the same run: the same file read with the stdlib (json.loads per line,
as the cookbook does) on the GUI thread, whose heartbeat gap is the whole read. Last line: JSON.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import operator
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "bench" / "data"
SHARED = Path(os.environ.get("FINETUNE_SHARED_DIR", ROOT.parent / "shared"))


def all_checked(results: list[object]) -> bool:
    """No row waits for its check. Not ``None not in results``: that calls each result's dataclass __eq__
    (10-30 ms a poll at 100,000 rows), a stall of the bench's own making; identity tests stay in C."""
    return not any(map(operator.is_, results, itertools.repeat(None)))


class Heartbeat:
    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.last, self.longest = time.perf_counter(), 0.0
        self.gaps: list[tuple[float, float]] = []  # (gap, when) of the worst stalls
        self.timer = QTimer(interval=10, timeout=self.beat)
        self.timer.start()

    def beat(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        if now - self.last > 0.1:
            self.gaps.append((round(now - self.last, 3), round(now, 2)))
        self.last = now


async def measure(path: Path) -> dict[str, float]:
    from core.dataset.tokens import encoding
    from core.profiles import ProfileService
    from core.settings import SettingsStore
    from gui.app import create_window
    from tests.gui.conftest import until

    service = ProfileService(SettingsStore())
    service.open_keys_later()  # as the app starts (gui.app.run_app): the keyring opens in a worker thread
    window = create_window(service)
    window.show()
    window.open_keys()
    tab = window.dataset_tab
    tab.warm_up()  # as the app does once its window is shown
    while not encoding.cache_info().currsize:
        await asyncio.sleep(0.05)
    window.tabs.setCurrentWidget(tab)
    expected = sum(1 for line in path.open("rb") if line.strip())
    await asyncio.sleep(0.2)
    heartbeat = Heartbeat()
    started = time.perf_counter()
    task = asyncio.ensure_future(tab.files.open_path(path))
    await until(lambda: tab.model.rowCount() > 0, timeout=60)
    first = time.perf_counter() - started
    await until(lambda: tab.model.rowCount() >= expected, timeout=120)
    all_rows = time.perf_counter() - started
    await task
    await until(lambda: all_checked(tab.model.document.results), timeout=300)
    checked = time.perf_counter() - started
    tab.view.scrollToBottom()
    await asyncio.sleep(0.1)
    longest = heartbeat.longest
    print("stalls over 100 ms (seconds, at):", [(g, round(t - started, 2)) for g, t in heartbeat.gaps],
          file=sys.stderr)
    window.dataset_tab.undo.setClean()
    window.close()
    return {"first_rows_seconds": round(first, 3), "all_rows_seconds": round(all_rows, 2),
            "checked_seconds": round(checked, 2), "longest_stall_ms": round(longest * 1000),
            "rows": len(tab.model.document)}


async def baseline(path: Path) -> dict[str, float]:
    heartbeat = Heartbeat()
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    await asyncio.sleep(0.05)
    return {"baseline_seconds": round(time.perf_counter() - started, 2),
            "baseline_stall_ms": round(heartbeat.longest * 1000), "baseline_rows": len(rows)}


def run(what: str, path: Path) -> dict[str, float]:
    import qasync
    from PySide6.QtWidgets import QApplication

    os.environ["FINETUNE_STUDIO_HOME"] = tempfile.mkdtemp(prefix="ft-bench-")
    app = QApplication.instance() or QApplication([])
    app.setQuitOnLastWindowClosed(False)
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        figures = runner.run(measure(path) if what == "ours" else baseline(path))
    figures["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] in ("ours", "baseline"):
        print(json.dumps(run(sys.argv[1], Path(sys.argv[2]))))
        return
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 100_000
    chat = DATA / f"chat_{rows}.jsonl"
    if not chat.exists():
        subprocess.run([sys.executable, str(SHARED / "bench" / "make_datasets.py"), str(DATA), "--rows", str(rows)],
                       check=True)
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    figures: dict[str, float] = {}
    for what in ("ours", "baseline"):
        result = subprocess.run([sys.executable, __file__, what, str(chat)], capture_output=True, text=True, env=env)
        if result.returncode:
            raise SystemExit(result.stderr[-3000:])
        measured = json.loads(result.stdout.strip().splitlines()[-1])
        if what == "baseline":
            measured = {("baseline_peak_mib" if k == "peak_mib" else k): v for k, v in measured.items()}
        figures.update(measured)
    print(f"{chat.name}: first rows in the table after {figures['first_rows_seconds']:.2f} s, all "
          f"{figures['rows']:,} rows after {figures['all_rows_seconds']:.2f} s, all checked after "
          f"{figures['checked_seconds']:.2f} s; longest stall {figures['longest_stall_ms']} ms; "
          f"peak {figures['peak_mib']} MiB")
    print(f"baseline (stdlib json on the GUI thread): {figures['baseline_seconds']:.2f} s with one stall of "
          f"{figures['baseline_stall_ms']} ms, peak {figures['baseline_peak_mib']} MiB")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
