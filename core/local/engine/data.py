"""OpenAI-format rows → what the trainers eat, rendered with the model's own chat template.

Supervised rows become ``input_ids`` + ``labels`` here rather than inside trl, because the loss must fall on
the assistant's tokens only and skip assistant messages marked ``"weight": 0`` (OpenAI's rule), and most
real chat templates (Qwen, Llama) carry no ``{% generation %}`` markers for trl's own assistant mask. DPO rows
become trl's conversational prompt/chosen/rejected records; trl tokenises those itself.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.i18n import tr
from core.local.errors import BadDataError

MAX_LENGTH_CAP = 2048  # tokens; longer rows are cut: most small models' sweet spot, and memory grows with it
IGNORE = -100  # the label that transformers' loss skips


@dataclass(frozen=True)
class Prepared:
    """Training examples, the max length chosen from the data, the token count, and what was cut or dropped."""

    examples: list[dict[str, Any]]
    max_length: int
    tokens: int
    warnings: tuple[str, ...] = ()


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    """The JSONL file's rows; a line that is not a JSON object is bad data, named by its line number."""
    rows = []
    with open(path, encoding="utf-8-sig") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as error:
                raise BadDataError(tr("Line {line} of the training file is not valid JSON.").format(line=number),
                                   detail=str(error)) from error
            if not isinstance(row, dict):
                raise BadDataError(tr("Line {line} of the training file is not a JSON object.").format(line=number))
            rows.append(row)
    if not rows:
        raise BadDataError(tr("The training file has no rows."))
    return rows


def _text(content: Any) -> str:
    """Message content as text: OpenAI also allows a list of ``{"type": "text", "text": ...}`` parts."""
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return "" if content is None else str(content)


def _call_for_template(call: dict[str, Any]) -> dict[str, Any]:
    """OpenAI sends tool-call arguments as a JSON string; HF chat templates expect the parsed object."""
    function = dict(call.get("function") or {})
    if isinstance(function.get("arguments"), str):
        with contextlib.suppress(ValueError):  # not JSON: the template shows the text as it is
            function["arguments"] = json.loads(function["arguments"])
    return {**call, "function": function}


def for_template(message: dict[str, Any]) -> dict[str, Any]:
    """A message as chat templates expect it: plain-text content and parsed tool calls (templates ignore the
    other keys, such as ``weight``)."""
    out = {**message, "content": _text(message.get("content"))}
    if message.get("tool_calls"):
        out["tool_calls"] = [_call_for_template(call) for call in message["tool_calls"]]
    return out


def _trained(message: dict[str, Any]) -> bool:
    return message.get("role") == "assistant" and message.get("weight", 1) != 0


def _render(tokenizer: Any, messages: list[dict[str, Any]], tools: Any, prompt: bool = False) -> str:
    return tokenizer.apply_chat_template(messages, tools=tools, tokenize=False, add_generation_prompt=prompt)


def assistant_spans(tokenizer: Any, messages: list[dict[str, Any]], tools: Any = None) -> tuple[str, list[tuple]]:
    """The rendered conversation and the character spans that carry loss.

    A trained assistant turn spans from the end of the conversation before it (with the generation prompt) to
    the end of the conversation up to it, so it covers the template's own end-of-turn token. Templates that
    render earlier turns differently once later ones follow (Qwen3 drops empty thinking blocks) break that
    prefix rule; then the span is the message's text where it appears, plus the end-of-turn token after it.
    """
    text = _render(tokenizer, messages, tools)
    spans, cursor = [], 0
    for index, message in enumerate(messages):
        if not _trained(message):
            continue
        before = _render(tokenizer, messages[:index], tools, prompt=True) if index else ""
        upto = _render(tokenizer, messages[: index + 1], tools)
        if upto.startswith(before) and text.startswith(upto) and len(upto) > len(before):
            spans.append((len(before), len(upto)))
            cursor = len(upto)
            continue
        content = message["content"]
        start = text.find(content, cursor) if content else -1
        if start < 0:
            continue
        end = start + len(content)
        end += len(tokenizer.eos_token or "") if text.startswith(tokenizer.eos_token or "\0", end) else 0
        spans.append((start, end))
        cursor = end
    return text, spans


