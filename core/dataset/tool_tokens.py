"""Tokens of function calling: the tool definitions a row declares and the calls its assistant makes.

The API writes tool definitions into the prompt as text, so training bills them like any other input.
The rule and its constants are OpenAI's cookbook, "How to count tokens with tiktoken", section 7,
``num_tokens_for_tools`` (openai/openai-cookbook, examples/How_to_count_tokens_with_tiktoken.ipynb, read at c81359c),
which matched the API's prompt_tokens exactly for gpt-3.5-turbo, gpt-4, gpt-4o and gpt-4o-mini.
Nothing here raises: a malformed definition counts what it has, a ``tools`` value that is not a list counts 0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from core.dataset.tokens import count_text, encoding_name_for

MAX_DEPTH = 16  # nested schemas deeper than this are not counted (and cannot exhaust the stack)
# A call is written into the assistant's turn with the recipient "to=functions.{name}" before its
# arguments, as OpenAI's published harmony format shows (openai-cookbook articles/openai-harmony.md:
# "<|start|>assistant<|channel|>commentary to=functions.get_weather ...<|message|>{...}<|call|>").
# " to", "=", "functions", "." are 4 tokens in both o200k_base and cl100k_base. Cross-check: with this,
# a calculator call plus its tool answer is 24 tokens, where a forum measurement of gpt-3.5-turbo found
# 24-25 per extra pair (community.openai.com/t/strange-token-cost-calculation-for-tool-calls/538914).
TOKENS_PER_CALL = 4


@dataclass(frozen=True)
class ToolCosts:
    """The cookbook's constants, under its names: per function, per properties list, per property, per enum..."""

    func_init: int
    prop_init: int = 3
    prop_key: int = 3
    enum_init: int = -3
    enum_item: int = 3
    func_end: int = 12  # once per list of definitions


GPT_4O_COSTS = ToolCosts(func_init=7)  # the cookbook's values for gpt-4o and gpt-4o-mini
GPT_4_COSTS = ToolCosts(func_init=10)  # ... and for gpt-3.5-turbo and gpt-4


def costs_for(model: str) -> ToolCosts:
    """The cookbook's gpt-3.5/gpt-4 constants for the cl100k_base models; its gpt-4o ones for the newer models."""
    return GPT_4_COSTS if encoding_name_for(model) == "cl100k_base" else GPT_4O_COSTS


def _text(value: Any) -> str:
    """A value as the model reads it: text as is, anything else as JSON (true, 3, null...), nothing as ""."""
    if isinstance(value, str):
        return value
    try:
        return "" if value is None else json.dumps(value, ensure_ascii=False, default=str)
    except (RecursionError, ValueError):  # nested too deeply to write out: count nothing rather than fail
        return ""


def _description(schema: dict[str, Any]) -> str:
    description = schema.get("description")
    return description.removesuffix(".") if isinstance(description, str) else ""  # the cookbook drops one "."


def _type(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    return " | ".join(_text(k) for k in kind) if isinstance(kind, list) else _text(kind)


def _enum_tokens(enum: Any, costs: ToolCosts, model: str) -> int:
    if not isinstance(enum, list) or not enum:
        return 0
    return costs.enum_init + sum(costs.enum_item + count_text(_text(item), model) for item in enum)


def _schema_extras(schema: dict[str, Any], costs: ToolCosts, model: str, depth: int) -> int:
    """Enum values; and, our extension of the cookbook (which stops at the first level), the properties of
    nested objects and of array items, counted with the same constants."""
    tokens = _enum_tokens(schema.get("enum"), costs, model)
    if depth >= MAX_DEPTH:
        return tokens
    tokens += _properties_tokens(schema.get("properties"), costs, model, depth + 1)
    items = schema.get("items")
    return tokens + (_schema_extras(items, costs, model, depth + 1) if isinstance(items, dict) else 0)


def _properties_tokens(properties: Any, costs: ToolCosts, model: str, depth: int = 0) -> int:
    if not isinstance(properties, dict) or not properties:
        return 0
    tokens = costs.prop_init
    for name, schema in properties.items():
        schema = schema if isinstance(schema, dict) else {}
        tokens += costs.prop_key + count_text(f"{name}:{_type(schema)}:{_description(schema)}", model)
        tokens += _schema_extras(schema, costs, model, depth)
    return tokens


def _function_tokens(function: dict[str, Any], costs: ToolCosts, model: str) -> int:
    tokens = costs.func_init + count_text(f"{_text(function.get('name'))}:{_description(function)}", model)
    parameters = function.get("parameters")
    return tokens + (_properties_tokens(parameters.get("properties"), costs, model)
                     if isinstance(parameters, dict) else 0)


def _definitions(holder: dict[str, Any]) -> list[dict[str, Any]]:
    """The function definitions of ``tools`` ({"type": "function", "function": {...}}) and legacy ``functions``."""
    tools, functions = holder.get("tools"), holder.get("functions")
    found = [t.get("function") for t in tools if isinstance(t, dict)] if isinstance(tools, list) else []
    found += functions if isinstance(functions, list) else []
    return [f for f in found if isinstance(f, dict)]


def tools_tokens(holder: Any, model: str) -> int:
    """Tokens of the tool definitions in a row (or a DPO ``input``); 0 at once when it declares none."""
    if not isinstance(holder, dict) or ("tools" not in holder and "functions" not in holder):
        return 0
    functions = _definitions(holder)
    if not functions:
        return 0
    costs = costs_for(model)
    return sum(_function_tokens(f, costs, model) for f in functions) + costs.func_end


def _call_tokens(function: dict[str, Any], model: str) -> int:
    return TOKENS_PER_CALL + count_text(_text(function.get("name")), model) + count_text(
        _text(function.get("arguments")), model)


def calls_tokens(message: dict[str, Any], model: str) -> int:
    """Tokens of the calls an assistant message makes (``tool_calls``, or the legacy ``function_call``)."""
    calls = message.get("tool_calls")
    functions = [c.get("function") for c in calls if isinstance(c, dict)] if isinstance(calls, list) else []
    functions.append(message.get("function_call"))
    return sum(_call_tokens(f, model) for f in functions if isinstance(f, dict))
