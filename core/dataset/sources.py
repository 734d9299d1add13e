"""Recognise the formats people's training files are really in and convert each row to OpenAI's format.

Recognised, per row: OpenAI chat / completion / DPO rows (kept as they are); LLaMA-Factory's Alpaca
(``instruction``/``input``/``output``, ``system``, ``history``) and ShareGPT (``conversations`` of
``from``/``value`` turns with function calls, observations and ``tools``; with ``chosen``/``rejected`` for
DPO); Firefly (``conversation`` of ``human``/``assistant`` pairs); plain question/answer records; and
messages whose content parts say ``value``. A ``dataset_info.json`` beside the file (LLaMA-Factory's)
says which columns and tags to use. A row that cannot be converted stays as it was and gets an error.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from core.dataset.conversations import (
    SHAREGPT_ROLES,
    NotConvertible,
    Tags,
    firefly_messages,
    needs_conversion,
    openai_messages,
    preference_pair,
    sharegpt_messages,
    tools_list,
    with_system,
)
from core.dataset.model import Row
from core.dataset.roles import kind_of, record_row, roles_of
from core.i18n import tr

OPENAI, ALPACA, SHAREGPT, SHAREGPT_DPO, FIREFLY, RECORDS, PARTS, TABLE = (
    "openai", "alpaca", "sharegpt", "sharegpt_dpo", "firefly", "records", "parts", "table")
ALPACA_KEYS = {"instruction", "output"}
LAYOUT_FILE = "dataset_info.json"
LAYOUT_MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Layout:
    """One entry of LLaMA-Factory's dataset_info.json: how to read a file's records."""

    name: str
    sharegpt: bool = False
    columns: Mapping[str, str] = field(default_factory=dict)  # its role names → the file's keys
    tags: Tags = Tags()


Converted = tuple[dict[str, Any], str, tuple[str, ...]]  # (OpenAI example, origin, notes)


def _is_native(data: dict[str, Any]) -> bool:
    if "messages" in data:
        return not needs_conversion(data["messages"])
    if "preferred_output" in data or "non_preferred_output" in data:
        return True
    return "completion" in data or ("prompt" in data and data.keys() <= {"prompt", "completion"})


def convert(data: dict[str, Any], layout: Layout | None = None) -> Converted | None:
    """``data`` as an OpenAI example with where it came from; None for OpenAI rows and for rows we do not
    recognise (or cannot convert)."""
    if layout is None and _is_native(data):
        return None
    try:
        return _by_layout(data, layout) if layout is not None else _recognised(data)
    except NotConvertible:
        return None


def _recognised(data: dict[str, Any]) -> Converted | None:
    if isinstance(data.get("chosen_messages"), list):
        shared, preferred, rejected = preference_pair(data["chosen_messages"], data.get("rejected_messages"))
        inputs = _conversation(data, shared, PARTS)[0]
        return {"input": inputs, "preferred_output": [preferred], "non_preferred_output": [rejected]}, PARTS, ()
    if "messages" in data:
        return _conversation(data, openai_messages(data["messages"]), PARTS)
    if isinstance(data.get("conversations"), list):
        return _sharegpt(data, "conversations", Tags())
    if isinstance(data.get("conversation"), list):
        return _conversation(data, firefly_messages(data["conversation"]), FIREFLY)
    return _record(data, roles_of(data))


def _conversation(data: dict[str, Any], messages: list[dict[str, Any]], origin: str,
                  tools: Any = None) -> Converted:
    example: dict[str, Any] = {"messages": with_system(messages, data.get("system"))}
    definitions = tools_list(tools if tools is not None else data.get("tools"))
    if definitions:
        example["tools"] = definitions
    return example, origin, ("tools",) if definitions else ()


def _sharegpt(data: dict[str, Any], key: str, tags: Tags, columns: Mapping[str, str] | None = None) -> Converted:
    columns = columns or {}
    messages = sharegpt_messages(data.get(key), tags)
    chosen, rejected = data.get(columns.get("chosen", "chosen")), data.get(columns.get("rejected", "rejected"))
    tools = data.get(columns.get("tools", "tools"))
    system = data.get(columns.get("system", "system"))
    if chosen is None and rejected is None:
        return _conversation({"system": system}, messages, SHAREGPT, tools)
    preferred, non_preferred = (sharegpt_messages([turn], tags) if isinstance(turn, dict) else
                                [{"role": "assistant", "content": turn}] if isinstance(turn, str) else None
                                for turn in (chosen, rejected))
    if preferred is None or non_preferred is None:
        raise NotConvertible("chosen")
    inputs: dict[str, Any] = {"messages": with_system(messages, system)}
    definitions = tools_list(tools)
    if definitions:
        inputs["tools"] = definitions
    return ({"input": inputs, "preferred_output": preferred, "non_preferred_output": non_preferred}, SHAREGPT_DPO,
            ("tools",) if definitions else ())


def _record(data: Mapping[str, Any], roles: dict[str, Any], origin: str | None = None) -> Converted | None:
    if "user" not in roles and "prompt" in roles and "assistant" in roles:  # {"prompt": …, "response": …}
        roles["user"] = roles.pop("prompt")
    kind = kind_of(roles)
    if kind is None or kind == "completion":
        return None
    values = {role: data.get(key) for role, key in roles.items()}
    made = record_row(values, kind)
    if made is None:
        return None
    return made[0], origin or (ALPACA if data.keys() >= ALPACA_KEYS else RECORDS), made[1]


def _by_layout(data: dict[str, Any], layout: Layout) -> Converted | None:
    columns = layout.columns
    if layout.sharegpt:
        key = columns.get("messages", "conversations")
        if key == "messages" and _is_native(data):
            return None
        return _sharegpt(data, key, layout.tags, columns)
    names = {"user": "prompt", "input": "query", "assistant": "response", "system": "system", "history": "history",
             "preferred": "chosen", "non_preferred": "rejected"}
    defaults = {"user": "instruction", "input": "input", "assistant": "output"}
    roles = {role: columns.get(name, defaults.get(role, name)) for role, name in names.items()}
    return _record(data, {r: k for r, k in roles.items() if k in data}, ALPACA)


def converted_row(line: int, data: dict[str, Any], layout: Layout | None = None) -> Row:
    """The row for a parsed JSON object: converted when it is in a format we recognise."""
    found = convert(data, layout)
    if found is None:
        return Row(line, data)
    example, origin, notes = found
    return Row(line, example, origin=origin, notes=notes)


def origin_name(origin: str) -> str:
    """The name users know a source format by."""
    return _origin_names().get(origin, origin)


def _origin_names() -> dict[str, str]:
    return {ALPACA: "Alpaca", SHAREGPT: "ShareGPT", SHAREGPT_DPO: tr("ShareGPT (DPO)"), FIREFLY: "Firefly",
            RECORDS: tr("question/answer records"), PARTS: tr("LLaMA-Factory messages"),
            TABLE: tr("spreadsheet columns")}


def _note_texts() -> dict[str, str]:
    return {"input_appended": tr("“input” appended to the question in {n}"),
            "history": tr("earlier turns taken from “history” in {n}"),
            "tools": tr("function calls and tools converted in {n}")}


def describe(origins: tuple[tuple[str, int], ...], notes: tuple[tuple[str, int], ...], fmt: str) -> str:
    """What was recognised and how it maps, e.g. "Alpaca → chat, 1,000 rows, “input” appended to the question
    in 230"; "" for a file in OpenAI's format."""
    if not origins:
        return ""
    texts = _note_texts()
    source = " + ".join(origin_name(origin) for origin, _ in origins)
    parts = [tr("{source} → {format}, {n} rows").format(source=source, format=fmt,
                                                         n=f"{sum(n for _, n in origins):,}")]
    parts += [texts[note].format(n=f"{count:,}") for note, count in notes if note in texts]
    return ", ".join(parts)


