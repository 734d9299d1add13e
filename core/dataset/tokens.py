"""Offline token counting with the bundled tiktoken files (no download, ever)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core.dataset.model import LEGACY_MODELS
from core.paths import resource_path

if TYPE_CHECKING:
    import tiktoken

# Each chat message is counted as <|im_start|>role<|im_sep|>content<|im_end|>: content tokens plus
# this overhead. A public write-up (amitness.com, 2025) found it matches the dashboard's trained
# tokens exactly; the cookbook's rule (3 per message + role, 3 per example) overestimates slightly.
TOKENS_PER_MESSAGE = 4


def _use_bundled_files() -> None:
    os.environ["TIKTOKEN_CACHE_DIR"] = str(resource_path("tokenizers"))


@functools.cache
def encoding(name: str = "o200k_base") -> tiktoken.Encoding:
    import tiktoken

    _use_bundled_files()
    return tiktoken.get_encoding(name)


def encoding_name_for(model: str) -> str:
    """o200k_base for today's models; cl100k_base for the legacy completion models and gpt-3.5/gpt-4."""
    base = model.removeprefix("ft:").split(":")[0]
    if base.startswith(LEGACY_MODELS) or base.startswith(("gpt-3.5", "gpt-4-", "gpt-4:")) or base == "gpt-4":
        return "cl100k_base"
    return "o200k_base"


@functools.cache
def encoder_for(model: str) -> Callable[[str], list[int]]:
    """The model's encode_ordinary: special-token strings such as <|endoftext|> are ordinary text."""
    return encoding(encoding_name_for(model)).encode_ordinary


def count_text(text: str, model: str = "gpt-4o-mini") -> int:
    """Tokens of plain text; special-token strings such as <|endoftext|> count as ordinary text."""
    return len(encoder_for(model)(text))


def _images_in(content: Any) -> int:
    if not isinstance(content, list):
        return 0
    return sum(1 for part in content if isinstance(part, dict) and part.get("type") == "image_url")


def image_parts(data: Any) -> int:
    """Image parts in a row's messages (chat ``messages`` or a DPO ``input``). They are not in the token
    count: an image's tokens depend on its pixel size, which the file does not hold."""
    if not isinstance(data, dict):
        return 0
    inputs = data.get("input")
    lists = (data.get("messages"), inputs.get("messages") if isinstance(inputs, dict) else None)
    return sum(_images_in(m.get("content")) for messages in lists if isinstance(messages, list)
               for m in messages if isinstance(m, dict))
