"""What this computer can train, said honestly before anything is downloaded: its graphics cards, memory and disk,
whether a catalogue model fits, and about how long training takes.

The graphics cards are asked through torch in a short child process, not in this one: initialising CUDA creates a
context that holds GPU memory for as long as the process lives, and this process (the app, or the local server)
lives while the training worker needs that memory. It also keeps torch out of every process but the engine's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from core.i18n import tr
from core.local.catalogue import GB, CatalogueEntry

PROBE_TIMEOUT = 120  # seconds: importing torch on a slow disk, with a cold cache, can take a minute
# The child's script: JSON on stdout, nothing else. MPS shares the computer's memory; recommended_max_memory is
# what Metal lets one process use (torch >= 2.3), otherwise two thirds of it is a fair guess.
_PROBE = """
import json
gpus = []
try:
    import torch
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            p = torch.cuda.get_device_properties(i)
            gpus.append({"name": p.name, "memory_bytes": int(p.total_memory), "kind": "cuda"})
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        size = getattr(torch.mps, "recommended_max_memory", lambda: 0)()
        gpus.append({"name": "Apple GPU (MPS)", "memory_bytes": int(size), "kind": "mps"})
except Exception:
    pass
print(json.dumps(gpus))
"""
CPU_MAX_PARAMETERS = 1_600_000_000  # the processor trains models up to ~1.5B (Qwen2.5-1.5B has 1.54B); beyond: days
DISK_MARGIN = 2 * GB  # room kept free beside a download for checkpoints and the adapter

# Training throughput in trained tokens per second (LoRA, short rows), per device kind and model size: each row is
# (largest parameter count, tokens/s). Deliberately conservative, to promise less than the user gets:
# - cpu: MEASURED on this project's 2-core build machine (no GPU): a random-weight model of Qwen2.5-0.5B's shape
#   (fp32, LoRA r=8 on all seven projections, AdamW, one 256-token row a step) trained at 20 tokens/s; a typical
#   8-core laptop does better. Larger rows scale that down by parameter count.
# - cuda, mps: NOT measured yet (no GPU was available): cautious guesses, roughly 100x and 20x the CPU figure, well
#   below what a current consumer NVIDIA card or an M-series Mac reaches. Replace them with bench/local_train.py
#   figures from real hardware.
THROUGHPUT: dict[str, tuple[tuple[int, float], ...]] = {
    "cuda": ((1_000_000_000, 2000.0), (2_000_000_000, 1000.0), (4_500_000_000, 500.0), (9_000_000_000, 250.0)),
    "mps": ((1_000_000_000, 400.0), (2_000_000_000, 200.0), (4_500_000_000, 100.0), (9_000_000_000, 50.0)),
    "cpu": ((1_000_000_000, 20.0), (2_000_000_000, 8.0), (4_500_000_000, 4.0), (9_000_000_000, 2.0)),
}


@dataclass(frozen=True)
class Gpu:
    name: str
    memory_bytes: int
    kind: str  # "cuda" | "mps"


@dataclass(frozen=True)
class Hardware:
    """What this computer has; made-up values describe another computer in tests and previews."""

    gpus: tuple[Gpu, ...]
    ram_bytes: int
    free_disk_bytes: int
    cpu_count: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Fit:
    """Whether a model trains here, where, and why in plain words (shown to the user as is)."""

    fits: bool
    device: str  # "cuda" | "mps" | "cpu": where it trains, or where it came closest
    reason: str


def _gb(size: int) -> str:
    return f"{size / GB:,.0f}" if size >= 10 * GB else f"{size / GB:,.1f}"


def ram_bytes() -> int:
    """The computer's memory: /proc/meminfo on Linux, sysconf on other Unixes, GlobalMemoryStatusEx on Windows."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    if hasattr(os, "sysconf"):
        try:
            return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError):
            pass
    return _windows_ram()


def _windows_ram() -> int:
    import ctypes

    class MemoryStatus(ctypes.Structure):
        _fields_ = [("length", ctypes.c_ulong), ("load", ctypes.c_ulong), ("total", ctypes.c_ulonglong),
                    ("available", ctypes.c_ulonglong), ("page_total", ctypes.c_ulonglong),
                    ("page_available", ctypes.c_ulonglong), ("virtual_total", ctypes.c_ulonglong),
                    ("virtual_available", ctypes.c_ulonglong), ("extended", ctypes.c_ulonglong)]

    status = MemoryStatus(length=ctypes.sizeof(MemoryStatus))
    try:
        if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
            return int(status.total)
    except (AttributeError, OSError):
        pass
    return 0