def supervised_example(tokenizer: Any, row: dict[str, Any]) -> dict[str, list[int]]:
    """One row's ``input_ids`` and ``labels`` (-100 outside the trained assistant spans)."""
    messages = row.get("messages")
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise BadDataError(tr("A training row has no \"messages\" list."))
    messages = [for_template(m) for m in messages]
    text, spans = assistant_spans(tokenizer, messages, row.get("tools"))
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    labels = [token if any(start <= offset[0] < end for start, end in spans) else IGNORE
              for token, offset in zip(encoded["input_ids"], encoded["offset_mapping"], strict=True)]
    return {"input_ids": list(encoded["input_ids"]), "labels": labels}


def _cut(examples: list[dict[str, list[int]]], cap: int) -> tuple[list[dict[str, list[int]]], list[str]]:
    """Rows longer than ``cap`` tokens are cut to it; rows left with nothing to learn are dropped."""
    kept, cut, dropped = [], 0, 0
    for example in examples:
        if len(example["input_ids"]) > cap:
            cut += 1
            example = {key: value[:cap] for key, value in example.items()}
        if all(label == IGNORE for label in example["labels"]):
            dropped += 1
            continue
        kept.append(example)
    warnings = []
    if cut:
        warnings.append(tr("{count} rows were longer than {cap} tokens and were cut to that length.")
                        .format(count=cut, cap=cap))
    if dropped:
        warnings.append(tr("{count} rows had no assistant answer to learn from and were left out.")
                        .format(count=dropped))
    return kept, warnings


def prepare_supervised(tokenizer: Any, rows: list[dict[str, Any]], cap: int = MAX_LENGTH_CAP) -> Prepared:
    """Tokenised chat rows; the max length is the longest row's, capped at ``cap``."""
    examples, warnings = _cut([supervised_example(tokenizer, row) for row in rows], cap)
    if not examples:
        raise BadDataError(tr("No row of the training file has an assistant answer to learn from."))
    longest = max(len(example["input_ids"]) for example in examples)
    return Prepared(examples, longest, sum(len(e["input_ids"]) for e in examples), tuple(warnings))


def dpo_record(row: dict[str, Any]) -> dict[str, Any]:
    """An OpenAI preference row (``input.messages``, ``preferred_output``, ``non_preferred_output``) as trl's
    conversational prompt/chosen/rejected record; tools travel as JSON text so every record has the same shape."""
    source = row.get("input") if isinstance(row.get("input"), dict) else {}
    prompt, chosen, rejected = source.get("messages"), row.get("preferred_output"), row.get("non_preferred_output")
    if not all(isinstance(part, list) and part for part in (prompt, chosen, rejected)):
        raise BadDataError(tr("A preference row needs input.messages, preferred_output and non_preferred_output."))
    return {"prompt": [for_template(m) for m in prompt], "chosen": [for_template(m) for m in chosen],
            "rejected": [for_template(m) for m in rejected], "tools": json.dumps(source.get("tools"))}


def prepare_dpo(tokenizer: Any, rows: list[dict[str, Any]], cap: int = MAX_LENGTH_CAP) -> Prepared:
    """Preference records; the max length is the longest prompt + answer, capped at ``cap`` (trl cuts)."""
    records = [dpo_record(row) for row in rows]
    lengths = [max(_length(tokenizer, r["prompt"] + r[side], r["tools"]) for side in ("chosen", "rejected"))
               for r in records]
    too_long = sum(length > cap for length in lengths)
    warnings = (tr("{count} rows were longer than {cap} tokens and were cut to that length.")
                .format(count=too_long, cap=cap),) if too_long else ()
    return Prepared(records, min(max(lengths), cap), sum(lengths), warnings)


def _length(tokenizer: Any, messages: list[dict[str, Any]], tools: str) -> int:
    return len(tokenizer(_render(tokenizer, messages, json.loads(tools)), add_special_tokens=False)["input_ids"])
