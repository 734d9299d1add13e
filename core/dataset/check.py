"""File-level checks over validated rows: counts, duplicates, token limits, statistics and cost.

The cookbook's advice is included (missing system messages, truncation, few examples → more epochs).
"""

from __future__ import annotations

import hashlib
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from core.dataset.estimate import Estimate, estimate, price_table
from core.dataset.model import Format, Row, content_text, is_legacy_model
from core.dataset.sources import OPENAI
from core.dataset.tokens import TOKENS_PER_MESSAGE, count_text, encoder_for, image_parts
from core.dataset.tool_tokens import calls_tokens, tools_tokens
from core.dataset.validate import ROLES, Problem, Severity, check_row
from core.i18n import tr

# The cookbook: at least 10 examples; "clear improvements from fine-tuning on 50 to 100 training examples".
MIN_EXAMPLES, RECOMMENDED_EXAMPLES = 10, 50
MAX_FILE_BYTES = 512 * 1024 * 1024
DEFAULT_MODEL = "gpt-4o-mini-2024-07-18"
SUFFIX_CHARS = 12  # enough for the longest usual separator, "\n\n###\n\n"


@dataclass(frozen=True)
class TokenStats:
    total: int = 0
    min: int = 0
    median: int = 0
    p95: int = 0
    max: int = 0
    over_limit: int = 0


@dataclass(frozen=True)
class CheckReport:
    format: Format
    examples: int
    problems: tuple[Problem, ...]
    tokens: TokenStats
    estimate: Estimate
    origins: tuple[tuple[str, int], ...] = ()  # (source format, rows converted from it), most first
    notes: tuple[tuple[str, int], ...] = ()  # (what a conversion did, rows), e.g. ("input_appended", 230)

    @property
    def source_format(self) -> str:
        """The format the file was in: "openai", or the one most of its converted rows came from."""
        return self.origins[0][0] if self.origins else OPENAI

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def usable(self) -> bool:
        return not self.errors


def detect_format(rows: Sequence[Row]) -> Format:
    """The format most parsed rows have."""
    counts = Counter(r.format for r in rows if r.data is not None and r.format is not Format.UNKNOWN)
    return counts.most_common(1)[0][0] if counts else Format.UNKNOWN


Count = Callable[[str], int]  # tokens of one text, for one model


def messages_tokens(messages: Any, model: str, count: Count | None = None) -> int:
    if not isinstance(messages, list):
        return 0
    count = count or (lambda text: count_text(text, model))
    return sum(count(content_text(m.get("content")) or "") + TOKENS_PER_MESSAGE
               + (calls_tokens(m, model) if "tool_calls" in m or "function_call" in m else 0)
               for m in messages if isinstance(m, dict))


def example_tokens(data: dict[str, Any], fmt: Format, model: str, count: Count | None = None) -> int:
    """Tokens of one example, counted the way training is billed (see tokens.TOKENS_PER_MESSAGE and, for
    tool definitions and calls, tool_tokens). ``count`` may remember texts already counted (see memo_count)."""
    if fmt is Format.CHAT:
        return messages_tokens(data.get("messages"), model, count) + tools_tokens(data, model)
    count = count or (lambda text: count_text(text, model))
    if fmt is Format.COMPLETION:
        return count(str(data.get("prompt", ""))) + count(str(data.get("completion", "")))
    inputs = data.get("input", {}).get("messages") if isinstance(data.get("input"), dict) else None
    tools = tools_tokens(data, model) + tools_tokens(data.get("input"), model)  # DPO tools sit in either place
    return tools + sum(messages_tokens(part, model, count) for part in (inputs, data.get("preferred_output"),
                                                                        data.get("non_preferred_output")))


def memo_count(model: str) -> Count:
    """count_text that counts each distinct text once: system prompts and templates repeat across the rows of
    a file, often word for word. Use one per batch of rows (it keeps the texts it has seen)."""
    seen: dict[str, int] = {}
    encode = encoder_for(model)

    def count(text: str) -> int:
        tokens = seen.get(text)
        if tokens is None:
            tokens = seen[text] = len(encode(text))
        return tokens

    return count


PLAIN_MESSAGE_KEYS = frozenset({"role", "content", "name"})