# -- dataset_info.json ------------------------------------------------------------------------------------
def layout_for(path: Path) -> Layout | None:
    """The entry of a dataset_info.json beside ``path`` that names this file, if there is one."""
    info = path.parent / LAYOUT_FILE
    try:
        stamp = info.stat()
    except OSError:
        return None
    return _layout(str(info), path.name, stamp.st_mtime_ns, stamp.st_size)


@functools.lru_cache(maxsize=16)
def _layout(info: str, file_name: str, _mtime: int, size: int) -> Layout | None:
    if size > LAYOUT_MAX_BYTES:
        return None
    try:
        entries = orjson.loads(Path(info).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(entries, dict):
        return None
    for name, entry in entries.items():
        if isinstance(entry, dict) and entry.get("file_name") == file_name:
            return _entry(str(name), entry)
    return None


_TAG_ROLES = {"user_tag": "user", "assistant_tag": "assistant", "system_tag": "system", "function_tag": "call",
              "observation_tag": "tool"}


def _entry(name: str, entry: dict[str, Any]) -> Layout:
    columns = entry.get("columns") if isinstance(entry.get("columns"), dict) else {}
    tags = entry.get("tags") if isinstance(entry.get("tags"), dict) else {}
    roles = {**SHAREGPT_ROLES, **{str(tags[tag]).lower(): role for tag, role in _TAG_ROLES.items() if tag in tags}}
    return Layout(name, entry.get("formatting") == "sharegpt", {str(k): str(v) for k, v in columns.items()},
                  Tags(str(tags.get("role_tag", "from")), str(tags.get("content_tag", "value")), roles))
