"""How the Sandbox counts tokens: tiktoken, offline, with OpenAI's BPE files that ship in resources/tokenizers.

The real API does not publish how it counts a training example. The Sandbox bills by the rule of OpenAI's
cookbook (openai/openai-cookbook, examples/How_to_count_tokens_with_tiktoken.ipynb, ``num_tokens_from_messages``;
used again in examples/Chat_finetuning_data_prep.ipynb to estimate fine-tuning cost): 3 tokens per message, the
tokens of its role and content (1 more for a name), and 3 for the reply the example primes. Tool definitions and
calls count as the tokens of their JSON text: an approximation, as the API writes them into the prompt in a form it
does not publish. The app estimates with its own rule (core/dataset), so the estimate and the Sandbox's bill differ a
little, as they do against the real API.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tiktoken

# tiktoken reads these files from its cache folder; they are stored there under the names it gives them.
TOKENIZERS = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent)) / "resources" / "tokenizers"
BUNDLED = ("o200k_base", "cl100k_base")
FALLBACK = "o200k_base"  # for models tiktoken does not know (Zhipu's and Bailian's have tokenizers of their own)
PER_MESSAGE, PER_NAME, PER_REPLY = 3, 1, 3  # the cookbook's constants for today's models


@functools.cache
def _encoding(name: str) -> tiktoken.Encoding:
    os.environ["TIKTOKEN_CACHE_DIR"] = str(TOKENIZERS)  # never download
    return tiktoken.get_encoding(name)


@functools.lru_cache(maxsize=256)  # bounded: model names come from clients
def _encoding_name(model: str) -> str:
    try:
        name = tiktoken.encoding_name_for_model(model)  # tiktoken's own table, ft: names included
    except KeyError:
        return FALLBACK
    return name if name in BUNDLED else FALLBACK


def encoder(model: str) -> Callable[[str], list[int]]:
    """Text to tokens for ``model``; special-token strings count as ordinary text."""
    return _encoding(_encoding_name(model)).encode_ordinary


def text_tokens(text: str, model: str) -> int:
    return len(encoder(model)(text))


def truncate(text: str, model: str, limit: int) -> str | None:
    """The first ``limit`` tokens of ``text``, or None when it is not longer than that."""
    tokens = encoder(model)(text)
    return _encoding(_encoding_name(model)).decode(tokens[:limit]) if len(tokens) > limit else None


def text_of(content: object) -> str:
    """A message's text: a string, or the text parts of a content list; "" for anything else."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def json_tokens(value: object, model: str) -> int:
    """Tokens of ``value`` written as JSON; 0 for nothing or for what cannot be written."""
    if value is None:
        return 0
    try:
        return text_tokens(json.dumps(value, ensure_ascii=False), model)
    except (RecursionError, ValueError, TypeError):
        return 0


def _message_tokens(message: dict[str, Any], model: str) -> int:
    role, content = str(message.get("role", "")), text_of(message.get("content"))
    tokens = PER_MESSAGE + text_tokens(role, model) + text_tokens(content, model)
    if isinstance(message.get("name"), str):
        tokens += PER_NAME + text_tokens(message["name"], model)
    return tokens + json_tokens(message.get("tool_calls"), model) + json_tokens(message.get("function_call"), model)


def messages_tokens(messages: object, model: str) -> int:
    """Tokens of a list of messages, as a prompt or as one training example (the cookbook's rule)."""
    if not isinstance(messages, list):
        return 0
    return PER_REPLY + sum(_message_tokens(m, model) for m in messages if isinstance(m, dict))