def _plain_chat(data: dict[str, Any], count: Count) -> tuple[int, bool] | None:
    """(tokens, has a system message) of the usual chat row, which check_row would find nothing wrong with:
    only "messages", each with a known role and non-blank text that holds no "<|", at least one from the
    assistant. None for any other row, which takes the full path; both paths give the same result."""
    messages = data.get("messages")
    if len(data) != 1 or not isinstance(messages, list) or not messages:
        return None
    tokens, system, assistant = 0, False, False
    for message in messages:
        if not isinstance(message, dict) or not message.keys() <= PLAIN_MESSAGE_KEYS:
            return None
        role, content = message.get("role"), message.get("content")
        # not content.strip(), without the copy: str.strip() removes exactly what str.isspace() matches
        if role not in ROLES or not isinstance(content, str) or not content or content.isspace() \
                or "<|" in content:
            return None
        system = system or role == "system"
        assistant = assistant or role == "assistant"
        tokens += count(content) + TOKENS_PER_MESSAGE
    return (tokens, system) if assistant else None


def _stats(counts: list[int], limit: int | None) -> TokenStats:
    if not counts:
        return TokenStats()
    ordered = sorted(counts)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    over = sum(1 for c in counts if limit is not None and c > limit)
    return TokenStats(sum(counts), ordered[0], int(statistics.median(ordered)), p95, ordered[-1], over)


def row_key(row: Row) -> bytes:
    """A short digest that is equal for identical examples (key order ignored)."""
    data = orjson.dumps(row.data, option=orjson.OPT_SORT_KEYS) if row.data is not None else row.raw.encode()
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass(frozen=True, slots=True)
class RowResult:
    """What checking one row found; the editor keeps one per row and re-makes it after each edit."""

    problems: tuple[Problem, ...]
    tokens: int | None  # None when the row is not an example of the file's format
    key: bytes  # equal for identical examples
    missing_system: bool = False
    prompt_end: str | None = None  # completion data: the last characters of the prompt and completion
    completion_end: str | None = None
    completion_without_space: bool = False
    origin: str = ""
    notes: tuple[str, ...] = ()
    images: int = 0  # image parts, which the token count leaves out


def examine(row: Row, fmt: Format, model: str, count: Count | None = None) -> RowResult:
    """Validate one row and count its tokens; ``count`` (from memo_count) when many rows are examined."""
    if fmt is Format.CHAT and row.data is not None and not row.origin and not row.notes:
        plain = _plain_chat(row.data, count or memo_count(model))
        if plain is not None:
            return RowResult((), plain[0], row_key(row), missing_system=not plain[1])
    problems, key = tuple(check_row(row, fmt)), row_key(row)
    if row.data is None or row.format is not fmt:
        return RowResult(problems, None, key, origin=row.origin, notes=row.notes)
    tokens = example_tokens(row.data, fmt, model, count)
    if fmt is Format.COMPLETION:
        prompt, completion = str(row.data.get("prompt", "")), str(row.data.get("completion", ""))
        # Only words written with spaces need a leading space; Chinese and Japanese text does not.
        without_space = bool(completion) and not completion[0].isspace() and mostly_latin(completion)
        return RowResult(problems, tokens, key, prompt_end=prompt[-SUFFIX_CHARS:],
                         completion_end=completion[-SUFFIX_CHARS:], completion_without_space=without_space,
                         origin=row.origin, notes=row.notes)
    return RowResult(problems, tokens, key, missing_system=fmt is Format.CHAT and not _has_system(row),
                     origin=row.origin, notes=row.notes, images=image_parts(row.data))


def mostly_latin(text: str, sample: int = 200) -> bool:
    """True when most letters of the text's start are Latin ("2023年6月30日" and "500万元" are not)."""
    letters = [c for c in text[:sample] if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) * 2 > len(letters)


