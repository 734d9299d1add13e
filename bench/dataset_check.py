"""Full `check` of chat_100000.jsonl against the OpenAI cookbook's data-check loop, in the same run.

    python bench/dataset_check.py [--rows N]

Generates the benchmark files with ../shared/bench/make_datasets.py into bench/data/ (once), then
times, each in a fresh process: (a) `python main.py check chat_N.jsonl --json` and (b) a faithful
re-implementation of the cookbook's "Data preparation and analysis for chat model fine-tuning" loop
(stdlib json, format checks, then tiktoken counts with its num_tokens_from_messages and
num_assistant_tokens_from_messages helpers). Also times the first 1,000 rows checked (tokenizer
already loaded, as the app does at start-up, and cold) and `fix --to-chat`.
Last line: one JSON object with the figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
SHARED = Path(os.environ.get("FINETUNE_SHARED_DIR", ROOT.parent / "shared"))

COOKBOOK = r'''
import json, sys
from collections import defaultdict
from core.dataset.tokens import encoding
encoding = encoding("cl100k_base")  # the cookbook uses cl100k_base
with open(sys.argv[1], "r", encoding="utf-8") as f:
    dataset = [json.loads(line) for line in f]
format_errors = defaultdict(int)
for ex in dataset:
    if not isinstance(ex, dict):
        format_errors["data_type"] += 1; continue
    messages = ex.get("messages", None)
    if not messages:
        format_errors["missing_messages_list"] += 1; continue
    for message in messages:
        if "role" not in message or "content" not in message:
            format_errors["message_missing_key"] += 1
        if any(k not in ("role", "content", "name", "function_call", "weight") for k in message):
            format_errors["message_unrecognized_key"] += 1
        if message.get("role", None) not in ("system", "user", "assistant", "function"):
            format_errors["unrecognized_role"] += 1
        content = message.get("content", None)
        function_call = message.get("function_call", None)
        if (not content and not function_call) or not isinstance(content, str):
            format_errors["missing_content"] += 1
    if not any(message.get("role", None) == "assistant" for message in messages):
        format_errors["example_missing_assistant_message"] += 1
def num_tokens_from_messages(messages, tokens_per_message=3, tokens_per_name=1):
    num_tokens = 0
    for message in messages:
        num_tokens += tokens_per_message
        for key, value in message.items():
            num_tokens += len(encoding.encode(value))
            if key == "name":
                num_tokens += tokens_per_name
    num_tokens += 3
    return num_tokens
def num_assistant_tokens_from_messages(messages):
    num_tokens = 0
    for message in messages:
        if message["role"] == "assistant":
            num_tokens += len(encoding.encode(message["content"]))
    return num_tokens
n_missing_system = 0; n_missing_user = 0; n_messages = []; convo_lens = []; assistant_message_lens = []
for ex in dataset:
    messages = ex["messages"]
    if not any(message["role"] == "system" for message in messages):
        n_missing_system += 1
    if not any(message["role"] == "user" for message in messages):
        n_missing_user += 1
    n_messages.append(len(messages))
    convo_lens.append(num_tokens_from_messages(messages))
    assistant_message_lens.append(num_assistant_tokens_from_messages(messages))
n_too_long = sum(l > 16385 for l in convo_lens)
print(json.dumps({"examples": len(dataset), "tokens": sum(convo_lens), "errors": dict(format_errors)}))
'''

FIRST_ROWS = r'''
import sys, time
start = time.perf_counter()
from pathlib import Path
from core.dataset.tokens import encoding
if sys.argv[2] == "warm":  # the app loads the tokenizer in the background at start-up
    encoding("o200k_base")
    start = time.perf_counter()
from core.dataset.io import decode, parse_lines
from core.dataset.check import summarise
from core.dataset.model import Format
with open(sys.argv[1], "rb") as f:
    head = f.read(2 * 1024 * 1024)
text, _ = decode(head[: head.rfind(b"\n") + 1], Path(sys.argv[1]))
rows = next(iter(parse_lines(text)))
summarise(rows, Format.CHAT, "gpt-4o-mini")
print(len(rows), time.perf_counter() - start)
'''


def _tree(root: int) -> list[int]:
    """``root`` and every process below it (forked workers, a forkserver's children...)."""
    children: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _rss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:")), 0.0)
    except OSError:
        return 0.0


def timed(args: list[str]) -> tuple[float, float, str]:
    """Seconds and peak memory (MiB, largest process of the tree, sampled every 50 ms from /proc: getrusage
    misses a forkserver's workers, which are not our children) of a fresh process, and its stdout."""
    started = time.perf_counter()
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT))) as process:
        peak = 0.0
        reader = threading.Thread(target=lambda: outputs.extend(process.communicate()))
        outputs: list[str] = []
        reader.start()
        while reader.is_alive():
            peak = max([peak, *(_rss_mib(pid) for pid in _tree(process.pid))])
            reader.join(0.05)
    seconds = time.perf_counter() - started
    if process.returncode not in (0, 1):
        raise SystemExit(f"{args} failed: {outputs[1][-2000:]}")
    return seconds, peak, outputs[0]


def main() -> None:
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 100_000
    chat, completion = DATA / f"chat_{rows}.jsonl", DATA / f"completion_{rows}.jsonl"
    if not chat.exists():
        subprocess.run([sys.executable, str(SHARED / "bench" / "make_datasets.py"), str(DATA), "--rows", str(rows)],
                       check=True)
    python = sys.executable
    ours, ours_mib, report = timed([python, "main.py", "check", str(chat), "--json"])
    cookbook, cookbook_mib, _ = timed([python, "-c", COOKBOOK, str(chat)])
    first_rows, first_seconds = timed([python, "-c", FIRST_ROWS, str(chat), "warm"])[2].split()
    _, cold_seconds = timed([python, "-c", FIRST_ROWS, str(chat), "cold"])[2].split()
    out = DATA / "converted.jsonl"
    to_chat, _, _ = timed([python, "main.py", "fix", str(completion), "-o", str(out), "--to-chat"])
    out.unlink(missing_ok=True)
    DATA.joinpath("converted.jsonl.bak").unlink(missing_ok=True)
    tokens = json.loads(report)["tokens"]["total"]
    print(f"check {chat.name}: {ours:.2f} s, peak {ours_mib:.0f} MiB ({tokens} tokens)")
    print(f"cookbook loop:    {cookbook:.2f} s, peak {cookbook_mib:.0f} MiB -> ours is {cookbook / ours:.2f}x faster")
    print(f"first {first_rows} rows checked in {float(first_seconds):.2f} s with the tokenizer loaded as in the app "
          f"({float(cold_seconds):.2f} s in a cold process); fix --to-chat of {completion.name}: {to_chat:.2f} s")
    print(json.dumps({"seconds": round(ours, 2), "cookbook_seconds": round(cookbook, 2),
                      "ratio": round(cookbook / ours, 2), "peak_mib": round(ours_mib),
                      "cookbook_peak_mib": round(cookbook_mib), "first_rows_seconds": round(float(first_seconds), 2),
                      "first_rows_cold_seconds": round(float(cold_seconds), 2),
                      "to_chat_seconds": round(to_chat, 2)}))


if __name__ == "__main__":
    main()
