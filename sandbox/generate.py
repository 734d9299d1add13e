"""How Sandbox base models play along when asked to write training data: deterministic, offline, in the
language of what they are given.

- A request for a list: a system message that asks for a JSON array, or shows a JSON object holding one
  (``{"KEY": [``), and says how many items (the first number in it); or a ``response_format`` of type
  json_schema. The reply is JSON: ``{"KEY": [...]}`` when the system message shows
  such an object (or the schema names an array property), else a bare array. Its items are new questions built
  from the material: the lines between triple quotes in the last user message (or all its lines), one topic or
  two per question. Questions already in the prompt are never repeated.
- A question with context: a system message holding text between triple quotes is answered with the sentence of
  that text that shares most words with the question; after earlier user/assistant turns, a question that shares
  words with one of them gets its answer (a conversation on another subject gets the usual practice reply).
The same request always gets the same reply: the choice is seeded by a hash of the messages.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import unicodedata
from typing import Any

from sandbox.answers import _STOP_CHARS, _STOP_WORDS  # the function words its matching weighs little
from sandbox.tokens import text_of

MAX_ITEMS = 100
MATERIAL_CHARS = 200_000  # of a prompt read at most
MAX_TOPICS = 30  # two-topic questions grow with the square of this
BLOCK = re.compile(r'"""\n?(.*?)\n?"""', re.S)
CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_OBJECT_KEY = re.compile(r'\{\s*"(\w+)"\s*:\s*\[')
_BARE_LIST = re.compile(r"JSON (?:array|list)", re.I)
_LIST_MARK = re.compile(r"^\s*(?:\d+[.)、]|[-*•])\s*")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")
_CJK_RUNS = re.compile(f"[{CJK.pattern[1:-1]}]+")
# Question words and particles between which a Chinese question's subject stands ("我的|订单|什么时候|发货")
_CJK_SPLIT = re.compile(r"什么时候|什么|怎么样|怎么|怎样|如何|哪里|哪些|哪个|多少钱|多少|多久|是否|可以|能否|"
                        r"能不能|请问|我的|我们|你们|您好|[吗呢吧啊呀谁的和与或是在有了我你您，、：；\W\s]")

_ENGLISH = ("Can you tell me more about {t}?", "What should I know about {t}?", "Are there any rules for {t}?",
            "Who do I contact about {t}?", "Is there a fee for {t}?", "What are common problems with {t}?",
            "Where can I read more about {t}?", "Can you give me an example of {t}?", "Has anything changed about {t}?",
            "Is {t} the same on weekends?", "How do I check {t}?", "Why is {t} important?")
_ENGLISH_PAIRS = ("What is the difference between {t} and {u}?", "Does {t} affect {u}?")
_CHINESE = ("能详细介绍一下{t}吗？", "{t}一般需要多长时间？", "{t}出了问题该怎么办？", "关于{t}，有哪些常见的误区？",
            "办理{t}需要准备什么？", "{t}有没有什么注意事项？", "周末也可以处理{t}吗？", "{t}的费用是怎么计算的？",
            "谁可以帮我处理{t}？", "能举一个{t}的例子吗？", "为什么{t}这么重要？", "哪里可以了解更多关于{t}的信息？")
_CHINESE_PAIRS = ("{t}和{u}有什么区别？", "{t}和{u}可以同时办理吗？")


def _seed(*parts: Any) -> int:
    return int.from_bytes(hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True,
                                                    default=str).encode()).digest()[:8], "big")


def _key(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _texts(messages: list[dict[str, Any]], *roles: str) -> list[str]:
    return [text_of(m.get("content")) for m in messages if m.get("role") in roles]


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _array_in(response_format: Any) -> tuple[str, int | None] | None:
    """(name, maxItems or minItems) of the first array property of a json_schema response format."""
    if not isinstance(response_format, dict) or response_format.get("type") != "json_schema":
        return None
    schema = response_format.get("json_schema")
    inner = schema.get("schema") if isinstance(schema, dict) else None
    properties = inner.get("properties") if isinstance(inner, dict) else None
    arrays = [(k, v) for k, v in properties.items() if isinstance(v, dict) and v.get("type") == "array"] \
        if isinstance(properties, dict) else []
    name, array = arrays[0] if arrays else ("items", {})
    return str(name), _whole(array.get("maxItems")) or _whole(array.get("minItems"))


def list_wanted(messages: list[dict[str, Any]], response_format: Any) -> tuple[int, str | None] | None:
    """(how many items, the key of the object holding them or None for a bare array) for a request that asks
    for a JSON list; None for any other request."""
    system = "\n".join(_texts(messages, "system", "developer"))[:MATERIAL_CHARS]
    number = re.search(r"[0-9]{1,6}", system)
    schema = _array_in(response_format)
    if schema is not None:
        count = schema[1] or (int(number.group()) if number else 5)
        return min(max(count, 1), MAX_ITEMS), schema[0]
    found = _OBJECT_KEY.search(system)
    if number is None or "JSON" not in system or not (found or _BARE_LIST.search(system)):
        return None
    return min(max(int(number.group()), 1), MAX_ITEMS), found.group(1) if found else None


def _material(messages: list[dict[str, Any]]) -> list[str]:
    user = (_texts(messages, "user") or [""])[-1][:MATERIAL_CHARS]
    blocks = BLOCK.findall(user) or [user]
    return [_LIST_MARK.sub("", line).strip() for block in blocks for line in block.splitlines() if line.strip()]


# Words that do not name a topic, beyond the function words: prepositions and common verbs.
_NOT_TOPICS = _STOP_WORDS | frozenset((
    "after", "before", "between", "during", "per", "since", "until", "via", "within", "without", "change", "come",
    "find", "get", "give", "go", "keep", "know", "let", "make", "need", "put", "reset", "see", "send", "set", "take",
    "tell", "use", "want"))


def _english_topics(sentence: str) -> list[str]:
    """Runs of words between function words ("change my delivery address" -> "delivery address"), the last three
    words of each (where English puts the noun), leaving out short words and lone verb forms."""
    topics, run = [], []
    for word in [*_WORD.findall(sentence), "the"]:  # a function word closes the last run
        if word.lower() not in _NOT_TOPICS:
            run.append(word if word[1:2].isupper() else word.lower())
            continue
        if len(run) > 1 or run and len(run[0]) > 3 and not run[0].endswith(("ed", "ing")):
            topics.append(" ".join(run[-3:]))
        run = []
    return topics


def _chinese_topics(sentence: str) -> list[str]:
    """The first phrase between question words: the subject, mostly."""
    return next(([run[:12]] for run in _CJK_SPLIT.split(sentence) if len(run) >= 2), [])


def _topics(lines: list[str], chinese: bool) -> list[str]:
    topics: list[str] = []
    for line in lines:
        for sentence in _SENTENCE.findall(line):
            found = _chinese_topics(sentence) if chinese else _english_topics(sentence)
            topics += [t for t in found if t not in topics]
            if len(topics) >= MAX_TOPICS:
                return topics[:MAX_TOPICS]
    return topics


def questions(messages: list[dict[str, Any]], count: int) -> list[str]:
    """``count`` new questions (fewer when the material runs out), none of them already in the prompt."""
    lines = _material(messages)
    chinese = any(CJK.search(line) for line in lines)
    topics = _topics(lines, chinese)
    singles, pairs = (_CHINESE, _CHINESE_PAIRS) if chinese else (_ENGLISH, _ENGLISH_PAIRS)
    candidates = [template.format(t=t) for template in singles for t in topics]
    candidates += [template.format(t=t, u=u) for template in pairs for t in topics for u in topics if t != u]
    random.Random(_seed(messages, count)).shuffle(candidates)
    said = _key(" ".join(text_of(m.get("content")) for m in messages)[:MATERIAL_CHARS])
    made: list[str] = []
    for candidate in candidates:
        if _key(candidate) not in said and candidate not in made:
            made.append(candidate)
            if len(made) == count:
                break
    return made


def list_reply(messages: list[dict[str, Any]], wanted: tuple[int, str | None]) -> str:
    count, key = wanted
    made = questions(messages, count)
    return json.dumps({key: made} if key else made, ensure_ascii=False)


def _terms(text: str) -> set[str]:
    lowered = text.lower()
    words = {w for w in _WORD.findall(lowered) if not CJK.search(w) and w not in _STOP_WORDS}
    pairs = {run[i:i + 2] for run in _CJK_RUNS.findall(lowered) for i in range(len(run) - 1)
             if not set(run[i:i + 2]) <= _STOP_CHARS}
    return words | pairs


def _closest(question: str, candidates: list[str]) -> int | None:
    """The candidate sharing most words (or CJK character pairs) with the question; None when none shares one."""
    wanted = _terms(question)
    scores = [len(wanted & _terms(c)) for c in candidates]
    best = max(scores, default=0)
    return scores.index(best) if best else None


def context_answer(messages: list[dict[str, Any]]) -> str | None:
    """An answer from the request's own context (a quoted text, earlier turns), or None when it has none."""
    question = (_texts(messages, "user") or [""])[-1]
    system = "\n".join(_texts(messages, "system", "developer"))[:MATERIAL_CHARS]
    quoted = [s.strip() for block in BLOCK.findall(system) for s in _SENTENCE.findall(block) if s.strip()]
    if quoted:
        found = _closest(question, quoted)
        if found is not None:
            return quoted[found]
        return "文中没有提到这一点。" if CJK.search(question) else "The text does not say."
    turns = [m for m in messages[:-1] if m.get("role") in ("user", "assistant")]
    pairs = [(text_of(a.get("content")), text_of(b.get("content"))) for a, b in zip(turns, turns[1:], strict=False)
             if a.get("role") == "user" and b.get("role") == "assistant"]
    found = _closest(question, [asked for asked, _ in pairs])
    return pairs[found][1] if found is not None else None


def broken(text: str, listing: bool) -> tuple[str, str]:
    """(text, finish reason) of a model that misbehaves (the malformed_output fault): a list comes back as prose
    with its JSON cut off mid-string, any other answer empty at the token limit."""
    if not listing:
        return "", "length"
    return "Sure! Here are some questions you could add:\n" + text[:text.find('"', text.find("[")) + 12], "length"
