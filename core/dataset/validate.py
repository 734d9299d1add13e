"""Check each example as the fine-tuning API would, with a stable code, the line and a translated message.

Only structural checks live here; token limits, duplicates and counts are file-level (see check.py
in a later step). Nothing here looks at letter case or spaces, so Chinese text is judged fairly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from core.dataset.model import Format, Row, content_text
from core.i18n import tr

ROLES = ("system", "user", "assistant", "tool", "developer")
CHAT_KEYS = {"messages", "tools", "parallel_tool_calls", "functions"}
MESSAGE_KEYS = {"role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call", "refusal"}
PART_TYPES = ("text", "image_url")  # the content parts fine-tuning accepts
# Special tokens make jobs fail after upload; they must never be inside content.
SPECIAL_TOKEN = re.compile(r"<\|(?:endoftext|fim_prefix|fim_middle|fim_suffix|endofprompt|im_start|im_end|im_sep)\|>")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    line: int | None  # 1-based; None for the whole file
    code: str
    severity: Severity
    message: str


def _error(row: Row, code: str, message: str) -> Problem:
    return Problem(row.line, code, Severity.ERROR, message)


def _content_problems(row: Row, content: Any, where: str | Callable[[], str], images: bool = False) -> list[Problem]:
    if isinstance(content, list):
        return _parts_problems(row, content, where() if callable(where) else where, images)
    text = content_text(content)
    if text is not None and text.strip() and "<|" not in text:
        return []  # the common case, without building the messages
    where = where() if callable(where) else where
    if text is None:
        return [_error(row, "wrong_type", tr("{where}: the content must be text.").format(where=where))]
    if not text.strip():
        return [_error(row, "empty_content", tr("{where}: the content is empty.").format(where=where))]
    token = SPECIAL_TOKEN.search(text)
    if token:
        return [_error(row, "special_token", tr("{where}: contains the special token {token}, which makes the job "
                                                "fail after upload.").format(where=where, token=token.group()))]
    return []


def _image_has_url(part: dict[str, Any]) -> bool:
    image = part.get("image_url")
    url = image.get("url") if isinstance(image, dict) else None
    return isinstance(url, str) and bool(url.strip())


def _parts_problems(row: Row, parts: list[Any], where: str, images: bool) -> list[Problem]:
    """A content list: text parts, and image parts where images may be (user messages, as OpenAI's vision
    fine-tuning guide allows no images in assistant output)."""
    if not all(isinstance(p, dict) for p in parts):
        return [_error(row, "wrong_type", tr("{where}: the content must be text.").format(where=where))]
    problems = []
    unknown = sorted({str(p.get("type")) for p in parts} - set(PART_TYPES))
    if unknown:
        problems.append(_error(row, "unknown_part", tr("{where}: unknown content part type {types} (use text or "
                                                       "image_url).").format(where=where, types=", ".join(unknown))))
    pictures = [p for p in parts if p.get("type") == "image_url"]
    if pictures and not images:
        problems.append(_error(row, "image_not_allowed", tr("{where}: only user messages can hold images.").format(
            where=where)))
    if not all(_image_has_url(p) for p in pictures):
        problems.append(_error(row, "bad_image", tr("{where}: an image part needs “image_url” with a “url” (an "
                                                    "https:// address or a data: URL).").format(where=where)))
    text = "".join(str(p.get("text", "")) for p in parts if p.get("type") == "text")
    if not pictures and not unknown and not text.strip():
        problems.append(_error(row, "empty_content", tr("{where}: the content is empty.").format(where=where)))
    token = SPECIAL_TOKEN.search(text) if "<|" in text else None
    if token:
        problems.append(_error(row, "special_token", tr("{where}: contains the special token {token}, which makes "
                                                        "the job fail after upload.").format(where=where,
                                                                                             token=token.group())))
    return problems


def _message_problems(row: Row, index: int, message: Any) -> list[Problem]:
    def where() -> str:
        return tr("message {n}").format(n=index + 1)

    if not isinstance(message, dict):
        return [_error(row, "wrong_type", tr("{where} is not an object.").format(where=where()))]
    role = message.get("role")
    if role in ROLES and message.keys() <= MESSAGE_KEYS and "weight" not in message \
            and isinstance(message.get("content"), str):
        return _content_problems(row, message["content"], where)  # the common case, quickly
    problems = []
    unknown = sorted(set(message) - MESSAGE_KEYS)
    if unknown:
        problems.append(_error(row, "unknown_key", tr("{where}: unknown key {keys}.").format(
            where=where(), keys=", ".join(unknown))))
    if role not in ROLES:
        problems.append(_error(row, "unknown_role", tr("{where}: unknown role “{role}” (use system, user, "
                                                       "assistant or tool).").format(where=where(), role=role)))
    if "weight" in message and (role != "assistant" or message["weight"] not in (0, 1)):
        problems.append(_error(row, "bad_weight", tr("{where}: weight must be 0 or 1, on assistant messages "
                                                     "only.").format(where=where())))
    has_calls = bool(message.get("tool_calls") or message.get("function_call"))
    if "content" not in message and not has_calls:
        problems.append(_error(row, "missing_content", tr("{where} has no content.").format(where=where())))
    elif message.get("content") is not None or not has_calls:
        problems += _content_problems(row, message.get("content"), where, images=role == "user")
    return problems


def _chat_problems(row: Row, data: dict[str, Any]) -> list[Problem]:
    messages = data.get("messages")
    if not isinstance(messages, list) or not messages:
        return [_error(row, "missing_messages", tr("“messages” must be a non-empty list."))]
    problems = []
    unknown = sorted(set(data) - CHAT_KEYS)
    if unknown:
        problems.append(_error(row, "unknown_key", tr("Unknown key {keys}.").format(keys=", ".join(unknown))))
    for index, message in enumerate(messages):
        problems += _message_problems(row, index, message)
    if not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
        problems.append(_error(row, "no_assistant", tr("No assistant message: there is nothing to learn.")))
    return problems


def _completion_problems(row: Row, data: dict[str, Any]) -> list[Problem]:
    problems = []
    for key in ("prompt", "completion"):
        if key not in data:
            problems.append(_error(row, f"missing_{key}", tr("“{key}” is missing.").format(key=key)))
        elif not isinstance(data[key], str):
            problems.append(_error(row, "wrong_type", tr("“{key}” must be text.").format(key=key)))
        elif key == "completion" or SPECIAL_TOKEN.search(data[key]):  # an empty prompt is allowed
            problems += _content_problems(row, data[key], key)
    unknown = sorted(set(data) - {"prompt", "completion"})
    if unknown:
        problems.append(_error(row, "unknown_key", tr("Unknown key {keys}.").format(keys=", ".join(unknown))))
    return problems


def _dpo_problems(row: Row, data: dict[str, Any]) -> list[Problem]:
    messages = data["input"].get("messages") if isinstance(data["input"], dict) else None
    if not isinstance(messages, list) or not messages:
        return [_error(row, "missing_messages", tr("“input” must hold a non-empty “messages” list."))]
    problems = [p for i, m in enumerate(messages) for p in _message_problems(row, i, m)]
    for key in ("preferred_output", "non_preferred_output"):
        output = data[key]
        if not (isinstance(output, list) and len(output) == 1 and isinstance(output[0], dict)
                and output[0].get("role") == "assistant"):
            problems.append(_error(row, "bad_output", tr("“{key}” must be a list with one assistant message.")
                                   .format(key=key)))
        else:
            problems += _content_problems(row, output[0].get("content"), key)
    return problems


def check_row(row: Row, expected: Format) -> list[Problem]:
    """Everything wrong with one example, for a file of the ``expected`` format."""
    if row.data is None:
        return [_error(row, "invalid_json", tr("Not valid JSON: {error}").format(error=row.parse_error))]
    found = row.format
    if found is Format.UNKNOWN:
        return [_error(row, "unknown_format", tr("Not a training example we can read: expected OpenAI's "
                                                 "“messages”, “prompt” and “completion”, or “input” with preferred "
                                                 "and non-preferred outputs; or Alpaca, ShareGPT, Firefly or "
                                                 "question/answer fields with text in them."))]
    if expected is not Format.UNKNOWN and found is not expected:
        return [_error(row, "format_mismatch", tr("This is a {found} example in a {expected} file.").format(
            found=found.value, expected=expected.value))]
    checks = {Format.CHAT: _chat_problems, Format.COMPLETION: _completion_problems, Format.DPO: _dpo_problems}
    return checks[found](row, row.data)


def problem_title(code: str) -> str:
    """A short, translated name for a kind of problem (the problems panel groups by it)."""
    titles = {
        "invalid_json": tr("Not valid JSON"), "unknown_format": tr("Not a training example"),
        "format_mismatch": tr("Example of another format"), "wrong_type": tr("Wrong type of value"),
        "empty_content": tr("Empty text"), "special_token": tr("Special token in the text"),
        "unknown_key": tr("Unknown key"), "unknown_role": tr("Unknown role"), "bad_weight": tr("Wrong weight"),
        "missing_content": tr("Message without content"), "missing_messages": tr("No messages"),
        "no_assistant": tr("No assistant message"), "missing_prompt": tr("No prompt"),
        "missing_completion": tr("No completion"), "bad_output": tr("Wrong preferred or non-preferred output"),
        "duplicate": tr("Duplicate example"), "in_validation": tr("Also in the validation file"),
        "over_token_limit": tr("Too long: will be cut short"),
        "needs_chat": tr("Prompt/completion examples for a chat model"),
        "needs_completion": tr("Chat examples for a legacy model"), "needs_dpo": tr("Not preference examples"),
        "needs_supervised": tr("Preference examples for supervised training"),
        "images_not_counted": tr("Images not in the count"),
        "unknown_part": tr("Unknown content part"), "bad_image": tr("Image without an address"),
        "image_not_allowed": tr("Image outside a user message"),
    }
    return titles.get(code, code)
