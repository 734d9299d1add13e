"""Flat records — spreadsheet lines, Alpaca objects, question/answer objects — as OpenAI rows.

A record's keys (or a sheet's headers) are given roles by the words below, English or Chinese, any case;
when several keys fit a role the one whose word comes first wins (``ask`` before ``title``). Alpaca's
``instruction`` and ``input`` are joined into the user message with a line break, as LLaMA-Factory does
(its AlpacaDatasetConverter), and ``history`` pairs become earlier turns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Role → the words that name it, best first.
WORDS: dict[str, tuple[str, ...]] = {
    "prompt": ("prompt", "提示词", "提示"),
    "completion": ("completion", "补全", "续写"),
    "system": ("system", "system prompt", "system_prompt", "系统", "系统提示", "系统提示词", "人设"),
    "user": ("instruction", "user", "question", "query", "ask", "q", "human", "问题", "提问", "问", "指令", "用户",
             "title", "标题"),
    "input": ("input", "context", "输入", "补充", "上下文"),
    "assistant": ("output", "assistant", "answer", "response", "reply", "a", "gpt", "回答", "答案", "答", "回复",
                  "输出"),
    "history": ("history", "历史", "历史对话"),
    "preferred": ("chosen", "preferred", "preferred_output", "response_chosen", "更好的回答", "好回答"),
    "non_preferred": ("rejected", "non_preferred", "non-preferred", "non_preferred_output", "response_rejected",
                      "更差的回答", "差回答"),
}
_RANK = {word: (role, rank) for role, words in WORDS.items() for rank, word in enumerate(words)}
CHAT_ROLES = ("system", "user", "input", "assistant", "history")
DPO_ROLES = ("system", "user", "input", "history", "preferred", "non_preferred")


def roles_of(keys: Iterable[Any]) -> dict[str, Any]:
    """Role → the key (or column index, for ``enumerate``d headers) that holds it."""
    best: dict[str, tuple[int, Any]] = {}
    for key, name in _named(keys):
        found = _RANK.get(name.strip().lower())
        if found is not None and (found[0] not in best or found[1] < best[found[0]][0]):
            best[found[0]] = (found[1], key)
    if "user" not in best and "input" in best:  # a lone "input" is the question itself
        best["user"] = best.pop("input")
    return {role: key for role, (_, key) in best.items()}


def _named(keys: Iterable[Any]) -> Iterable[tuple[Any, str]]:
    for key in keys:
        if isinstance(key, tuple):  # (index, header)
            yield key[0], str(key[1] or "")
        else:
            yield key, str(key)


def kind_of(roles: Mapping[str, Any]) -> str | None:
    """"dpo", "chat" or "completion" for the roles a file or record has; None when none fits."""
    if {"user", "preferred", "non_preferred"} <= roles.keys():
        return "dpo"
    if {"user", "assistant"} <= roles.keys():
        return "chat"
    if {"prompt", "completion"} <= roles.keys():
        return "completion"
    return None


def text(value: Any) -> str | None:
    """A cell as text: numbers written out, nothing for empty cells; None for lists and objects."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return format(value, "g") if isinstance(value, float) else str(value)
    return None


def _history(value: Any) -> list[dict[str, str]] | None:
    if value in (None, "", []):
        return []
    if not isinstance(value, list):
        return None
    turns: list[dict[str, str]] = []
    for pair in value:
        if not (isinstance(pair, list | tuple) and len(pair) == 2 and all(isinstance(t, str) for t in pair)):
            return None
        turns += [{"role": "user", "content": pair[0]}, {"role": "assistant", "content": pair[1]}]
    return turns


def _prompt(values: Mapping[str, Any], notes: list[str]) -> list[dict[str, str]] | None:
    """System, earlier turns and the question of a record."""
    system, question, extra = (text(values.get(r)) for r in ("system", "user", "input"))
    history = _history(values.get("history"))
    if system is None or question is None or extra is None or history is None:
        return None
    if extra.strip():
        question = f"{question}\n{extra}" if question.strip() else extra
        notes.append("input_appended")
    if history:
        notes.append("history")
    return [*([{"role": "system", "content": system}] if system.strip() else []), *history,
            {"role": "user", "content": question}]


def _answer(value: Any) -> list[dict[str, str]] | None:
    answer = text(value)
    return None if answer is None else [{"role": "assistant", "content": answer}]


def record_row(values: Mapping[str, Any], kind: str) -> tuple[dict[str, Any], tuple[str, ...]] | None:
    """The OpenAI example for a record given by role (see WORDS), and notes on what was done; None when a
    value cannot be read (an object where text belongs, a history that is not question/answer pairs)."""
    if kind == "completion":
        prompt, completion = text(values.get("prompt")), text(values.get("completion"))
        return None if prompt is None or completion is None else ({"prompt": prompt, "completion": completion}, ())
    notes: list[str] = []
    prompt = _prompt(values, notes)
    if prompt is None:
        return None
    if kind == "chat":
        answer = values.get("assistant")
        if isinstance(answer, list) and len(answer) == 2:  # LLaMA-Factory's ranking: [chosen, rejected]
            return record_row({**values, "preferred": answer[0], "non_preferred": answer[1]}, "dpo")
        reply = _answer(answer)
        return None if reply is None else ({"messages": prompt + reply}, tuple(notes))
    preferred, rejected = _answer(values.get("preferred")), _answer(values.get("non_preferred"))
    if preferred is None or rejected is None:
        return None
    return ({"input": {"messages": prompt}, "preferred_output": preferred, "non_preferred_output": rejected},
            tuple(notes))