@dataclass
class Summary:
    """Row results merged; small enough to send back from a worker process."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[int, int] = field(default_factory=dict)  # line -> tokens
    keys: list[tuple[int, bytes]] = field(default_factory=list)  # (line, row_key)
    missing_system: int = 0
    rows: int = 0
    prompt_ends: list[str] = field(default_factory=list)  # completion data: last characters of each prompt
    completion_ends: list[str] = field(default_factory=list)
    completions_without_space: int = 0
    origins: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    images: int = 0

    def add(self, line: int, result: RowResult, renumber: bool = False) -> None:
        """Add one row's result; ``renumber`` gives its problems ``line`` (the editor's row number)."""
        self.rows += 1
        if result.problems:
            self.problems += ([Problem(line, p.code, p.severity, p.message) for p in result.problems]
                              if renumber else result.problems)
        self.keys.append((line, result.key))
        if result.tokens is not None:
            self.counts[line] = result.tokens
        self.missing_system += result.missing_system
        if result.prompt_end is not None:
            self.prompt_ends.append(result.prompt_end)
            self.completion_ends.append(result.completion_end or "")
        self.completions_without_space += result.completion_without_space
        self.images += result.images
        if result.origin:
            self.origins[result.origin] += 1
            self.notes.update(result.notes)


def _has_system(row: Row) -> bool:
    messages = row.data.get("messages") if row.data is not None else None
    return isinstance(messages, list) and any(isinstance(m, dict) and m.get("role") == "system" for m in messages)


def summarise(rows: Sequence[Row], fmt: Format, model: str) -> Summary:
    """Validate each row and count its tokens."""
    summary, count = Summary(), memo_count(model)
    for row in rows:
        summary.add(row.line, examine(row, fmt, model, count))
    return summary


def _common_suffix(texts: list[str]) -> str:
    if not texts:
        return ""
    shortest = min(texts, key=len)
    size = len(shortest)
    while size and any(not t.endswith(shortest[len(shortest) - size:]) for t in texts):
        size -= 1
    return shortest[len(shortest) - size:] if size else ""


def completion_markers(rows: Sequence[Row]) -> tuple[str, str]:
    """(separator, stop sequence): what every prompt and every completion of the rows ends with."""
    pairs = [(str(r.data.get("prompt", "")), str(r.data.get("completion", ""))) for r in rows
             if r.data is not None and r.format is Format.COMPLETION]
    return _common_suffix([p for p, _ in pairs]), _common_suffix([c for _, c in pairs])


def _legacy_hints(summaries: Sequence[Summary]) -> list[Problem]:
    """The legacy prepare_data tool's useful advice for prompt/completion data."""
    prompts = [e for s in summaries for e in s.prompt_ends]
    if not prompts:
        return []
    hints = []
    if not _common_suffix(prompts):
        hints.append(_warn(None, "no_prompt_separator", tr("The prompts do not end with a common separator (such "
                                                           "as “ ->” or “\\n\\n###\\n\\n”); the model cannot tell "
                                                           "where a prompt ends.")))
    if not _common_suffix([e for s in summaries for e in s.completion_ends]):
        hints.append(_warn(None, "no_completion_ending", tr("The completions do not end with a common stop "
                                                            "sequence (such as “\\n” or “ END”); answers may run "
                                                            "on.")))
    without_space = sum(s.completions_without_space for s in summaries)
    if without_space:
        hints.append(_warn(None, "completion_leading_space", tr("{n} completions in English start without a "
                                                                "space; the legacy models learn better with "
                                                                "one.").format(n=without_space)))
    return hints


def format_problems(fmt: Format, model: str, method: str = "") -> list[Problem]:
    """The file's format against the model (chat models train on chat rows, legacy ones on prompt/completion)
    and the method (DPO on preference rows)."""
    if fmt is Format.COMPLETION and not is_legacy_model(model):
        return [Problem(None, "needs_chat", Severity.ERROR, tr(
            "These are prompt/completion examples, but {model} trains on chat examples; the job would fail. "
            "Convert them to chat (Fix → Convert to chat).").format(model=model))]
    if fmt in (Format.CHAT, Format.DPO) and is_legacy_model(model):
        return [Problem(None, "needs_completion", Severity.ERROR, tr(
            "{model} trains on prompt/completion examples only; choose a chat model such as gpt-4o-mini for "
            "these {format} examples.").format(model=model, format=fmt.value))]
    if method == "dpo" and fmt is not Format.DPO:
        return [Problem(None, "needs_dpo", Severity.ERROR, tr(
            "DPO training needs preference examples (a question with a preferred and a non-preferred answer); "
            "this file has {format} examples.").format(format=fmt.value))]
    if method == "supervised" and fmt is Format.DPO:
        return [Problem(None, "needs_supervised", Severity.ERROR, tr(
            "These are preference (DPO) examples: choose the DPO method, or use chat examples for supervised "
            "training."))]
    return []


