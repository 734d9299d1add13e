"""Cold start to a visible main window: median of 5 fresh `python main.py --smoke` processes.

Baseline, measured in the same run: a fresh process that imports PySide6 and shows an empty
QMainWindow, so the ratio shows what FineTune Studio adds on top of Qt itself (issue 21: at most 2x, and 0.5 s).
Like any second launch, the app runs with its bytecode cached: the warm-up launch writes it even where
PYTHONDONTWRITEBYTECODE is set, so a changed module is not compiled again in every measured launch.
Prints one JSON line last: {"seconds": ..., "baseline_seconds": ..., "ratio": ..., "target": 2, ...}
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
TARGET_RATIO = 2.0  # the ratio to the bare Qt window: what the machine's load changes least
TARGET_SECONDS = 0.5
BASELINE = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.show()
QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
app.exec()
"""


def time_until_shown(args: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning the process until it prints that the window is shown."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    line = process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.wait(timeout=60)
    if "shown" not in line or process.returncode != 0:
        raise SystemExit(f"{args} did not report a shown window: {line!r} (exit {process.returncode})")
    return elapsed


def main() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               FINETUNE_STUDIO_HOME=tempfile.mkdtemp(prefix="ft-bench-"))
    app_args = [sys.executable, str(ROOT / "main.py"), "--smoke"]
    base_args = [sys.executable, "-c", BASELINE]
    warm_env = {name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"}
    time_until_shown(app_args, warm_env)  # warm the OS file cache and write the bytecode, like any second launch
    ours, baseline = [], []
    for _ in range(RUNS):
        ours.append(time_until_shown(app_args, env))
        baseline.append(time_until_shown(base_args, env))
    seconds, base = statistics.median(ours), statistics.median(baseline)
    print(f"FineTune Studio: median {seconds:.3f} s over {RUNS} launches ({', '.join(f'{t:.2f}' for t in ours)})")
    print(f"bare Qt window:  median {base:.3f} s")
    ratio = seconds / base
    print(f"target: {TARGET_RATIO}x and {TARGET_SECONDS} s -> "
          f"{'OK' if ratio <= TARGET_RATIO else 'TOO SLOW'} ({ratio:.2f}x)")
    print(json.dumps({"seconds": round(seconds, 3), "baseline_seconds": round(base, 3),
                      "ratio": round(ratio, 2), "target": TARGET_RATIO, "target_seconds": TARGET_SECONDS,
                      "ok": ratio <= TARGET_RATIO and seconds <= TARGET_SECONDS}))


if __name__ == "__main__":
    main()
