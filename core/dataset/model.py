"""Rows of a training file and the formats the fine-tuning API accepts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

LEGACY_MODELS = ("davinci-002", "babbage-002")  # prompt/completion models; every other one trains on chat


def is_legacy_model(model: str) -> bool:
    """True for the legacy completion models and the models fine-tuned from them."""
    return model.removeprefix("ft:").split(":")[0].startswith(LEGACY_MODELS)


class Format(StrEnum):
    CHAT = "chat"
    COMPLETION = "completion"
    DPO = "dpo"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Row:
    """One example. A line that is not valid JSON keeps its text and the parse error, so it can be fixed."""

    line: int  # 1-based line in the source file; 0 for rows added later
    data: dict[str, Any] | None
    raw: str = ""
    parse_error: str = ""
    origin: str = ""  # the source format this row was converted from (sources.ORIGINS); "" for OpenAI rows
    notes: tuple[str, ...] = ()  # what the conversion did, e.g. ("input_appended",)

    @property
    def format(self) -> Format:
        return row_format(self.data)


def row_format(data: Any) -> Format:
    if not isinstance(data, dict):
        return Format.UNKNOWN
    if "messages" in data:
        return Format.CHAT
    if {"input", "preferred_output", "non_preferred_output"} <= data.keys():
        return Format.DPO
    if "prompt" in data or "completion" in data:
        return Format.COMPLETION
    return Format.UNKNOWN


def content_text(content: Any) -> str | None:
    """Text of a message's content: a string or a list of {"type": "text", "text": ...} parts; None otherwise."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) for p in content):
        return "".join(str(p.get("text", "")) for p in content)
    return None


@dataclass(frozen=True)
class SourceInfo:
    """What was detected about a file, to tell the user (and to write it back the same way if asked)."""

    path: Path
    kind: str  # jsonl | json | csv | tsv | xlsx
    encoding: str  # utf-8, utf-8-sig, utf-16, gb18030... ("xlsx" for workbooks)
    line_ending: str  # LF | CRLF | mixed | none
    size: int
    mapping: tuple[str, ...] = ()  # for spreadsheets: which column became which role
    layout: str = ""  # the dataset_info.json entry that said how to read the file, if any
