"""Check an uploaded training file the way the fine-tuning API does, and learn its examples.

Format problems are refused at upload (400; the rules of one line are in examples.py). Limits that depend on the
chosen model (example count, per-example tokens, chat vs completion) are checked when a job validates its files,
and make it fail with the codes the API uses (invalid_n_examples, invalid_file_format, invalid_training_file).
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from typing import Any

from sandbox.catalogue import MAX_CONTEXT, BaseModel
from sandbox.errors import bad_request
from sandbox.examples import CHAT, COMPLETION, DPO, check_example, example_format, invalid
from sandbox.tokens import json_tokens, messages_tokens, text_of, text_tokens

# The fine-tuning guide asks for at least 10 examples (platform.openai.com/docs/guides/fine-tuning, "Example count
# recommendations"); a job on fewer fails with invalid_n_examples and the text job_file_problem gives, the API's own.
MIN_EXAMPLES = 10
CHAT_COUNTING_MODEL, LEGACY_COUNTING_MODEL = "gpt-4o-mini", "davinci-002"  # the model is not known at upload


@dataclass
class FileFacts:
    """What the Sandbox remembers about a fine-tune file."""

    format: str
    n_examples: int
    total_tokens: int
    max_tokens: int
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (prompt, answer) to answer from
    bom: bool = False  # the file starts with a UTF-8 byte-order mark (Azure requires one)


def _last_user_text(messages: list[dict[str, Any]]) -> str:
    return next((text_of(m.get("content")) for m in reversed(messages) if m.get("role") == "user"), "")


def _pair(example: dict[str, Any], fmt: str) -> tuple[str, str]:
    """The last question and its answer, which a model fine-tuned on the file repeats."""
    if fmt == COMPLETION:
        return example["prompt"], example["completion"]
    if fmt == DPO:
        return _last_user_text(example["input"]["messages"]), text_of(example["preferred_output"][0].get("content"))
    messages = example["messages"]
    last_answer = max(i for i, m in enumerate(messages) if m.get("role") == "assistant")
    return _last_user_text(messages[:last_answer]), text_of(messages[last_answer].get("content"))


def _tokens(example: dict[str, Any], fmt: str) -> int:
    """The example's trained tokens (see tokens.py for the rule)."""
    if fmt == COMPLETION:
        return sum(text_tokens(example[key], LEGACY_COUNTING_MODEL) for key in ("prompt", "completion"))
    model = CHAT_COUNTING_MODEL
    if fmt == CHAT:
        return messages_tokens(example["messages"], model) + json_tokens(example.get("tools"), model) \
            + json_tokens(example.get("functions"), model)
    given = example["input"]
    return (messages_tokens(given["messages"], model) + json_tokens(given.get("tools"), model)
            + messages_tokens(example["preferred_output"], model)
            + messages_tokens(example["non_preferred_output"], model))


def _from_bailian_dpo(example: object) -> object:
    """Bailian's preference rows (messages, chosen, rejected) read as the OpenAI ones they correspond to."""
    if isinstance(example, dict) and {"messages", "chosen", "rejected"} <= example.keys():
        return {"input": {"messages": example["messages"]}, "preferred_output": [example["chosen"]],
                "non_preferred_output": [example["rejected"]]}
    return example


def _parse(line: str, number: int) -> object:
    try:
        return _from_bailian_dpo(json.loads(line))
    except (ValueError, RecursionError) as exc:
        raise invalid(number, f" is not valid JSON: {exc}.") from exc


def _add(facts: FileFacts | None, example: dict[str, Any], fmt: str, number: int) -> FileFacts:
    facts = facts or FileFacts(fmt, 0, 0, 0)
    if fmt != facts.format:
        raise invalid(number, f" is a {fmt} example, but the file started with {facts.format} examples.")
    tokens = _tokens(example, fmt)
    if tokens > MAX_CONTEXT:
        raise invalid(number, f" has {tokens} tokens; no model accepts more than {MAX_CONTEXT} tokens per example.")
    facts.n_examples += 1
    facts.total_tokens += tokens
    facts.max_tokens = max(facts.max_tokens, tokens)
    facts.pairs.append(_pair(example, fmt))
    return facts


def analyse_file(content: bytes) -> FileFacts:
    """Parse a JSONL fine-tune file; raises ApiError(400) for anything the API would refuse."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise bad_request("Invalid file format. The file must be UTF-8 encoded JSONL.", "file",
                          "invalid_file_format") from exc
    facts: FileFacts | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            example = _parse(line, number)
            fmt = example_format(example, number)
            check_example(example, fmt, number)
            facts = _add(facts, example, fmt, number)
    if facts is None:
        raise bad_request("Invalid file format. The file is empty.", "file", "invalid_file_format")
    facts.bom = content.startswith(codecs.BOM_UTF8)
    return facts


def job_file_problem(facts: FileFacts, model: BaseModel, method: str, role: str) -> tuple[str, str] | None:
    """(code, message) of why a job must fail on this file, or None when it can train. Chat models train on chat
    rows (preference rows with DPO), the legacy completion models on prompt/completion rows."""
    wanted = DPO if method == "dpo" else CHAT if model.chat else COMPLETION
    if facts.format != wanted:
        return ("invalid_file_format",
                f"The {role} file has {facts.format} examples, but {method} training of {model.id} needs "
                f"{wanted} examples.")
    if role == "training" and facts.n_examples < MIN_EXAMPLES:
        return ("invalid_n_examples",
                f"Training file has {facts.n_examples} example(s), but must have at least {MIN_EXAMPLES} examples")
    if facts.max_tokens > model.context_tokens:
        return ("invalid_training_file" if role == "training" else "invalid_validation_file",
                f"An example in the {role} file has {facts.max_tokens} tokens, more than the "
                f"{model.context_tokens}-token limit of {model.id}.")
    return None
