"""The training engine for real on a tiny model and the CPU: the worker as a subprocess (loss, checkpoints,
pause and resume), assistant-only loss, DPO, streamed answers, and the exports loading back."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.local.job_files import TrainSpec, checkpoints, read_events, request_pause
from tests.local.tiny_model import make_tiny_model, make_tokenizer, memorisable_rows

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def adapter(tiny_model, tmp_path_factory) -> Path:
    """A LoRA adapter trained a few steps (in this process, through the worker's own entry), so it answers in
    words and really changes the model."""
    from core.local.worker import run

    folder = tmp_path_factory.mktemp("trained")
    TrainSpec("ftjob-0", str(tiny_model), write_jsonl(folder / "train.jsonl", memorisable_rows(16)), None,
              "supervised", 2, 4, 5.0, None, 5).save(folder)
    run(folder)
    return folder / "adapter"


def write_jsonl(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return str(path)


def start_worker(folder: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TOKENIZERS_PARALLELISM="false")
    return subprocess.Popen([sys.executable, "-m", "core.local.worker", str(folder)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def finished(folder: Path, process: subprocess.Popen) -> dict:
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 0, errors
    [last] = [event for event in read_events(folder) if event["type"] == "finished"][-1:]
    assert last["status"] != "failed", (last, errors)
    return last


@pytest.mark.timeout(120)
def test_worker_learns_pauses_with_a_checkpoint_and_resumes_to_the_end(tiny_model, tmp_path):
    folder = tmp_path / "job"
    spec = TrainSpec("ftjob-1", str(tiny_model), write_jsonl(tmp_path / "train.jsonl", memorisable_rows(24)),
                     write_jsonl(tmp_path / "valid.jsonl", memorisable_rows(4)), "supervised", n_epochs=3,
                     batch_size=4, learning_rate_multiplier=5.0, beta=None, seed=7)
    spec.save(folder)
    process = start_worker(folder)
    wait_for(lambda: any(e["type"] == "metrics" for e in read_events(folder)), 60, "the first metrics")
    request_pause(folder)
    paused = finished(folder, process)
    assert paused["status"] == "paused"
    events = read_events(folder)
    started = events[0]
    assert started["type"] == "started" and started["total_steps"] == 18 and started["steps_per_epoch"] == 6
    assert started["device"] == "cpu" and started["examples"] == 24
    last_saved = [e for e in events if e["type"] == "checkpoint"][-1]
    assert (folder / last_saved["path"] / "adapter_model.safetensors").is_file()
    assert last_saved["step"] < 18

    (folder / "control").unlink()
    TrainSpec(**{**spec.__dict__, "resume": True}).save(folder)
    done = finished(folder, start_worker(folder))
    assert done["status"] == "succeeded" and done["trained_tokens"] > 0
    metrics = [e for e in read_events(folder) if e["type"] == "metrics"]
    assert metrics[-1]["step"] == 18 and metrics[-1]["total_steps"] == 18
    assert metrics[-1]["train_loss"] < metrics[0]["train_loss"] / 2, [m["train_loss"] for m in metrics]
    assert any("valid_loss" in m for m in metrics) and "train_mean_token_accuracy" in metrics[0]
    steps = {int(path.name.split("-")[1]) for path in checkpoints(folder)}
    assert {6, 12, 18} <= steps
    assert (folder / "adapter" / "adapter_config.json").is_file()

    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(tiny_model)
    model = PeftModel.from_pretrained(base, folder / "checkpoints" / "checkpoint-6")
    assert any("lora_A" in name for name, _ in model.named_parameters())


def test_only_trained_assistant_tokens_carry_loss():
    from core.local.engine.data import IGNORE, prepare_supervised

    tokenizer = make_tokenizer()
    row = {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "你好"},
                        {"role": "assistant", "content": "Wrong answer.", "weight": 0},
                        {"role": "user", "content": "Again?"}, {"role": "assistant", "content": "中国的首都是北京。"}]}
    [example] = prepare_supervised(tokenizer, [row]).examples
    trained = [token for token, label in zip(example["input_ids"], example["labels"], strict=True) if label != IGNORE]
    assert tokenizer.decode(trained) == "中国的首都是北京。<|im_end|>\n"
    assert all(label in (IGNORE, token) for token, label in zip(example["input_ids"], example["labels"], strict=True))


def test_rows_longer_than_the_cap_are_cut_with_a_warning():
    from core.local.engine.data import prepare_supervised

    long_row = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "blue " * 40}]}
    prepared = prepare_supervised(make_tokenizer(), [long_row, *memorisable_rows(2)], cap=30)
    assert prepared.max_length == 30 and all(len(e["input_ids"]) <= 30 for e in prepared.examples)
    assert "cut" in prepared.warnings[0]


def test_bad_rows_end_the_worker_with_bad_data(tiny_model, tmp_path):
    from core.local.worker import run

    (tmp_path / "train.jsonl").write_text('{"messages": [{"role": "user", "content": "hi"}]}\nnot json\n')
    TrainSpec("ftjob-2", str(tiny_model), str(tmp_path / "train.jsonl"), None, "supervised", 1, 1, 1.0, None, 1).save(
        tmp_path)
    run(tmp_path)
    [last] = read_events(tmp_path)[-1:]
    assert last["type"] == "finished" and last["status"] == "failed" and last["error"]["code"] == "bad_data"
    assert "Line 2" in last["error"]["message"]


def test_dpo_trains_a_few_steps(tiny_model, tmp_path):
    from core.local.worker import run

    rows = [{"input": {"messages": [{"role": "user", "content": question}]},
             "preferred_output": [{"role": "assistant", "content": answer}],
             "non_preferred_output": [{"role": "assistant", "content": "I do not know."}]}
            for question, answer in [("What colour is the sky?", "Blue."), ("Say hello.", "Hello!")] * 2]
    data = write_jsonl(tmp_path / "dpo.jsonl", rows)
    TrainSpec("ftjob-3", str(tiny_model), data, None, "dpo", 1, 2, 1.0, 0.1, 3).save(tmp_path)
    run(tmp_path)
    events = read_events(tmp_path)
    assert events[-1]["type"] == "finished" and events[-1]["status"] == "succeeded", events[-1]
    assert [e["step"] for e in events if e["type"] == "metrics"] == [1, 2]
    assert (tmp_path / "adapter" / "adapter_model.safetensors").is_file()


def test_answerer_streams_pieces_from_base_and_adapter(tiny_model, adapter):
    from core.local.engine.answer import Answerer

    answerer = Answerer(str(tiny_model), str(adapter))
    pieces = list(answerer.stream([{"role": "user", "content": "What colour is the sky?"}], max_tokens=8))
    assert len(pieces) >= 2 and all(isinstance(piece, str) for piece in pieces)
    prompt, completion = answerer.last_usage
    assert prompt > 5 and 1 <= completion <= 8
    question = [{"role": "user", "content": "What colour is the sky?"}]
    base = list(Answerer(str(tiny_model)).stream(question, max_tokens=8))
    assert "".join(base) != "".join(pieces)


def test_merged_export_gives_the_same_logits_as_base_plus_adapter(tiny_model, adapter, tmp_path):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from core.local.engine.export import merge

    merged = AutoModelForCausalLM.from_pretrained(merge(str(tiny_model), str(adapter), tmp_path / "merged"))
    combined = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_model), adapter)
    ids = torch.tensor([make_tokenizer()("中国的首都是北京。 The sky is blue.")["input_ids"]])
    with torch.no_grad():
        expected, got = combined(ids).logits, merged(ids).logits
    assert torch.allclose(expected, got, atol=1e-4)
    assert not torch.allclose(AutoModelForCausalLM.from_pretrained(tiny_model)(ids).logits, got, atol=1e-3)


@pytest.mark.parametrize("arch", ["llama", "qwen2", "qwen3"])
def test_gguf_export_reads_back_with_its_tensors_and_metadata(tmp_path, arch):
    import numpy as np
    from gguf import GGUFReader
    from safetensors.numpy import load_file

    from core.local.engine.export import export_gguf
    from core.local.engine.gguf_file import permute_for_llama_cpp

    model = make_tiny_model(tmp_path / "model", arch)
    target = export_gguf(str(model), None, tmp_path / "out")
    reader = GGUFReader(target)
    fields = {name: field.contents() for name, field in reader.fields.items()}
    assert fields["general.architecture"] == arch and fields[f"{arch}.block_count"] == 2
    assert fields["tokenizer.ggml.model"] == "gpt2" and len(fields["tokenizer.ggml.tokens"]) == 420
    assert fields["tokenizer.ggml.eos_token_id"] == make_tokenizer().eos_token_id
    assert "<|im_start|>" in fields["tokenizer.chat_template"] and fields["tokenizer.ggml.merges"]
    tensors = {tensor.name: tensor for tensor in reader.tensors}
    assert {"token_embd.weight", "output.weight", "output_norm.weight", "blk.1.attn_q.weight",
            "blk.1.ffn_down.weight"} <= set(tensors)
    weights = load_file(model / "model.safetensors")
    query = weights["model.layers.0.self_attn.q_proj.weight"]
    if arch == "llama":
        import torch

        query = permute_for_llama_cpp(torch.from_numpy(query), 4).numpy()
    written = np.asarray(tensors["blk.0.attn_q.weight"].data, dtype=np.float32).reshape(query.shape)
    assert np.allclose(written, query, atol=1e-3)
    modelfile = (tmp_path / "out" / "Modelfile").read_text()
    assert modelfile.startswith("FROM ./model.gguf") and "<|im_start|>assistant" in modelfile


@pytest.mark.parametrize(("error", "code"), [
    (RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB"), "out_of_memory"),
    (type("OutOfMemoryError", (RuntimeError,), {})("boom"), "out_of_memory"),
    (OSError(28, "No space left on device"), "disk_full"),
    (RuntimeError("Found no NVIDIA driver on your system."), "no_gpu_driver"),
    (ModuleNotFoundError("No module named 'trl'", name="trl"), "engine_missing"),
    (KeyError("surprise"), "internal"),
])
def test_failures_are_classified_for_the_user(error, code):
    from core.local.errors import classify

    try:
        raise ValueError("wrapped") from error
    except ValueError as wrapped:
        found, message = classify(wrapped)
    assert found == code and message


def test_templates_that_rewrite_earlier_turns_still_mask_by_the_message_text():
    """Qwen3-like: only the last assistant turn gets an (empty) thinking block, so prefixes do not line up."""
    from core.local.engine.data import IGNORE, supervised_example

    tokenizer = make_tokenizer()
    tokenizer.chat_template = (
        "{%- for m in messages %}{{- '<|im_start|>' + m['role'] + '\\n' }}"
        "{%- if m['role'] == 'assistant' and loop.last %}{{- '<think>\\n\\n</think>\\n\\n' }}{%- endif %}"
        "{{- m['content'] + '<|im_end|>\\n' }}{%- endfor %}"
        "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}")
    row = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"},
                        {"role": "user", "content": "Sky?"}, {"role": "assistant", "content": "Blue."}]}
    example = supervised_example(tokenizer, row)
    trained = tokenizer.decode([t for t, label in zip(example["input_ids"], example["labels"], strict=True)
                                if label != IGNORE])
    assert trained.startswith("Hello!<|im_end|>") and trained.endswith("Blue.<|im_end|>\n")
