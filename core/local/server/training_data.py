"""The quick look at a training file that moves a job from validating_files to queued: every row is a JSON object
of the method's shape. The worker checks more (tokens, templates) and fails the job with bad_data if it must."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def _rows(path: Path) -> Iterator[tuple[int, bytes]]:
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def count_rows(path: Path) -> int:
    """The examples in a JSONL file (its non-blank lines)."""
    return sum(1 for _ in _rows(path))


def _messages(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(m, dict) and isinstance(m.get("role"), str) for m in value)


def _row_problem(row: Any, method: str) -> str | None:
    if not isinstance(row, dict):
        return "is not a JSON object"
    if method == "dpo":
        prompt = row.get("input")
        if not isinstance(prompt, dict) or not _messages(prompt.get("messages")):
            return "has no 'input' with 'messages'"
        if not all(_messages(row.get(key)) for key in ("preferred_output", "non_preferred_output")):
            return "needs 'preferred_output' and 'non_preferred_output' messages"
        return None
    messages = row.get("messages")
    if not _messages(messages):
        return "has no 'messages' list of role/content objects"
    if not any(m["role"] == "assistant" for m in messages):
        return "has no assistant message to learn from"
    return None


def file_problem(path: Path, method: str) -> str | None:
    """Why ``path`` cannot train with ``method`` (naming the first bad line), or None when every row looks right."""
    count = 0
    for number, line in _rows(path):
        count += 1
        try:
            row = json.loads(line)
        except (ValueError, RecursionError):
            return f"Line {number} is not valid JSON."
        problem = _row_problem(row, method)
        if problem:
            return f"Line {number} {problem}."
    return None if count else "The file has no examples."