def free_disk_bytes(folder: Path) -> int:
    """Free space where ``folder`` is (or will be: its nearest existing parent)."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return shutil.disk_usage(candidate).free
    return 0


def probe_gpus() -> tuple[Gpu, ...]:
    """The graphics cards torch can use, asked in a child process; none when torch is missing or fails."""
    try:
        done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=PROBE_TIMEOUT,
                              check=False)
        found = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 and done.stdout else []
        return tuple(Gpu(str(g["name"])[:200], int(g["memory_bytes"]), g["kind"]) for g in found
                     if g.get("kind") in ("cuda", "mps"))
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, TypeError, IndexError):
        return ()


def detect(models_dir: Path, gpus: Callable[[], tuple[Gpu, ...]] = probe_gpus) -> Hardware:
    """This computer's hardware. Slow (seconds: the GPU probe imports torch), so callers ask once and keep it."""
    return Hardware(gpus=gpus(), ram_bytes=ram_bytes(), free_disk_bytes=free_disk_bytes(models_dir),
                    cpu_count=os.cpu_count() or 1)


def throughput(device: str, parameters: int) -> float:
    """Trained tokens per second to expect for a model of ``parameters`` on ``device`` (THROUGHPUT says whence)."""
    rows = THROUGHPUT.get(device, THROUGHPUT["cpu"])
    return next((speed for largest, speed in rows if parameters <= largest), rows[-1][1] * rows[-1][0] / parameters)


def estimate_seconds(tokens: int, tokens_per_second: float) -> float:
    """How long training ``tokens`` trained tokens (rows' tokens times epochs) takes at ``tokens_per_second``."""
    return max(0, tokens) / tokens_per_second if tokens_per_second > 0 else float("inf")


def _best_gpu(hardware: Hardware) -> Gpu | None:
    """The card with the most memory: with several, accelerate puts a whole copy of the model on each."""
    return max(hardware.gpus, key=lambda gpu: gpu.memory_bytes, default=None)


def _gpu_fit(entry: CatalogueEntry, gpu: Gpu) -> Fit:
    if gpu.memory_bytes >= entry.gpu_memory_bytes:
        return Fit(True, gpu.kind, tr("Fits: needs about {need} GB of GPU memory; {name} has {have} GB.").format(
            need=_gb(entry.gpu_memory_bytes), name=gpu.name, have=_gb(gpu.memory_bytes)))
    return Fit(False, gpu.kind, tr("Too large: needs about {need} GB of GPU memory; this computer has {have} GB. "
                                   "Choose a smaller model.").format(need=_gb(entry.gpu_memory_bytes),
                                                                     have=_gb(gpu.memory_bytes)))


def _cpu_fit(entry: CatalogueEntry, hardware: Hardware) -> Fit:
    if entry.parameters > CPU_MAX_PARAMETERS:
        return Fit(False, "cpu", tr("Too large for training on the processor: this computer has no suitable graphics "
                                    "card, and without one only models up to about 1.5B parameters train in a "
                                    "reasonable time. Choose a smaller model or use a cloud provider."))
    if hardware.ram_bytes < entry.cpu_memory_bytes:
        return Fit(False, "cpu", tr("Too large: training on the processor needs about {need} GB of memory; this "
                                    "computer has {have} GB.").format(need=_gb(entry.cpu_memory_bytes),
                                                                       have=_gb(hardware.ram_bytes)))
    speed = throughput("cpu", entry.parameters)
    return Fit(True, "cpu", tr("Fits, but slowly: with no suitable graphics card it trains on the processor at "
                               "roughly {speed:,.0f} tokens per second, so 100,000 training tokens take about "
                               "{hours:,.1f} hours.").format(speed=speed,
                                                             hours=estimate_seconds(100_000, speed) / 3600))


def _disk_fit(entry: CatalogueEntry, hardware: Hardware) -> Fit | None:
    need = entry.download_bytes + DISK_MARGIN
    if hardware.free_disk_bytes >= need:
        return None
    return Fit(False, "cpu", tr("Not enough disk space: the download needs about {need} GB free; there are {have} GB. "
                                "Free some space or choose another models folder.").format(
        need=_gb(need), have=_gb(hardware.free_disk_bytes)))


def check(entry: CatalogueEntry, hardware: Hardware, installed: bool = False) -> Fit:
    """Whether ``entry`` trains on ``hardware``: on the best graphics card when it fits there, else on the processor
    for small models, else refused with the numbers that decided it. ``installed`` skips the disk check."""
    lacking_disk = None if installed else _disk_fit(entry, hardware)
    gpu = _best_gpu(hardware)
    verdict = _gpu_fit(entry, gpu) if gpu is not None else _cpu_fit(entry, hardware)
    if gpu is not None and not verdict.fits:
        fallback = _cpu_fit(entry, hardware)
        verdict = fallback if fallback.fits else verdict
    if lacking_disk is not None and verdict.fits:
        return Fit(False, verdict.device, lacking_disk.reason)
    return verdict
