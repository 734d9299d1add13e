"""Local training on the tiny test model and the CPU: our worker against a minimal plain trl script.

    python bench/local_train.py [--runs N]

Both train the same rows for the same steps (same batch size, same max length, LoRA r=16 on all linear
layers, fp32, seed): (a) `python -m core.local.worker JOB` as the local server starts it, timed from its
"started" event to its "finished" event (so its per-epoch checkpoints and the final adapter count against it);
(b) a plain `SFTTrainer` script timed around `trainer.train()`. Throughput is trained tokens per second, the
median of N alternating runs; peak memory is each process's own maximum RSS (os.wait4's rusage).
Then the first-token latency of a chat answer (Answerer, base + the trained adapter; median of 5 after one
warm-up) and this process's peak RSS. Last line: one JSON object with the figures.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.local.job_files import TrainSpec, read_events  # noqa: E402
from tests.local.tiny_model import make_tiny_model, memorisable_rows  # noqa: E402

ROWS, EPOCHS, BATCH, MULTIPLIER, SEED = 96, 2, 8, 1.0, 11
TARGET_RATIO = 0.9  # ours within 10% of plain trl
PLAIN_TRL = r'''
import json, sys, time
from datasets import load_dataset
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import SFTConfig, SFTTrainer
model_dir, data, out, max_length, epochs, batch, lr, seed = sys.argv[1:9]
tokenizer = AutoTokenizer.from_pretrained(model_dir)
model = AutoModelForCausalLM.from_pretrained(model_dir)
config = SFTConfig(output_dir=out, num_train_epochs=int(epochs), per_device_train_batch_size=int(batch),
                   learning_rate=float(lr), max_length=int(max_length), seed=int(seed), bf16=False, report_to="none",
                   disable_tqdm=True, include_num_input_tokens_seen="non_padding", save_strategy="no")
lora = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, target_modules="all-linear", task_type="CAUSAL_LM")
trainer = SFTTrainer(model=model, args=config, train_dataset=load_dataset("json", data_files=data, split="train"),
                     processing_class=tokenizer, peft_config=lora)
start = time.perf_counter()
trainer.train()
print(json.dumps({"seconds": time.perf_counter() - start, "tokens": trainer.state.num_input_tokens_seen}))
'''


def run_child(args: list[str], watch: Path | None = None) -> tuple[str, float, float | None, float | None]:
    """stdout, peak RSS in MiB, and (with ``watch``) when its "started" and "finished" events appeared."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), TOKENIZERS_PARALLELISM="false")
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.DEVNULL, text=True)
        seen: dict[str, float] = {}
        while watch is not None and process.poll() is None and "finished" not in seen:
            for event in read_events(watch, len(seen)):
                seen.setdefault(event["type"], time.perf_counter())
            time.sleep(0.005)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise SystemExit(f"{args[:4]} failed with exit code {process.returncode}")
        out.seek(0)
        return out.read(), usage.ru_maxrss / 1024, seen.get("started"), seen.get("finished")


def ours(model: Path, data: Path, folder: Path) -> tuple[float, int, float]:
    """Seconds from started to finished, trained tokens, peak MiB of one worker run on a fresh job folder."""
    TrainSpec("ftjob-bench", str(model), str(data), None, "supervised", EPOCHS, BATCH, MULTIPLIER, None, SEED) \
        .save(folder)
    _, peak, started, ended = run_child([sys.executable, "-m", "core.local.worker", str(folder)], watch=folder)
    finished = read_events(folder)[-1]
    assert finished["status"] == "succeeded" and started and ended, finished
    return ended - started, finished["trained_tokens"], peak


def plain(model: Path, data: Path, folder: Path, max_length: int) -> tuple[float, int, float]:
    from core.local.engine.train import BASE_LEARNING_RATE

    args = [str(model), str(data), str(folder), str(max_length), str(EPOCHS), str(BATCH),
            str(BASE_LEARNING_RATE * MULTIPLIER), str(SEED)]
    stdout, peak, _, _ = run_child([sys.executable, "-c", PLAIN_TRL, *args])
    result = json.loads(stdout.strip().splitlines()[-1])
    return result["seconds"], result["tokens"], peak


def first_token_seconds(model: Path, adapter: Path) -> float:
    from core.local.engine.answer import Answerer

    answerer = Answerer(str(model), str(adapter))
    question = [{"role": "user", "content": "What colour is the sky?"}]
    times = []
    for _ in range(6):
        started = time.perf_counter()
        stream = answerer.stream(question, max_tokens=16)
        next(stream)
        times.append(time.perf_counter() - started)
        stream.close()
    return statistics.median(times[1:])


def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    work = Path(tempfile.mkdtemp(prefix="ft-bench-local-"))
    model = make_tiny_model(work / "model")
    data = work / "train.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in memorisable_rows(ROWS)), "utf-8")
    from transformers import AutoTokenizer

    from core.local.engine.data import prepare_supervised, read_rows

    max_length = prepare_supervised(AutoTokenizer.from_pretrained(model), read_rows(data)).max_length
    our_runs, plain_runs = [], []
    for run in range(runs):
        our_runs.append(ours(model, data, work / f"job-{run}"))
        plain_runs.append(plain(model, data, work / f"plain-{run}", max_length))
    our_rate = statistics.median(tokens / seconds for seconds, tokens, _ in our_runs)
    plain_rate = statistics.median(tokens / seconds for seconds, tokens, _ in plain_runs)
    ratio = our_rate / plain_rate
    first = first_token_seconds(model, work / "job-0" / "adapter")
    our_peak, plain_peak = max(r[2] for r in our_runs), max(r[2] for r in plain_runs)
    chat_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    steps = EPOCHS * -(-ROWS // BATCH)
    print(f"{ROWS} rows x {EPOCHS} epochs, batch {BATCH}, max length {max_length}: {steps} steps, {runs} runs each")
    print(f"our worker:  {our_rate:,.0f} tokens/s, peak {our_peak:.0f} MiB")
    print(f"plain trl:   {plain_rate:,.0f} tokens/s, peak {plain_peak:.0f} MiB")
    print(f"ratio {ratio:.2f} (target >= {TARGET_RATIO}) -> {'OK' if ratio >= TARGET_RATIO else 'TOO SLOW'}")
    print(f"chat first token: {first * 1000:.0f} ms (Answerer, base + adapter), peak {chat_peak:.0f} MiB")
    print(json.dumps({"tokens_per_s": round(our_rate), "plain_trl_tokens_per_s": round(plain_rate),
                      "ratio": round(ratio, 3), "target_ratio": TARGET_RATIO, "ok": ratio >= TARGET_RATIO,
                      "first_token_ms": round(first * 1000, 1), "worker_peak_mib": round(our_peak),
                      "plain_trl_peak_mib": round(plain_peak), "chat_peak_mib": round(chat_peak)}))


if __name__ == "__main__":
    main()
