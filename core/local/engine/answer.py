"""Answering with a local model (base, or base + LoRA adapter): text pieces streamed as they are generated.

``generate`` runs in a thread and feeds transformers' TextIteratorStreamer; the caller iterates the pieces.
A lock keeps one generation per loaded model at a time, since the model's caches are not shared safely.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    StoppingCriteria,
    StoppingCriteriaList,
    TextIteratorStreamer,
)

from core.local.engine.data import for_template

STREAM_TIMEOUT_S = 600.0  # the streamer gives up when generation stalls this long (a hung device)


def pick_device() -> str:
    if torch.cuda.is_available():
        return "cuda"
    return "mps" if torch.backends.mps.is_available() else "cpu"


def load_tokenizer(model_dir: str, adapter_dir: str | None) -> Any:
    """The tokenizer saved with the adapter (training may have set its pad token), else the base model's."""
    has_own = adapter_dir and (Path(adapter_dir) / "tokenizer_config.json").is_file()
    return AutoTokenizer.from_pretrained(adapter_dir if has_own else model_dir)


def load_model(model_dir: str, adapter_dir: str | None, device: str) -> Any:
    """The base model, with the adapter applied when given, in eval mode on ``device``."""
    dtype = torch.float32 if device == "cpu" else torch.float16
    if device == "cuda" and torch.cuda.is_bf16_supported():
        dtype = torch.bfloat16
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype)
    if adapter_dir:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, adapter_dir)
    return model.to(device).eval()


class _Stop(StoppingCriteria):
    """Ends generation when any of its events is set: the caller's (the user pressed Stop) or ours (the reader
    of the stream went away)."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs: Any) -> bool:
        return any(event.is_set() for event in self.events)


class _TokenStreamer(TextIteratorStreamer):
    """Hands over the text after every token, where transformers' streamer waits for a whole word: the first
    piece then comes with the first token. Only an unfinished multi-byte character (UTF-8 split across byte
    tokens, common in Chinese) is held back until its last byte arrives."""

    def put(self, value: torch.Tensor) -> None:
        if self.skip_prompt and self.next_tokens_are_prompt:
            self.next_tokens_are_prompt = False
            return
        self.token_cache.extend(value.reshape(-1).tolist())
        text = self.tokenizer.decode(self.token_cache, **self.decode_kwargs)
        if not text.endswith("\ufffd"):
            self.on_finalized_text(text[self.print_len:])
            self.print_len = len(text)


class Answerer:
    """A loaded model that answers chat messages, streaming text pieces."""

    def __init__(self, model_dir: str, adapter_dir: str | None = None) -> None:
        self.device = pick_device()
        self.tokenizer = load_tokenizer(model_dir, adapter_dir)
        self.model = load_model(model_dir, adapter_dir, self.device)
        self.last_usage: tuple[int, int] = (0, 0)
        self._lock = threading.Lock()

    def _generation_args(self, max_tokens: int, temperature: float, top_p: float) -> dict[str, Any]:
        sampling = temperature > 0
        args: dict[str, Any] = dict(max_new_tokens=max_tokens, do_sample=sampling,
                                    pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id)
        if sampling:
            args.update(temperature=temperature, top_p=top_p)
        else:  # silence the model's own sampling defaults when decoding greedily
            args.update(temperature=None, top_p=None, top_k=None)
        return args

    def stream(self, messages: list[dict[str, str]], max_tokens: int = 256, temperature: float = 0.0,
               top_p: float = 1.0, stop: threading.Event | None = None) -> Iterator[str]:
        """Text pieces of the answer as they are generated; ``last_usage`` is set when the stream ends."""
        with self._lock:
            inputs = self.tokenizer.apply_chat_template([for_template(m) for m in messages], add_generation_prompt=True,
                                                        return_tensors="pt", return_dict=True).to(self.device)
            streamer = _TokenStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True,
                                            timeout=STREAM_TIMEOUT_S)
            abandoned = threading.Event()
            halt = StoppingCriteriaList([_Stop(abandoned, stop or abandoned)])
            result: dict[str, Any] = {}

            def generate() -> None:
                try:
                    with torch.inference_mode():
                        result["output"] = self.model.generate(
                            **inputs, streamer=streamer, stopping_criteria=halt,
                            **self._generation_args(max_tokens, temperature, top_p))
                except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread below
                    result["error"] = exc
                    streamer.end()

            thread = threading.Thread(target=generate, name="local-answer", daemon=True)
            thread.start()
            try:
                yield from (piece for piece in streamer if piece)
            finally:
                abandoned.set()
                thread.join()
            if "error" in result:
                raise result["error"]
            prompt = int(inputs["input_ids"].shape[1])
            self.last_usage = (prompt, int(result["output"].shape[1]) - prompt)
