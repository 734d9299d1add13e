"""Conversations in ShareGPT's shape (LLaMA-Factory, MedicalGPT: ``from``/``value`` turns, function calls
and their results, a ``tools`` list often stored as a JSON string) and Firefly's (``human``/``assistant``
pairs) as OpenAI messages, with function calls as ``tool_calls`` and results as ``tool`` messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

# ShareGPT's role words (LLaMA-Factory's default tags, and the names other exports use) → OpenAI roles.
SHAREGPT_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant", "bot": "assistant",
                  "chatgpt": "assistant", "model": "assistant", "system": "system", "function_call": "call",
                  "observation": "tool", "tool": "tool", "function": "tool"}


@dataclass(frozen=True)
class Tags:
    """Which keys and words a ShareGPT file uses (LLaMA-Factory's dataset_info.json ``tags``)."""

    role: str = "from"
    content: str = "value"
    roles: Mapping[str, str] = field(default_factory=lambda: SHAREGPT_ROLES)


class NotConvertible(ValueError):
    """A value that cannot become part of an OpenAI example (the row is then shown as it is, with an error)."""


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError as exc:
            raise NotConvertible(str(exc)) from exc
    return value


def tools_list(value: Any) -> list[dict[str, Any]]:
    """A ``tools`` value (a list, or a JSON string of one) as OpenAI tool definitions."""
    found = _json(value) if value not in (None, "", []) else []
    if isinstance(found, dict):
        found = [found]
    if not isinstance(found, list) or not all(isinstance(t, dict) for t in found):
        raise NotConvertible("tools")
    return [t if t.get("type") == "function" and "function" in t else {"type": "function", "function": t}
            for t in found]


def _tool_calls(value: Any, turn: int) -> list[dict[str, Any]]:
    calls = _json(value)
    calls = calls if isinstance(calls, list) else [calls]
    out = []
    for index, call in enumerate(calls):
        if not isinstance(call, dict) or not isinstance(call.get("name"), str):
            raise NotConvertible("function_call")
        arguments = call.get("arguments", call.get("parameters", {}))
        out.append({"id": f"call_{turn}_{index}", "type": "function", "function": {
            "name": call["name"],
            "arguments": arguments if isinstance(arguments, str) else orjson.dumps(arguments).decode()}})
    return out


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    # content parts: {"type": "text", "text" or "value": ...}
    if isinstance(value, list) and all(isinstance(p, dict) and p.get("type", "text") == "text" for p in value):
        return "".join(str(p.get("text", p.get("value", ""))) for p in value)
    raise NotConvertible("content")


def sharegpt_messages(turns: Any, tags: Tags = Tags()) -> list[dict[str, Any]]:
    """OpenAI messages for ShareGPT turns; a function call's id is given to the results that follow it."""
    if not isinstance(turns, list) or not turns:
        raise NotConvertible("conversations")
    messages: list[dict[str, Any]] = []
    pending: list[str] = []
    for number, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise NotConvertible("turn")
        role = tags.roles.get(str(turn.get(tags.role, "")).strip().lower())
        if role is None:
            raise NotConvertible("role")
        value = turn.get(tags.content)
        if role == "call":
            calls = _tool_calls(value, number)
            pending = [c["id"] for c in calls]
            messages.append({"role": "assistant", "content": None, "tool_calls": calls})
        elif role == "tool":
            call_id = pending.pop(0) if len(pending) > 1 else pending[0] if pending else f"call_{number}"
            messages.append({"role": "tool", "tool_call_id": call_id, "content": _text(value)})
        else:
            messages.append({"role": role, "content": _text(value)})
    return messages


def with_system(messages: list[dict[str, Any]], system: Any) -> list[dict[str, Any]]:
    """A record's separate ``system`` text put first, unless the conversation already starts with one."""
    if not isinstance(system, str) or not system.strip() or (messages and messages[0]["role"] == "system"):
        return messages
    return [{"role": "system", "content": system}, *messages]


def firefly_messages(conversation: Any) -> list[dict[str, Any]]:
    """Firefly's ``conversation``: a list of {"human": ..., "assistant": ...} pairs."""
    if not isinstance(conversation, list) or not conversation:
        raise NotConvertible("conversation")
    messages = []
    for pair in conversation:
        if not isinstance(pair, dict) or not isinstance(pair.get("human"), str) \
                or not isinstance(pair.get("assistant"), str):
            raise NotConvertible("conversation")
        messages += [{"role": "user", "content": pair["human"]}, {"role": "assistant", "content": pair["assistant"]}]
    return messages


def _parts_message(message: dict[str, Any], number: int, pending: list[str]) -> dict[str, Any]:
    """One message whose content is a list of LLaMA-Factory v1 parts (text, reasoning, tool_call,
    image_url) as an OpenAI message: reasoning is not trained by OpenAI and is left out."""
    texts, calls, images = [], [], []
    for part in message.get("content") or []:
        kind = part.get("type", "text") if isinstance(part, dict) else None
        value = part.get("value", part.get("text")) if isinstance(part, dict) else None
        if kind == "text" and isinstance(value, str):
            texts.append(value)
        elif kind == "tool_call":
            calls += _tool_calls(value, number * 100 + len(calls))
        elif kind == "image_url" and _is_url(value if isinstance(value, str) else part.get("image_url")):
            images.append(part if "image_url" in part else {"type": "image_url", "image_url": {"url": value}})
        elif kind != "reasoning":
            raise NotConvertible(str(kind))
    out = {k: v for k, v in message.items() if k not in ("content", "loss_weight")}
    out["content"] = ([{"type": "text", "text": t} for t in texts] + images) if images else "".join(texts)
    if calls:
        out["tool_calls"] = calls
        out["content"] = out["content"] or None
        pending[:] = [c["id"] for c in calls]
    if out.get("role") == "tool" and "tool_call_id" not in out:
        out["tool_call_id"] = pending.pop(0) if len(pending) > 1 else pending[0] if pending else f"call_{number}"
    if out.get("role") == "assistant" and message.get("loss_weight") in (0, 1):
        out["weight"] = int(message["loss_weight"])
    return out


def _is_url(value: Any) -> bool:
    url = value.get("url") if isinstance(value, dict) else value
    return isinstance(url, str) and url.startswith(("http://", "https://", "data:image/"))


def openai_messages(messages: list[Any]) -> list[dict[str, Any]]:
    """``messages`` whose content parts say ``value`` (LLaMA-Factory v1) or whose turns say ``from``/``value``,
    as plain OpenAI messages. Images given as local file paths cannot be converted."""
    if messages and all(isinstance(m, dict) and "role" not in m and "from" in m for m in messages):
        return sharegpt_messages(messages)
    out: list[dict[str, Any]] = []
    pending: list[str] = []
    for number, message in enumerate(messages):
        if not isinstance(message, dict):
            raise NotConvertible("message")
        out.append(_parts_message(message, number, pending) if isinstance(message.get("content"), list)
                   else message)
    return out


def needs_conversion(messages: Any) -> bool:
    """True for the few chat rows whose messages are not in OpenAI's shape (quick for the usual ones)."""
    if not isinstance(messages, list):
        return False
    for message in messages:
        if message.__class__ is not dict:
            return False
        content = message.get("content")
        if content.__class__ is str and "loss_weight" not in message:
            continue
        if "loss_weight" in message or ("role" not in message and "from" in message):
            return True
        if isinstance(content, list) and any(isinstance(p, dict) and "value" in p for p in content):
            return True
    return False


def preference_pair(chosen: list[Any], rejected: list[Any]) -> tuple[list[dict[str, Any]], dict[str, Any],
                                                                      dict[str, Any]]:
    """(shared messages, preferred answer, non-preferred answer) of two whole conversations that differ only
    in their last assistant message (LLaMA-Factory v1's chosen_messages/rejected_messages)."""
    chosen, rejected = openai_messages(chosen), openai_messages(rejected)
    if len(chosen) < 2 or len(chosen) != len(rejected) or chosen[:-1] != rejected[:-1]:
        raise NotConvertible("chosen_messages")
    answers = [{k: v for k, v in m.items() if k != "weight"} for m in (chosen[-1], rejected[-1])]
    if any(a.get("role") != "assistant" for a in answers):
        raise NotConvertible("chosen_messages")
    return chosen[:-1], answers[0], answers[1]
