"""Read the questions out of a model's reply, however it wrote them: a JSON object with a list, a bare JSON
array, either inside a code fence, a list cut off at the token limit (its whole strings are kept), or numbered
or bulleted lines. The reply is untrusted: its size, the number of questions and their length are bounded."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

REPLY_CHARS = 200_000  # of a reply read at most
QUESTION_CHARS = 2000  # a longer "question" is not one
_FENCE = re.compile(r"```[a-zA-Z]*\s*\n?(.*?)(?:```|$)", re.S)
_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"(\s*:)?')
_LISTED = re.compile(r"^\s*(?:\d{1,3}\s*[.)、:：]|[-*•·])\s*(.+?)\s*$", re.M)
_TEXT_KEYS = ("question", "text", "content", "q")


def _from_json(text: str) -> list[Any] | None:
    """The list a JSON reply holds: the reply itself, or the first list among its values."""
    start = min((i for i in (text.find("["), text.find("{")) if i >= 0), default=-1)
    if start < 0:
        return None
    end = max(text.rfind("]"), text.rfind("}"))
    try:
        value = json.loads(text[start:end + 1])
    except (ValueError, RecursionError):
        return None
    if isinstance(value, dict):
        value = value.get("questions", next((v for v in value.values() if isinstance(v, list)), None))
    return value if isinstance(value, list) else None


def _item_text(item: Any) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        return next((item[k] for k in _TEXT_KEYS if isinstance(item.get(k), str)), "")
    return ""


def _salvaged(text: str) -> list[str]:
    """The whole strings of a JSON list that was cut off (object keys left out)."""
    start = text.find("[")
    if start < 0:
        return []
    found = []
    for match in _STRING.finditer(text, start):
        if match.group(2):  # a key of an object in the list
            continue
        try:
            found.append(json.loads(f'"{match.group(1)}"'))
        except ValueError:
            continue
    return found


def key(text: str) -> str:
    """What two questions that differ only in case, width, spaces and punctuation have in common."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def _candidates(reply: str) -> list[Any] | None:
    """The items of the list the reply holds, or None when it holds none."""
    text = reply[:REPLY_CHARS]
    fenced = _FENCE.search(text)
    body = fenced.group(1) if fenced else text
    items = _from_json(body)
    if items is not None:
        return [_item_text(i) for i in items]
    return _salvaged(body) or _LISTED.findall(body) or None


def holds_a_list(reply: str) -> bool:
    """True when the reply is a list, if perhaps an empty one or one of questions already asked."""
    return _candidates(reply) is not None


def parse_questions(reply: str, wanted: int, seen: Iterable[str] = ()) -> list[str]:
    """Up to ``wanted`` new questions from ``reply``: without empties, overlong ones, repeats, or ones whose
    ``key`` is in ``seen``."""
    known = set(seen)
    questions = []
    for candidate in _candidates(reply) or ():
        question = candidate.strip().strip('"“”').strip()
        if not question or len(question) > QUESTION_CHARS or key(question) in known or not key(question):
            continue
        known.add(key(question))
        questions.append(question)
        if len(questions) >= wanted:
            break
    return questions
