"""The hardware check's verdicts for made-up computers, and the time estimate."""

from __future__ import annotations

import json

import pytest

from core.local.catalogue import GB, catalogue, find
from core.local.hardware import (
    CPU_MAX_PARAMETERS,
    Gpu,
    Hardware,
    check,
    detect,
    estimate_seconds,
    ram_bytes,
    throughput,
)

SMALL, MIDDLE, LARGE = find("Qwen/Qwen2.5-0.5B-Instruct"), find("Qwen/Qwen2.5-3B-Instruct"), find("Qwen/Qwen3-8B")


def computer(*gpus: Gpu, ram: float = 32, disk: float = 500) -> Hardware:
    return Hardware(gpus=gpus, ram_bytes=int(ram * GB), free_disk_bytes=int(disk * GB), cpu_count=8)


def test_a_big_gpu_trains_every_catalogue_model():
    big = computer(Gpu("NVIDIA GeForce RTX 4090", 24 * GB, "cuda"))
    for entry in catalogue():
        fit = check(entry, big)
        assert fit.fits and fit.device == "cuda", (entry.id, fit.reason)
    assert "RTX 4090 has 24 GB" in check(LARGE, big).reason


def test_a_small_gpu_refuses_a_large_model_with_the_numbers():
    fit = check(LARGE, computer(Gpu("GTX 1660", 6 * GB, "cuda")))
    assert not fit.fits and fit.device == "cuda"
    assert "needs about 18 GB of GPU memory; this computer has 6.0 GB" in fit.reason


def test_a_small_gpu_trains_a_small_model_and_the_largest_of_several_cards_counts():
    assert check(SMALL, computer(Gpu("GTX 1660", 6 * GB, "cuda"))).device == "cuda"
    fit = check(MIDDLE, computer(Gpu("a", 4 * GB, "cuda"), Gpu("b", 12 * GB, "cuda")))
    assert fit.fits and " b has 12 GB" in fit.reason


def test_a_gpu_too_small_even_for_a_small_model_falls_back_to_the_processor():
    fit = check(SMALL, computer(Gpu("old card", 2 * GB, "cuda")))
    assert fit.fits and fit.device == "cpu" and "slowly" in fit.reason


def test_without_a_gpu_only_small_models_train_and_the_user_is_told_it_is_slow():
    cpu_only = computer()
    fit = check(SMALL, cpu_only)
    assert fit.fits and fit.device == "cpu"
    assert "processor" in fit.reason and "hours" in fit.reason
    assert all(check(entry, cpu_only).fits == (entry.parameters <= CPU_MAX_PARAMETERS) for entry in catalogue())
    refused = check(MIDDLE, cpu_only)
    assert not refused.fits and "1.5B" in refused.reason


def test_without_a_gpu_little_memory_refuses_even_a_small_model():
    fit = check(find("Qwen/Qwen2.5-1.5B-Instruct"), computer(ram=4))
    assert not fit.fits and "needs about 8.2 GB of memory; this computer has 4.0 GB" in fit.reason


def test_apple_mps_trains_what_its_shared_memory_holds():
    mac = computer(Gpu("Apple GPU (MPS)", 16 * GB, "mps"), ram=24)
    assert check(MIDDLE, mac).fits and check(MIDDLE, mac).device == "mps"
    assert not check(LARGE, mac).fits


def test_too_little_disk_is_refused_unless_the_model_is_already_downloaded():
    tight = computer(Gpu("RTX 4090", 24 * GB, "cuda"), disk=5)
    fit = check(MIDDLE, tight)
    assert not fit.fits and "disk space" in fit.reason
    assert check(MIDDLE, tight, installed=True).fits


def test_time_estimate_follows_the_measured_throughput():
    assert estimate_seconds(6000, 60.0) == pytest.approx(100.0)
    assert estimate_seconds(1000, 0) == float("inf")
    for device in ("cuda", "mps", "cpu"):
        speeds = [throughput(device, entry.parameters) for entry in catalogue()]
        assert speeds == sorted(speeds, reverse=True) and all(speed > 0 for speed in speeds)
    assert throughput("cuda", SMALL.parameters) > throughput("mps", SMALL.parameters) > throughput("cpu",
                                                                                                   SMALL.parameters)
    assert 0 < throughput("cpu", 70 * 10**9) < throughput("cpu", LARGE.parameters)


def test_this_computer_is_described_without_touching_a_gpu(tmp_path):
    hardware = detect(tmp_path / "not yet", gpus=lambda: ())
    assert hardware.gpus == () and hardware.ram_bytes == ram_bytes() > 0
    assert hardware.free_disk_bytes > 0 and hardware.cpu_count >= 1
    assert json.loads(json.dumps(hardware.to_dict()))["gpus"] == []
