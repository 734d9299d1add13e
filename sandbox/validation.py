"""Check an uploaded training file the way the fine-tuning API does, and learn its examples.

Format problems are refused at upload (400). Limits that depend on the chosen model (example
count, per-example tokens, chat vs completion) are checked when a job validates its files.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field

from core.dataset.check import MIN_EXAMPLES, example_tokens
from core.dataset.model import Format, content_text, row_format
from sandbox.catalogue import MAX_CONTEXT, BaseModel
from sandbox.errors import bad_request

CHAT, COMPLETION, DPO = Format.CHAT, Format.COMPLETION, Format.DPO


@dataclass
class FileFacts:
    """What the Sandbox remembers about a fine-tune file."""

    format: str
    n_examples: int
    total_tokens: int
    max_tokens: int
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (prompt, answer) to answer from
    bom: bool = False  # the file starts with a UTF-8 byte-order mark (Azure requires one)


def text_of(content: object) -> str:
    return content_text(content) or ""


def _chat_pair(messages: list, line: int) -> tuple[str, str]:
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise bad_request(f"Invalid file format. Line {line}: 'messages' must be a list of objects.", "file",
                          "invalid_file_format")
    roles = [m.get("role") for m in messages]
    if "assistant" not in roles:
        raise bad_request(f"Invalid file format. Line {line}: the example has no assistant message.", "file",
                          "invalid_file_format")
    last_answer = max(i for i, r in enumerate(roles) if r == "assistant")
    prompt = next((text_of(m.get("content")) for m in reversed(messages[:last_answer]) if m.get("role") == "user"),
                  "")
    return prompt, text_of(messages[last_answer].get("content"))


def _example_facts(example: dict, fmt: Format, line: int) -> tuple[int, tuple[str, str]]:
    tokens = example_tokens(example, fmt, "davinci-002" if fmt is Format.COMPLETION else "gpt-4o-mini")
    if fmt is Format.CHAT:
        return tokens, _chat_pair(example["messages"], line)
    if fmt is Format.COMPLETION:
        return tokens, (str(example.get("prompt", "")), str(example.get("completion", "")))
    inputs = example["input"].get("messages", []) if isinstance(example["input"], dict) else []
    preferred = example["preferred_output"] if isinstance(example["preferred_output"], list) else []
    prompt = next((text_of(m.get("content")) for m in reversed(inputs) if m.get("role") == "user"), "")
    answer = text_of(preferred[0].get("content")) if preferred and isinstance(preferred[0], dict) else ""
    return tokens, (prompt, answer)


def _from_bailian_dpo(example: object) -> object:
    """Bailian's preference rows (messages, chosen, rejected) read as the OpenAI ones they correspond to."""
    if isinstance(example, dict) and {"messages", "chosen", "rejected"} <= example.keys():
        return {"input": {"messages": example["messages"]}, "preferred_output": [example["chosen"]],
                "non_preferred_output": [example["rejected"]]}
    return example


def analyse_file(content: bytes) -> FileFacts:
    """Parse a JSONL fine-tune file; raises ApiError(400) for anything the API would refuse."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise bad_request("Invalid file format. The file must be UTF-8 encoded JSONL.", "file",
                          "invalid_file_format") from exc
    facts: FileFacts | None = None
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            example = json.loads(line)
        except ValueError as exc:
            raise bad_request(f"Invalid file format. Line {line_number} is not valid JSON: {exc}.", "file",
                              "invalid_file_format") from exc
        example = _from_bailian_dpo(example)
        fmt = row_format(example)
        if fmt is Format.UNKNOWN or (fmt is Format.COMPLETION and not {"prompt", "completion"} <= example.keys()):
            raise bad_request(f"Invalid file format. Line {line_number}: expected 'messages', 'prompt' and "
                              "'completion', or 'input', 'preferred_output' and 'non_preferred_output'.",
                              "file", "invalid_file_format")
        facts = facts or FileFacts(fmt, 0, 0, 0)
        if fmt != facts.format:
            raise bad_request(f"Invalid file format. Line {line_number} is a {fmt} example, but the file "
                              f"started with {facts.format} examples.", "file", "invalid_file_format")
        tokens, pair = _example_facts(example, fmt, line_number)
        if tokens > MAX_CONTEXT:
            raise bad_request(f"Line {line_number} has {tokens} tokens; no model accepts more than "
                              f"{MAX_CONTEXT} tokens per example.", "file", "invalid_file_format")
        facts.n_examples += 1
        facts.total_tokens += tokens
        facts.max_tokens = max(facts.max_tokens, tokens)
        facts.pairs.append(pair)
    if facts is None:
        raise bad_request("Invalid file format. The file is empty.", "file", "invalid_file_format")
    facts.bom = content.startswith(codecs.BOM_UTF8)
    return facts


def job_file_problem(facts: FileFacts, model: BaseModel, method: str, role: str) -> tuple[str, str] | None:
    """(code, message) of why a job must fail on this file, or None when it can train."""
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