def _warn(line: int | None, code: str, message: str) -> Problem:
    return Problem(line, code, Severity.WARNING, message)


def _count_problems(n_rows: int, file_size: int, missing_system: int) -> list[Problem]:
    problems: list[Problem] = []
    if n_rows < MIN_EXAMPLES:
        problems.append(Problem(None, "too_few_examples", Severity.ERROR,
                                tr("The file has {n} examples; fine-tuning needs at least {min}.").format(
                                    n=n_rows, min=MIN_EXAMPLES)))
    elif n_rows < RECOMMENDED_EXAMPLES:
        problems.append(_warn(None, "few_examples", tr("Only {n} examples: 50 to 100 good examples usually work "
                                                       "better; with few examples, training runs more epochs.")
                              .format(n=n_rows)))
    if file_size > MAX_FILE_BYTES:
        problems.append(_warn(None, "large_file", tr("The file is larger than 512 MB; it will be sent in parts "
                                                     "through the Uploads API.")))
    if missing_system:
        problems.append(_warn(None, "missing_system", tr("{n} examples have no system message.").format(
            n=missing_system)))
    return problems


def _key_problems(keys: list[tuple[int, bytes]], validation_keys: set[bytes]) -> list[Problem]:
    problems: list[Problem] = []
    first_seen: dict[bytes, int] = {}
    for line, key in keys:
        first = first_seen.setdefault(key, line)
        if first != line:
            problems.append(_warn(line, "duplicate", tr("Same example as line {line}.").format(line=first)))
        if key in validation_keys:
            problems.append(Problem(line, "in_validation", Severity.ERROR,
                                    tr("This example is also in the validation file; a model cannot be judged "
                                       "on data it trained on.")))
    return problems


def finish(summaries: Sequence[Summary], fmt: Format, model: str, file_size: int = 0,
           validation_keys: set[bytes] | None = None, method: str = "") -> CheckReport:
    """Merge per-row summaries (in file order) into the report, adding the file-level checks; ``method``
    ("supervised" or "dpo") when the file is about to be used for a job of that kind."""
    limit = price_table().context(model)
    counts = {line: tokens for s in summaries for line, tokens in s.counts.items()}
    n_rows = sum(s.rows for s in summaries)
    problems = [p for s in summaries for p in s.problems]
    problems += format_problems(fmt, model, method)
    problems += _count_problems(n_rows, file_size, sum(s.missing_system for s in summaries))
    images = sum(s.images for s in summaries)
    if images:
        problems.append(_warn(None, "images_not_counted", tr(
            "{n} images are not included in the token count or the cost: what an image costs depends on its size "
            "in pixels, which the file does not hold.").format(n=images)))
    if is_legacy_model(model):
        problems += _legacy_hints(summaries)
    problems += _key_problems([k for s in summaries for k in s.keys], validation_keys or set())
    problems += [_warn(line, "over_token_limit", tr("{tokens} tokens: longer than the {limit} {model} trains on, "
                                                    "so it will be cut short.").format(tokens=tokens, limit=limit,
                                                                                     model=model))
                 for line, tokens in counts.items() if limit is not None and tokens > limit]
    problems.sort(key=lambda p: (p.line is not None, p.line or 0))
    stats = _stats(list(counts.values()), limit)
    origins, notes = Counter[str](), Counter[str]()
    for summary in summaries:
        origins.update(summary.origins)
        notes.update(summary.notes)
    return CheckReport(fmt, n_rows, tuple(problems), stats, estimate(model, stats.total, n_rows),
                       tuple(origins.most_common()), tuple(notes.most_common()))


def check_rows(rows: Sequence[Row], model: str = DEFAULT_MODEL, expected: Format = Format.UNKNOWN,
               file_size: int = 0, validation: Sequence[Row] = (), method: str = "") -> CheckReport:
    """Validate every row and the file as a whole, count tokens and estimate the cost."""
    fmt = expected if expected is not Format.UNKNOWN else detect_format(rows)
    return finish([summarise(rows, fmt, model)], fmt, model, file_size, {row_key(r) for r in validation}, method)
