"""Sandbox under concurrent load: streaming chat completions and fine-tuning job creation.

Starts one Sandbox in its own process (`python main.py sandbox --port 0 --job-seconds 30`, so the
client load does not share the GIL with the server), uploads a 12-example chat training file with
the official SDK, then fires, each batch at once with asyncio.gather over one shared client:

  * baseline: 200 concurrent GET /v1/models (a trivial endpoint), measured in the same run;
  * 200 concurrent streaming chat completions (stream_options.include_usage), every chunk consumed;
  * 50 concurrent fine-tuning job creations.

For each batch it reports wall time, successful requests per second, p50/p95/max latency (start of
the request to its last byte or chunk) and the CPU seconds spent by the Sandbox process and by this
client process: when the client's CPU is close to the wall time, the figures are bound by the client
(SDK + httpx2 parsing), not by the Sandbox. Loopback only, no retries, one overall timeout.

Run from anywhere: `python bench/sandbox_load.py`. The last line printed is one JSON object with the
figures; the exit status is 1 if any request failed (the first few errors are printed), else 0.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx2
import openai

ROOT = Path(__file__).resolve().parent.parent
BASELINE_REQUESTS = 200
STREAM_REQUESTS = 200
JOB_REQUESTS = 50
TRAINING_EXAMPLES = 12
OVERALL_TIMEOUT_S = 120.0
REQUEST_TIMEOUT_S = 60.0
STARTUP_TIMEOUT_S = 30.0
SHOW_ERRORS = 5
MODEL = "gpt-4o-mini"

Call = Callable[[], Awaitable[None]]
CallFactory = Callable[[int], Call]  # request number -> one request to await


# -- the Sandbox process -------------------------------------------------------------------------
@dataclass
class SandboxProcess:
    process: subprocess.Popen[str]
    url: str
    stderr_path: Path

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the server so far (Linux /proc only; None elsewhere)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stderr_text(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


def _drain_lines(stream: IO[str], lines: queue.Queue[str]) -> None:
    """Read the server's stdout until it closes, so its pipe never fills up."""
    for line in stream:
        lines.put(line)


def start_sandbox(home: Path) -> SandboxProcess:
    """Spawn the Sandbox CLI and return once it has printed its URL."""
    env = dict(os.environ, FINETUNE_STUDIO_HOME=str(home), NO_PROXY="127.0.0.1,localhost")
    args = [sys.executable, str(ROOT / "main.py"), "sandbox", "--host", "127.0.0.1", "--port", "0",
            "--job-seconds", "30"]
    stderr_path = home / "sandbox-stderr.log"
    with stderr_path.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_drain_lines, args=(process.stdout, lines), daemon=True).start()
    server = SandboxProcess(process, "", stderr_path)
    try:
        first = lines.get(timeout=STARTUP_TIMEOUT_S)
    except queue.Empty:
        stop_sandbox(server)
        raise SystemExit(f"the Sandbox printed nothing in {STARTUP_TIMEOUT_S:.0f} s:\n{server.stderr_text()}") from None
    prefix = "Sandbox listening on "
    if not first.startswith(prefix):
        stop_sandbox(server)
        raise SystemExit(f"unexpected first line from the Sandbox: {first!r}\n{server.stderr_text()}")
    server.url = first.removeprefix(prefix).strip()
    if not server.url.startswith("http://127.0.0.1:"):
        stop_sandbox(server)
        raise SystemExit(f"the Sandbox is not on loopback: {server.url}")
    return server


def stop_sandbox(server: SandboxProcess) -> int | None:
    """Ctrl+C the server, give it a few seconds to shut down cleanly, then kill it."""
    process = server.process
    if process.poll() is None:
        process.send_signal(signal.SIGINT if os.name == "posix" else signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    return process.returncode


# -- measuring -----------------------------------------------------------------------------------
@dataclass
class Batch:
    name: str
    requests: int
    wall_s: float = 0.0
    latencies: list[float] = field(default_factory=list)  # successful requests only
    errors: list[str] = field(default_factory=list)
    server_cpu_s: float | None = None
    client_cpu_s: float = 0.0

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.ok / self.wall_s if self.wall_s else 0.0

    def percentile(self, fraction: float) -> float:
        """Nearest-rank percentile of the successful latencies (0.0 when there are none)."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


async def _timed(call: Call) -> tuple[float, str | None]:
    started = time.perf_counter()
    try:
        await call()
    except Exception as exc:  # every failure is a benchmark result, not a crash
        return time.perf_counter() - started, f"{type(exc).__name__}: {exc}"
    return time.perf_counter() - started, None


async def run_batch(name: str, count: int, make_call: CallFactory, server: SandboxProcess) -> Batch:
    """Launch ``count`` calls at once and wait for all of them."""
    batch = Batch(name, count)
    cpu_before, client_before = server.cpu_seconds(), time.process_time()
    started = time.perf_counter()
    results = await asyncio.gather(*(_timed(make_call(i)) for i in range(count)))
    batch.wall_s = time.perf_counter() - started
    cpu_after, batch.client_cpu_s = server.cpu_seconds(), time.process_time() - client_before
    if cpu_before is not None and cpu_after is not None:
        batch.server_cpu_s = cpu_after - cpu_before
    for i, (latency, error) in enumerate(results):
        if error is None:
            batch.latencies.append(latency)
        else:
            batch.errors.append(f"{name} #{i} after {latency:.2f} s: {error}")
    return batch


# -- the calls -----------------------------------------------------------------------------------
def make_client(url: str) -> openai.AsyncOpenAI:
    limits = httpx2.Limits(max_connections=300, max_keepalive_connections=300)
    http_client = openai.DefaultAsyncHttpxClient(limits=limits, trust_env=False)
    return openai.AsyncOpenAI(api_key="sk-bench", base_url=url, max_retries=0, timeout=REQUEST_TIMEOUT_S,
                              http_client=http_client)


def training_file() -> bytes:
    lines = [json.dumps({"messages": [{"role": "user", "content": f"question {i}"},
                                      {"role": "assistant", "content": f"answer {i}"}]})
             for i in range(TRAINING_EXAMPLES)]
    return ("\n".join(lines) + "\n").encode()


async def upload_training_file(client: openai.AsyncOpenAI) -> str:
    uploaded = await client.files.create(file=("bench.jsonl", training_file()), purpose="fine-tune")
    return uploaded.id


def list_models(client: openai.AsyncOpenAI) -> CallFactory:
    def make(i: int) -> Call:
        async def call() -> None:
            page = await client.models.list()
            if not page.data:
                raise AssertionError("empty model list")

        return call

    return make


def stream_chat(client: openai.AsyncOpenAI) -> CallFactory:
    def make(i: int) -> Call:
        async def call() -> None:
            stream = await client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": f"Say something about load test {i}."}],
                stream=True, stream_options={"include_usage": True})
            chunks, text, usage = 0, "", None
            async with stream:
                async for chunk in stream:
                    chunks += 1
                    text += "".join(choice.delta.content or "" for choice in chunk.choices)
                    usage = chunk.usage or usage
            if not text or usage is None:
                raise AssertionError(f"incomplete stream: {chunks} chunks, {len(text)} characters, usage={usage}")

        return call

    return make


def create_jobs(client: openai.AsyncOpenAI, file_id: str) -> CallFactory:
    def make(i: int) -> Call:
        async def call() -> None:
            job = await client.fine_tuning.jobs.create(model=MODEL, training_file=file_id,
                                                       metadata={"bench": str(i)})
            if job.metadata != {"bench": str(i)} or job.training_file != file_id:
                raise AssertionError(f"job {job.id} came back with metadata={job.metadata}")

        return call

    return make


async def check_jobs_listed(client: openai.AsyncOpenAI, expected: int) -> str | None:
    """Every created job must be listed afterwards (catches lost writes under concurrency)."""
    seen = 0
    async for _ in client.fine_tuning.jobs.list(limit=100):
        seen += 1
    return None if seen == expected else f"the Sandbox lists {seen} jobs after {expected} successful creations"


async def run_all(server: SandboxProcess) -> tuple[list[Batch], list[str]]:
    client = make_client(server.url)
    async with client:
        file_id = await upload_training_file(client)
        # Warm up: one stream (first-call imports in the server), then one unmeasured round that opens
        # every pooled connection, so each batch measures requests over warm keep-alive connections.
        # Batches run back to back: a connection left idle near uvicorn's 5 s keep-alive timeout can be
        # closed by the server just as the client reuses it ("Server disconnected without sending a response").
        await stream_chat(client)(-1)()
        await run_batch("warm-up", BASELINE_REQUESTS, list_models(client), server)
        baseline = await run_batch("baseline", BASELINE_REQUESTS, list_models(client), server)
        stream = await run_batch("stream", STREAM_REQUESTS, stream_chat(client), server)
        jobs = await run_batch("jobs", JOB_REQUESTS, create_jobs(client, file_id), server)
        problem = await check_jobs_listed(client, jobs.ok)
    return [baseline, stream, jobs], [problem] if problem else []


# -- reporting -----------------------------------------------------------------------------------
def describe(batch: Batch) -> str:
    server_cpu = f"{batch.server_cpu_s:.2f} s" if batch.server_cpu_s is not None else "n/a"
    cpu = f"; CPU server {server_cpu}, client {batch.client_cpu_s:.2f} s"
    return (f"{batch.name:<9} {batch.ok:>3}/{batch.requests} ok in {batch.wall_s:6.2f} s = {batch.rps:7.1f} req/s; "
            f"latency p50 {batch.percentile(0.5):.3f} s, p95 {batch.percentile(0.95):.3f} s, "
            f"max {max(batch.latencies, default=0.0):.3f} s{cpu}")


def figures(baseline: Batch, stream: Batch, jobs: Batch) -> dict[str, Any]:
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 4)

    return {
        "stream_requests": stream.requests, "stream_errors": len(stream.errors), "stream_rps": rounded(stream.rps),
        "stream_p95_s": rounded(stream.percentile(0.95)), "stream_wall_s": rounded(stream.wall_s),
        "jobs": jobs.requests, "job_errors": len(jobs.errors), "job_rps": rounded(jobs.rps),
        "job_p95_s": rounded(jobs.percentile(0.95)), "job_wall_s": rounded(jobs.wall_s),
        "baseline_requests": baseline.requests, "baseline_errors": len(baseline.errors),
        "baseline_rps": rounded(baseline.rps), "baseline_p95_s": rounded(baseline.percentile(0.95)),
        "stream_vs_baseline_rps_ratio": rounded(stream.rps / baseline.rps) if baseline.rps else None,
        "server_cpu_s": {b.name: rounded(b.server_cpu_s) for b in (baseline, stream, jobs)},
        "client_cpu_s": {b.name: rounded(b.client_cpu_s) for b in (baseline, stream, jobs)},
    }


def report(batches: list[Batch], problems: list[str], server_log: str) -> tuple[int, dict[str, Any]]:
    """Print the readable summary; returns (exit status, figures)."""
    baseline, stream, jobs = batches
    print(f"Sandbox load, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, openai {openai.__version__}")
    for batch in batches:
        print("  " + describe(batch))
    errors = [e for b in batches for e in b.errors] + problems
    for error in errors[:SHOW_ERRORS]:
        print(f"  ERROR {error}")
    if len(errors) > SHOW_ERRORS:
        print(f"  ... and {len(errors) - SHOW_ERRORS} more errors")
    if server_log.strip():
        print("  Sandbox stderr (last lines):")
        print("    " + "\n    ".join(server_log.strip().splitlines()[-10:]))
    return (1 if errors else 0), figures(baseline, stream, jobs)


def measure() -> tuple[int, dict[str, Any]]:
    """Start the Sandbox, load it, stop it; returns (exit status, figures)."""
    with tempfile.TemporaryDirectory(prefix="ft-sandbox-load-") as home:
        started = time.perf_counter()
        server = start_sandbox(Path(home))
        print(f"Sandbox at {server.url} (pid {server.process.pid}), up in {time.perf_counter() - started:.2f} s")
        try:
            batches, problems = asyncio.run(asyncio.wait_for(run_all(server), OVERALL_TIMEOUT_S))
        except TimeoutError:
            return 1, {"error": f"timed out after {OVERALL_TIMEOUT_S:.0f} s"}
        except (openai.OpenAIError, AssertionError) as exc:  # the upload, warm-up or final listing failed
            return 1, {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            code = stop_sandbox(server)
            log = server.stderr_text()
            print(f"Sandbox stopped with exit code {code}")
        return report(batches, problems, log)


def main() -> int:
    started = time.perf_counter()
    status, result = measure()
    print(f"total run time {time.perf_counter() - started:.2f} s")
    print(json.dumps(result))
    return status


if __name__ == "__main__":
    sys.exit(main())
